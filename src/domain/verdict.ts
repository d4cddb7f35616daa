// Verdict and exit code of a run (docs/results.md). Lint shapes the level, never the verdict.
import * as z from 'zod';
import { EXIT_CODES } from './exit-codes.js';
import { RUNG_NAMES, type Rungs } from './rungs.js';

export const Verdict = z
  .enum(['success', 'failure', 'error', 'bad-input'])
  .describe(
    'success and failure judge the recipe; error: cc-ci, the engine or the environment failed; bad-input: the request itself was wrong (a ref that does not exist, a broken customization), nothing was tested',
  );
export type Verdict = z.infer<typeof Verdict>;

export const AbortReason = z
  .enum(['sigterm', 'sigint', 'sighup', 'parent-gone', 'deadline', 'cancel', 'lock-lost', 'harness-crash'])
  .describe(
    "What ended the run early (harness-crash: an error nothing caught inside the cc-ci process, e.g. a recipe hook's stray promise)",
  );
export type AbortReason = z.infer<typeof AbortReason>;

/** What a record says ended the run: one of the run's own abort reasons, or `killed`, which only the janitor writes. */
export const RecordedAbortReason = z
  .enum([...AbortReason.options, 'killed'])
  .describe(
    `${AbortReason.description}; killed: the process died without finishing (SIGKILL, out of memory, the host went down) and the janitor that reaped its app wrote this record`,
  );
export type RecordedAbortReason = z.infer<typeof RecordedAbortReason>;

const ERROR_CAUSES = new Set(['aborted', 'infra', 'timeout', 'harness']);

export function computeVerdict(rungs: Rungs, deployBudgetKept: boolean, abortReason: RecordedAbortReason | null = null): Verdict {
  // the domain was taken over while this run stalled: what its tiers saw after that may be another run's app
  if (abortReason === 'lock-lost') return 'error';
  const verdictRungs = RUNG_NAMES.filter((name) => name !== 'lint').map((name) => rungs[name]);
  if (!deployBudgetKept || verdictRungs.some((rung) => rung.status === 'fail')) return 'failure';
  if (verdictRungs.some((rung) => rung.status === 'unver' && rung.cause !== undefined && ERROR_CAUSES.has(rung.cause))) {
    return 'error';
  }
  return 'success';
}

/** An abort decides the exit code whatever the verdict: the run did not finish. */
export function exitCodeFor(verdict: Verdict, abortReason: RecordedAbortReason | undefined): number {
  if (verdict === 'bad-input') return EXIT_CODES.badInput;
  if (abortReason === 'deadline') return EXIT_CODES.deadline;
  // nobody asked these runs to stop: a crash inside cc-ci, the domain taken over by another run, a killed process
  if (abortReason === 'harness-crash' || abortReason === 'lock-lost' || abortReason === 'killed') return EXIT_CODES.error;
  if (abortReason !== undefined) return EXIT_CODES.cancelled;
  return EXIT_CODES[verdict];
}
