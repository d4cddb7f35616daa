// Stage 6: `abra recipe lint` on a pristine clone at the tested ref, in its own ABRA_DIR. The clone is
// made from the run's own clone (its commits and tags), not from the forge again: lint goes on while
// the app deploys, and by then the run needs nothing of the forge.
import { join } from 'node:path';
import { fromPromise } from 'xstate';
import type { LintResult, PreparedRun } from '../domain/run-types.js';
import { createRunAbraDir } from './prepare-run.js';
import type { RunWorld } from './run-world.js';

export async function lintRecipe(world: RunWorld, prepared: PreparedRun, signal: AbortSignal): Promise<LintResult> {
  const { paths, git, config } = world;
  await createRunAbraDir(paths.lintAbraDir, config.abra.dir);
  const pristine = join(paths.lintAbraDir, 'recipes', prepared.recipe);
  await git.clone(paths.recipeDir, pristine);
  await git.checkout(pristine, prepared.headSha);
  signal.throwIfAborted();
  const report = await world.lintAbra.recipeLint(prepared.recipe, signal);
  const warned = report.warnings.length === 0 ? '' : `; warnings: ${report.warnings.join(', ')}`;
  return report.rulesFailed.length === 0
    ? { status: 'pass', rulesFailed: [], warnings: [...report.warnings], detail: `no error-level rule failed${warned}` }
    : { status: 'fail', rulesFailed: [...report.rulesFailed], warnings: [...report.warnings], detail: `error-level rules failed: ${report.rulesFailed.join(', ')}${warned}` };
}

export function makeLintRecipe(world: RunWorld) {
  return fromPromise<LintResult, { readonly prepared: PreparedRun }>(({ input, signal }) => lintRecipe(world, input.prepared, signal));
}
