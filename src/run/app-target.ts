// One app cc-ci deploys in a run: the recipe under test, or one of its DEPS. Deploy, readiness and
// teardown code works on a target, so dependencies go through exactly the same path as the app.
import { join } from 'node:path';
import type { DependencyRecord, PlannedDependency, PreparedFacts } from '../domain/run-types.js';
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
  /** The dependencies ready so far, by recipe name: what its hooks see as ctx.deps. */
  readonly deps: Readonly<Record<string, DependencyRecord>>;
}

/** The recipe under test, with the dependencies that became ready. */
export function appTarget(
  world: Pick<RunWorld, 'identity' | 'loaded'>,
  prepared: PreparedFacts,
  readyDependencies: readonly DependencyRecord[],
): AppTarget {
  const customization = world.loaded.customizationOf(prepared.recipe);
  return {
    recipe: prepared.recipe,
    domain: world.identity.domain,
    stack: world.identity.stack,
    recipeDir: prepared.recipeDir,
    meta: customization.meta,
    customization,
    deps: Object.fromEntries(readyDependencies.map((dependency) => [dependency.recipe, dependency])),
  };
}

/** One of DEPS, seeing the dependencies deployed before it. */
export function dependencyTarget(
  world: Pick<RunWorld, 'loaded'>,
  dependency: PlannedDependency,
  readyBefore: readonly DependencyRecord[],
): AppTarget {
  const customization = world.loaded.customizationOf(dependency.recipe);
  return {
    recipe: dependency.recipe,
    domain: dependency.domain,
    stack: dependency.stack,
    recipeDir: dependency.recipeDir,
    meta: customization.meta,
    customization,
    deps: Object.fromEntries(readyBefore.map((ready) => [ready.recipe, ready])),
  };
}

/** The app's env file in the shared server config (abra finds apps there). */
export function envFileOf(world: Pick<RunWorld, 'config'>, domain: string): string {
  return join(world.config.abra.dir, 'servers', world.config.abra.server, `${domain}.env`);
}
