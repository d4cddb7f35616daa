// The `ccci run --json` event stream: one JSON object a line. This schema is its single source;
// docs/run-events.schema.json is generated from it, and the daemon reads the stream through it.
import * as z from 'zod';
import { LockOwner } from '../domain/lock-owner.js';
import { Rungs } from '../domain/rungs.js';
import { Verdict } from '../domain/verdict.js';

/** The stages a run goes through, as its machine's states name them (`meta.stage`). */
export const RUN_STAGES = [
  'janitor',
  'prepare',
  'lint',
  'lock',
  'deploy',
  'screenshot',
  'install',
  'upgrade',
  'backup',
  'restore',
  'functional',
  'teardown',
] as const;
export const RunStage = z.enum(RUN_STAGES);
export type RunStage = z.infer<typeof RunStage>;

const At = z.iso.datetime().describe('When the event was written');

export const RunEvent = z
  .discriminatedUnion('event', [
    z.strictObject({
      event: z.literal('run.started'),
      at: At,
      runId: z.string(),
      recipe: z.string(),
      ref: z.string().optional().describe('The ref asked for; absent for the source HEAD'),
      domain: z.string(),
      runDir: z.string(),
    }),
    z.strictObject({ event: z.literal('stage.started'), at: At, stage: RunStage }),
    z.strictObject({
      event: z.literal('stage.finished'),
      at: At,
      stage: RunStage,
      ms: z.number().int().nonnegative(),
      detail: z.string().describe('One line: how the stage ended ("" when there is nothing to say)'),
    }),
    z.strictObject({
      event: z.literal('customization'),
      at: At,
      manifest: z.record(z.string(), z.unknown()).describe('The full customization manifest'),
    }),
    z.strictObject({
      event: z.literal('lock.waiting'),
      at: At,
      domain: z.string(),
      holder: LockOwner.nullable().describe('The lock owner record, null when it cannot be read'),
      waitedMs: z.number().int().nonnegative().describe('0 when the wait starts; repeated while it goes on'),
    }),
    z.strictObject({ event: z.literal('notice'), at: At, message: z.string() }),
    z.strictObject({
      event: z.literal('run.finished'),
      at: At,
      level: z.number().int().min(0).max(5),
      verdict: Verdict,
      exitCode: z.number().int(),
      rungs: Rungs,
      results: z.string().describe('Path of results.json'),
    }),
  ])
  .meta({ id: 'CcciRunEvent', title: 'cc-ci run --json event' });
export type RunEvent = z.infer<typeof RunEvent>;

/** A line of the stream as an event, or why it is not one. */
export function parseRunEvent(line: string): { event: RunEvent } | { problem: string } {
  let data: unknown;
  try {
    data = JSON.parse(line);
  } catch (error) {
    return { problem: `not JSON: ${(error as Error).message}` };
  }
  const parsed = RunEvent.safeParse(data);
  return parsed.success ? { event: parsed.data } : { problem: z.prettifyError(parsed.error) };
}
