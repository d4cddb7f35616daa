// What one tier and the lint stage report: the vocabulary the run's stages, the rungs and results.json share.
import * as z from 'zod';
import { UnverCause } from './rungs.js';

export const TestStatus = z.enum(['pass', 'fail', 'skip']);
export type TestStatus = z.infer<typeof TestStatus>;

export const TestResult = z.strictObject({
  name: z.string(),
  status: TestStatus,
  ms: z.number().int().nonnegative().describe('Duration in milliseconds'),
  message: z.string().optional().describe('Failure or skip message'),
});
export type TestResult = z.infer<typeof TestResult>;

export const TierName = z.enum(['install', 'upgrade', 'backup', 'restore', 'functional']);
export type TierName = z.infer<typeof TierName>;

export const TierResult = z.strictObject({
  name: TierName,
  status: z.enum(['pass', 'fail', 'skip', 'unver']),
  reason: z.string(),
  cause: UnverCause.optional().describe('Only for unver: why the tier could not vouch either way (the rung takes it over)'),
  ms: z.number().int().nonnegative(),
  tests: z.array(TestResult),
  appDead: z
    .literal(true)
    .optional()
    .describe('This tier found the app dead (its services will not run again): the later tiers that need a live app were not run'),
});
export type TierResult = z.infer<typeof TierResult>;

export const LintResult = z.strictObject({
  status: z.enum(['pass', 'fail', 'unver']),
  rulesFailed: z.array(z.string()).describe('Error-level rules that are not satisfied, e.g. R011'),
  warnings: z.array(z.string()).describe('Warn-level rules that are not satisfied'),
  detail: z.string(),
});
export type LintResult = z.infer<typeof LintResult>;
