// The env contract (docs/recipe-customization.md#the-env-contract) every child of a run gets: tier tests and install_steps.sh.
import type { TierName } from '../domain/tier-result.js';
import type { ContractEnv } from '../tiers/tier-context.js';
import type { RunWorld } from './run-world.js';

/** What this actor touches of the run's world. */
export type ContractWorld = Pick<RunWorld, 'identity' | 'paths'>;

/** The env contract for a child working on `target` (the app, or a dependency's install_steps.sh). */
export function contractEnv(
  world: ContractWorld,
  target: { readonly recipe: string; readonly domain: string },
  op: TierName,
  baseUrl: string,
): ContractEnv {
  const { identity, paths } = world;
  return {
    CCCI_RUN_ID: identity.runId,
    CCCI_APP_DOMAIN: target.domain,
    CCCI_BASE_URL: baseUrl,
    CCCI_RECIPE: target.recipe,
    CCCI_OP: op,
    ABRA_DIR: paths.abraDir,
    CCCI_OP_STATE_FILE: paths.opStateFile,
    CCCI_DEPS_FILE: paths.depsFile,
    CCCI_DEPS_SKIP_FILE: paths.depsSkipFile,
    CCCI_DEPLOYS_FILE: paths.deploysFile,
    CCCI_CONTEXT_FILE: paths.contextFile,
  };
}
