// Every path of one run lives under <runsDir>/<runId>/ and reaches children by exact path (docs/architecture.md#per-run-state-and-the-env-contract).
import { join } from 'node:path';

/** The images of a run, in its run directory: the summary card and the app's screenshot. */
export const CARD_FILE = 'card.png';
export const SCREENSHOT_FILE = 'screenshot.png';

export interface RunPaths {
  readonly runDir: string;
  /** The run's own ABRA_DIR: servers/ links to the shared server config, recipes/ is fresh. */
  readonly abraDir: string;
  readonly recipeDir: string;
  /** A second ABRA_DIR holding the pristine clone that lint reads. */
  readonly lintAbraDir: string;
  readonly logFile: string;
  readonly contextFile: string;
  readonly opStateFile: string;
  readonly depsFile: string;
  readonly depsSkipFile: string;
  readonly deploysFile: string;
  readonly tierReportsDir: string;
  /** The recipe repository's .ccci/ tree as it was at the head (copied before any other checkout). */
  readonly repoLocalDir: string;
  /** Creating this file asks the run to cancel (how the daemon cancels a run it did not start with a signal). */
  readonly cancelFile: string;
  /** What the run says about itself at its start: the janitor records a killed run from it. */
  readonly runStartFile: string;
}

export function runPaths(runsDir: string, runId: string, recipe: string): RunPaths {
  return runPathsIn(join(runsDir, runId), recipe);
}

/** Where a run says what it is at its start: read before the recipe (and so the rest of its paths) is known. */
export function runStartFileIn(runDir: string): string {
  return join(runDir, 'state', 'run-start.json');
}

/** The same paths for a run directory already known (the janitor has it from a lock owner record). */
export function runPathsIn(runDir: string, recipe: string): RunPaths {
  const abraDir = join(runDir, 'abra');
  return {
    runDir,
    abraDir,
    recipeDir: join(abraDir, 'recipes', recipe),
    lintAbraDir: join(runDir, 'lint-abra'),
    logFile: join(runDir, 'run.log'),
    contextFile: join(runDir, 'state', 'context.json'),
    opStateFile: join(runDir, 'state', 'op-state.json'),
    depsFile: join(runDir, 'state', 'deps.json'),
    depsSkipFile: join(runDir, 'state', 'deps-skip.json'),
    deploysFile: join(runDir, 'state', 'deploys'),
    tierReportsDir: join(runDir, 'tiers'),
    repoLocalDir: join(runDir, 'repo-local'),
    cancelFile: join(runDir, 'cancel-requested'),
    runStartFile: runStartFileIn(runDir),
  };
}
