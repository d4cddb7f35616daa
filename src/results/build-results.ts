// Turns the run machine's output into results.json: rungs, level, verdict, exit code, flags.
import { judgeDeployBudget } from '../domain/deploy-budget.js';
import { deriveRungs } from '../domain/derive-rungs.js';
import { computeLevel } from '../domain/level.js';
import type { RunRecord } from '../domain/run-types.js';
import { computeVerdict, exitCodeFor } from '../domain/verdict.js';
import { RESULTS_SCHEMA_VERSION, type Results } from './schema.js';

export interface ResultsInput {
  readonly record: RunRecord;
  readonly runId: string;
  readonly recipe: string;
  readonly requestedRef: string | undefined;
  readonly pr: string | null;
  readonly domain: string;
  readonly startedAt: Date;
  readonly finishedAt: Date;
  /** Cold dependencies deployed by this run (each adds one deploy to the budget). */
  readonly coldDependencies: number;
  readonly logFile: string;
  readonly noSecretLeak: boolean;
}

/** Whether the run got as far as creating its app (so the deploy budget applies). */
function attemptedInstall(record: RunRecord): boolean {
  return record.deploysRecorded > 0 || record.tiers.length > 0 || record.failure?.stage === 'deploy';
}

export function buildResults(input: ResultsInput): Results {
  const { record } = input;
  const rungs = deriveRungs(record);
  const budget = judgeDeployBudget({
    attempted: attemptedInstall(record),
    dependencies: input.coldDependencies,
    recorded: record.deploysRecorded,
    complete: record.abortReason === null && rungs.install.status === 'pass',
  });
  const { expected } = budget;
  const budgetKept = budget.kept;
  if (!budgetKept && rungs.install.status === 'pass') {
    rungs.install = { status: 'fail', reason: `deploy budget broken: ${record.deploysRecorded} deploys, expected ${expected}` };
  }
  // a wrong request judges nothing: its own word, never error (an error would read as cc-ci's fault)
  const badInput = record.failure?.kind === 'bad-input' && record.abortReason === null;
  const verdict = badInput ? 'bad-input' : computeVerdict(rungs, budgetKept, record.abortReason);
  const teardown = record.teardown ?? { ran: false, leftovers: [], errors: [] };
  return {
    schema: RESULTS_SCHEMA_VERSION,
    runId: input.runId,
    recipe: input.recipe,
    ref: record.prepared?.headSha ?? input.requestedRef ?? 'HEAD',
    pr: input.pr,
    domain: input.domain,
    baseVersion: record.prepared?.base ?? null,
    headVersion: record.prepared?.headVersion ?? null,
    startedAt: input.startedAt.toISOString(),
    finishedAt: input.finishedAt.toISOString(),
    verdict,
    exitCode: exitCodeFor(verdict, record.abortReason ?? undefined),
    abortReason: record.abortReason,
    ...(record.abortReason === 'lock-lost' && record.lockLost !== null ? { abortDetail: record.lockLost } : {}),
    level: computeLevel({
      install: rungs.install.status,
      upgrade: rungs.upgrade.status,
      backup_restore: rungs.backup_restore.status,
      functional: rungs.functional.status,
      lint: rungs.lint.status,
    }),
    rungs,
    tiers: [...record.tiers],
    deploys: { expected, actual: record.deploysRecorded },
    lint: record.lint ?? { status: 'unver', rulesFailed: [], warnings: [], detail: 'lint did not run' },
    flags: { cleanTeardown: teardown.leftovers.length === 0 && (teardown.ran || expected === 0), noSecretLeak: input.noSecretLeak },
    teardown: { ran: teardown.ran, leftovers: [...teardown.leftovers] },
    customization: { ...(record.prepared?.manifest ?? {}) },
    artifacts: { log: input.logFile, card: null, screenshot: null },
  };
}
