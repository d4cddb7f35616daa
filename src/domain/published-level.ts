// The level a recipe publishes (badge, overview): that of its newest run with a verdict about the
// recipe. An `error` run (cc-ci's or the machine's failure, an abort, a killed run) and a `bad-input`
// run (a wrong request) judged nothing, so they never lower — or raise — what is published.
import type { Verdict } from './verdict.js';

export interface JudgedRun {
  readonly runId: string;
  readonly verdict: Verdict;
  readonly level: number;
  readonly finishedAt: string;
}

/** Verdicts that say something about the recipe. */
export function publishes(verdict: Verdict): boolean {
  return verdict === 'success' || verdict === 'failure';
}

/** The newest run that publishes, of runs given newest first; undefined when none does. */
export function publishedRun<T extends JudgedRun>(newestFirst: Iterable<T>): T | undefined {
  for (const run of newestFirst) if (publishes(run.verdict)) return run;
  return undefined;
}
