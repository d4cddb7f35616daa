// After the janitor reaped the app of a run whose process died on this host: that run's results.json,
// unless the run wrote its own. Best effort: a record that cannot be written is logged, the reap stands.
import { join, relative } from 'node:path';
import { runPathsIn, runStartFileIn } from '../domain/run-paths.js';
import type { LockOwner } from '../domain/lock-owner.js';
import { pathExists } from '../io/fs.js';
import type { Logger } from '../io/log.js';
import { readDeployAttempts, readJsonFile } from '../io/run-state.js';
import { buildKilledResults, RunStart } from '../results/killed-run.js';
import { RESULTS_FILE, writeResults } from '../results/write-results.js';

export async function recordKilledRun(
  adapters: { readonly log: Logger; readonly runId: string },
  owner: LockOwner,
  leftovers: readonly string[],
): Promise<void> {
  const { log } = adapters;
  const { runDir } = owner;
  if (runDir === undefined) return;
  try {
    if (await pathExists(join(runDir, RESULTS_FILE))) return;
    const start = RunStart.safeParse(await readJsonFile<unknown>(runStartFileIn(runDir), undefined));
    if (!start.success) {
      log.warn({ runDir, runId: owner.runId }, 'janitor: the dead run left no readable run-start record; no results.json written for it');
      return;
    }
    const paths = runPathsIn(runDir, start.data.recipe);
    const results = buildKilledResults({
      start: start.data,
      owner,
      reapedBy: `the janitor pass ${adapters.runId}`,
      reapedAt: new Date(),
      leftovers,
      deploys: await readDeployAttempts(paths.deploysFile),
      logFile: relative(runDir, paths.logFile),
    });
    const file = await writeResults(runDir, results);
    log.info({ runId: owner.runId, resultsFile: file }, 'janitor: recorded the dead run as killed');
  } catch (error) {
    log.warn({ err: error, runDir, runId: owner.runId }, 'janitor: could not record the dead run');
  }
}
