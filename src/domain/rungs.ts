// The five rungs of the level ladder and the vocabulary every other module uses for them.
import * as z from 'zod';

/** Rungs in ladder order: index + 1 is the level a rung earns. */
export const RUNG_NAMES = ['install', 'upgrade', 'backup_restore', 'functional', 'lint'] as const;
export const RungName = z.enum(RUNG_NAMES);
export type RungName = z.infer<typeof RungName>;

export const RungStatus = z
  .enum(['pass', 'fail', 'skip', 'unver'])
  .describe(
    'pass: exercised and passed; fail: exercised and failed; skip: intentionally not applicable; unver: should have run but did not',
  );
export type RungStatus = z.infer<typeof RungStatus>;

/** Why a rung is `unver`; decides whether the run's verdict becomes `error`. */
export const UnverCause = z
  .enum(['not-run', 'no-tests', 'aborted', 'infra', 'timeout', 'harness'])
  .describe('not-run: an earlier stage failed; no-tests: nothing to run; the rest make the verdict "error"');
export type UnverCause = z.infer<typeof UnverCause>;

export const Rung = z.strictObject({
  status: RungStatus,
  reason: z.string().describe('One sentence: why this status'),
  cause: UnverCause.optional().describe('Only for unver'),
});
export type Rung = z.infer<typeof Rung>;

export const Rungs = z.strictObject({
  install: Rung,
  upgrade: Rung,
  backup_restore: Rung,
  functional: Rung,
  lint: Rung,
});
export type Rungs = z.infer<typeof Rungs>;
