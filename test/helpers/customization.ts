// A zero-configuration customization (what the loader returns for a recipe without a tree), for tests
// that build a PreparedRun by hand.
import type { Customization } from '../../src/recipes/load-customization.js';
import { RecipeMeta } from '../../src/recipes/schema.js';

/** The registry's defaults, written out: what a recipe without meta.ts gets. */
export const DEFAULT_META = {
  HEALTH_PATH: '/',
  HEALTH_OK: [200, 301, 302],
  DEPLOY_TIMEOUT: 600,
  HTTP_TIMEOUT: 120,
  EXTRA_ENV: {},
  UPGRADE_EXTRA_ENV: {},
  DEPS: [],
  EXPECTED_NA: {},
  TIMEOUTS: {},
};

export function zeroCustomization(recipe: string): Customization {
  return {
    recipe,
    treeDir: `/customization/${recipe}`,
    meta: RecipeMeta.parse({}),
    metaFile: null,
    ops: {},
    overlays: {},
    functionalTests: [],
    installSteps: null,
    composeOverlay: null,
    previousOverlays: [],
    repoLocal: { present: false, trusted: false, detail: 'the recipe repository has no .ccci/ tree' },
  };
}
