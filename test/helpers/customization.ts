// A zero-configuration customization (what the loader returns for a recipe without a tree), for tests
// that build a PreparedRun by hand.
import type { Customization } from '../../src/recipes/load-customization.js';
import { RecipeMeta } from '../../src/recipes/schema.js';

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
