// What the dashboard publishes of a recipe: its level from its newest run with a verdict about it
// (src/domain/published-level.ts), read from the daemon's store.
import { publishedRun, type JudgedRun } from '../domain/published-level.js';
import type { DaemonStore, StoredRequest } from '../io/daemon-store.js';

function* judgedRuns(requests: Iterable<StoredRequest>): Generator<JudgedRun> {
  for (const request of requests) {
    const outcome = request.outcome;
    if (outcome?.kind !== 'results' || request.finishedAt === null) continue;
    yield { runId: outcome.runId, verdict: outcome.verdict, level: outcome.level, finishedAt: request.finishedAt };
  }
}

/** The recipe's published run, if it has one; reads its history newest first only as far as needed. */
export function publishedOf(store: Pick<DaemonStore, 'finishedRequestsOf'>, recipe: string): JudgedRun | undefined {
  return publishedRun(judgedRuns(store.finishedRequestsOf(recipe)));
}
