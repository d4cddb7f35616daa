// results.json: the one record of a run. docs/results.schema.json is generated from this schema.
import * as z from 'zod';
import { Rungs } from '../domain/rungs.js';
import { UpgradeBase } from '../domain/upgrade-base.js';
import { TeardownReport } from '../domain/teardown-report.js';
import { LintResult, TierResult } from '../domain/tier-result.js';
import { RecordedAbortReason, Verdict } from '../domain/verdict.js';

export const RESULTS_SCHEMA_VERSION = 1;

export const Results = z
  .strictObject({
    schema: z.literal(RESULTS_SCHEMA_VERSION),
    runId: z.string(),
    recipe: z.string(),
    ref: z.string().describe('The commit under test'),
    pr: z.string().nullable(),
    domain: z.string(),
    baseVersion: UpgradeBase.nullable().describe('Null when the run stopped before the base was resolved'),
    headVersion: z.string().nullable(),
    startedAt: z.iso.datetime(),
    finishedAt: z.iso.datetime(),
    verdict: Verdict,
    exitCode: z.number().int(),
    abortReason: RecordedAbortReason.nullable(),
    abortDetail: z
      .string()
      .optional()
      .describe(
        'What the abort reason alone does not say; present for lock-lost (whose the domain is now) and killed (who found the dead run, and what was reaped)',
      ),
    level: z.number().int().min(0).max(5),
    rungs: Rungs,
    tiers: z.array(TierResult),
    deploys: z.strictObject({ expected: z.number().int(), actual: z.number().int() }),
    lint: LintResult,
    flags: z.strictObject({
      cleanTeardown: z.boolean().describe('Nothing of the domain was left on the swarm after teardown'),
      noSecretLeak: z
        .boolean()
        .describe('Every artifact was scanned for every known secret value and none appears in them (false when nothing could be scanned)'),
    }),
    secretScan: z
      .strictObject({
        scanned: z
          .array(z.string())
          .describe('The artifacts scanned, relative to the run directory: the log, the tier reports, results.json'),
        leaked: z.array(z.string()).describe('The artifacts a known secret value appears in unmasked'),
      })
      .describe('The leak scan behind flags.noSecretLeak; images (card, screenshot) are not text and are not scanned'),
    teardown: TeardownReport,
    customization: z.record(z.string(), z.unknown()).describe('The customization manifest printed at run start'),
    artifacts: z.strictObject({
      log: z.string().describe('Run log (JSON lines), relative to the run directory'),
      card: z.string().nullable().describe('The summary card (PNG), relative to the run directory; null when it could not be rendered'),
      screenshot: z.string().nullable().describe("The app's screenshot (PNG), relative to the run directory; null when there is none"),
      problems: z
        .array(z.string())
        .describe(
          'Why an image is missing (images are best effort: the text of the run stands without them, and its verdict never depends on them)',
        ),
    }),
  })
  .meta({ id: 'CcciResults', title: 'cc-ci results.json' });
export type Results = z.infer<typeof Results>;
