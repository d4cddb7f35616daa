// What a previous life of the daemon left: requests it was running when it died. A run that finished
// anyway (results.json, not aborted) is recorded with its result; any other is reported honestly as
// interrupted and queued again — once. Its app is torn down by the run itself (it notices its parent
// is gone) or, if the run died too, reaped by the janitor; the new run waits on the domain lock.
import { join } from 'node:path';
import type { DaemonStore, StoredRequest } from '../io/daemon-store.js';
import type { Logger } from '../io/log.js';
import { readResults } from '../results/read-results.js';
import type { PullReports } from './pull-reports.js';
import { finalStatus, interruptedStatus, type ReportLinks } from './report.js';
import { outcomeFromResults } from './request.js';

/** A request is run at most this often; a second interruption ends it. */
export const MAX_ATTEMPTS = 2;

export interface RecoverDeps {
  readonly store: DaemonStore;
  readonly config: { readonly runsDir: string };
  readonly links: ReportLinks;
  readonly limitMinutes: number;
  readonly reports: PullReports;
  readonly log: Logger;
}

/** Settles the runs a previous daemon left running; returns the requests to queue, oldest first. */
export async function recoverState(deps: RecoverDeps): Promise<StoredRequest[]> {
  const { store, log } = deps;
  for (const request of store.requestsIn('running')) {
    const runId = request.runId ?? 'unknown';
    const read = await readResults(join(deps.config.runsDir, runId));
    if ('results' in read && read.results.abortReason === null) {
      const outcome = outcomeFromResults(read.results, null);
      store.finishRequest(request.id, outcome, finalStatus(deps.links, outcome, deps.limitMinutes));
      log.info(
        { request: request.id, runId, verdict: outcome.verdict },
        'a run finished while the daemon was down: its result is recorded',
      );
    } else {
      const requeue = request.attempts < MAX_ATTEMPTS;
      const detail = 'results' in read ? `it ended early (${read.results.abortReason})` : `it had not finished (${read.problem})`;
      store.interruptAttempt(request.id, { kind: 'interrupted', runId, detail }, interruptedStatus(deps.links, runId, requeue), requeue);
      log.warn({ request: request.id, runId, attempt: request.attempts, requeue, detail }, 'a run was cut off by a daemon restart');
    }
    deps.reports.refresh(request.repo, request.pull, request.recipe);
  }
  const waiting = store.requestsIn('queued');
  if (waiting.length > 0) log.info({ waiting: waiting.map((request) => request.id) }, 'waiting requests from before the restart');
  return waiting;
}
