// How a `!testme` request ended, as the daemon records and reports it. The run's own record is its
// results.json; this is the part of it the daemon keeps beside the request, plus the endings that
// produced no results at all.
import * as z from 'zod';
import { Rungs } from '../domain/rungs.js';
import { UpgradeBase } from '../domain/upgrade-base.js';
import { RecordedAbortReason, Verdict } from '../domain/verdict.js';
import type { Results } from '../results/schema.js';

export const StoppedBy = z
  .enum(['daemon-stop', 'run-limit'])
  .describe('daemon-stop: the daemon was stopped (SIGTERM) while the run went; run-limit: the run took longer than the per-run limit');
export type StoppedBy = z.infer<typeof StoppedBy>;

export const RequestOutcome = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('results'),
    runId: z.string(),
    verdict: Verdict,
    level: z.number().int().min(0).max(5),
    exitCode: z.number().int(),
    abortReason: RecordedAbortReason.nullable(),
    rungs: Rungs,
    deploys: z.strictObject({ expected: z.number().int(), actual: z.number().int() }),
    headVersion: z.string().nullable(),
    baseVersion: UpgradeBase.nullable(),
    durationMs: z.number().int().nonnegative(),
    stoppedBy: StoppedBy.nullable(),
    card: z.boolean().optional().describe('The run made its summary card (absent in outcomes stored before cards existed)'),
    screenshot: z.boolean().optional().describe("The run took the app's screenshot (absent in outcomes stored before screenshots existed)"),
  }),
  z.strictObject({
    kind: z.literal('no-results'),
    runId: z.string(),
    exitCode: z.number().int().nullable(),
    signal: z.string().nullable(),
    stoppedBy: StoppedBy.nullable(),
    detail: z.string().describe('What is known of why the run left no results.json'),
  }),
  z.strictObject({
    kind: z.literal('interrupted'),
    runId: z.string(),
    detail: z.string(),
    by: z
      .enum(['daemon-restart', 'worker-lost'])
      .optional()
      .describe(
        'What cut the run off: a daemon restart (also when absent: stored before scale-out) or, in scale-out, its worker going silent',
      ),
  }),
]);
export type RequestOutcome = z.infer<typeof RequestOutcome>;

export function outcomeFromResults(results: Results, stoppedBy: StoppedBy | null): Extract<RequestOutcome, { kind: 'results' }> {
  return {
    kind: 'results',
    runId: results.runId,
    verdict: results.verdict,
    level: results.level,
    exitCode: results.exitCode,
    abortReason: results.abortReason,
    rungs: results.rungs,
    deploys: results.deploys,
    headVersion: results.headVersion,
    baseVersion: results.baseVersion,
    durationMs: Math.max(0, Date.parse(results.finishedAt) - Date.parse(results.startedAt)),
    stoppedBy,
    card: results.artifacts.card !== null,
    screenshot: results.artifacts.screenshot !== null,
  };
}

/** A pull request is one queue key: a second `!testme` while it waits or runs is a duplicate. */
export function pullKey(repo: string, pull: number): string {
  return `${repo}#${pull}`;
}
