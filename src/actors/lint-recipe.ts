// Stage 6: `abra recipe lint` on a pristine clone at the tested ref, in its own ABRA_DIR. The clone is
// made from the run's own clone (its commits and tags), not from the forge again: lint goes on while
// the app deploys, and by then the run needs nothing of the forge.
import { join } from 'node:path';
import { fromPromise } from 'xstate';
import { CommandError } from '../io/exec.js';
import type { LintResult } from '../domain/run-types.js';
import { createRunAbraDir } from '../run/run-abra-dir.js';
import { stageSignal, type RunWorld } from '../run/run-world.js';

/** What this actor touches of the run's world. */
export type LintWorld = Pick<RunWorld, 'config' | 'identity' | 'paths' | 'git' | 'lintAbra' | 'stopping'>;

export interface LintInput {
  /** The commit under test: lint runs on it even when the recipe's files are too broken to deploy. */
  readonly headSha: string;
}

export async function lintRecipe(world: LintWorld, { headSha }: LintInput, signal: AbortSignal): Promise<LintResult> {
  const { paths, git, config, identity } = world;
  await createRunAbraDir(paths.lintAbraDir, config.abra.dir);
  const pristine = join(paths.lintAbraDir, 'recipes', identity.recipe);
  await git.clone(paths.recipeDir, pristine, signal);
  await git.checkout(pristine, headSha, signal);
  signal.throwIfAborted();
  let report;
  try {
    report = await world.lintAbra.recipeLint(identity.recipe, signal);
  } catch (error) {
    // abra's own words for a recipe whose files it cannot read: the recipe fails lint, lint did run
    const refusal =
      error instanceof CommandError
        ? /unable to validate recipe: .*/.exec(`${error.result.stdout}\n${error.result.stderr}`)?.[0]
        : undefined;
    if (refusal === undefined) throw error;
    return { status: 'fail', rulesFailed: [], warnings: [], detail: `abra recipe lint refused the recipe: ${refusal.trim()}` };
  }
  const warned = report.warnings.length === 0 ? '' : `; warnings: ${report.warnings.join(', ')}`;
  return report.rulesFailed.length === 0
    ? { status: 'pass', rulesFailed: [], warnings: [...report.warnings], detail: `no error-level rule failed${warned}` }
    : {
        status: 'fail',
        rulesFailed: [...report.rulesFailed],
        warnings: [...report.warnings],
        detail: `error-level rules failed: ${report.rulesFailed.join(', ')}${warned}`,
      };
}

export function makeLintRecipe(world: LintWorld) {
  return fromPromise<LintResult, LintInput>(({ input, signal }) => lintRecipe(world, input, stageSignal(world, signal)));
}
