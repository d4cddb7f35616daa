// One app cc-ci deploys in a run: the recipe under test, or one of its DEPS. Deploy, readiness and
// teardown code works on a target, so dependencies go through exactly the same path as the app.
import { join } from 'node:path';
import type { PreparedRun } from '../recipes/prepared-run.js';
import type { Customization } from '../recipes/load-customization.js';
import type { RecipeMeta } from '../recipes/schema.js';
import type { RunWorld } from './run-world.js';

export interface AppTarget {
  readonly recipe: string;
  readonly domain: string;
  readonly stack: string;
  /** The run's checkout of the recipe: <runDir>/abra/recipes/<recipe>. */
  readonly recipeDir: string;
  readonly meta: Readonly<RecipeMeta>;
  readonly customization: Customization;
}

export function appTarget(world: Pick<RunWorld, 'identity'>, prepared: PreparedRun): AppTarget {
  const { identity } = world;
  return {
    recipe: prepared.recipe,
    domain: identity.domain,
    stack: identity.stack,
    recipeDir: prepared.recipeDir,
    meta: prepared.meta,
    customization: prepared.customization,
  };
}

/** The app's env file in the shared server config (abra finds apps there). */
export function envFileOf(world: Pick<RunWorld, 'config'>, domain: string): string {
  return join(world.config.abra.dir, 'servers', world.config.abra.server, `${domain}.env`);
}
