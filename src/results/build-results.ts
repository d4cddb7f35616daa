// Turns a run's record (the run machine's output) into results.json: rungs, level, verdict, exit code, flags.
import { judgeDeployBudget } from '../domain/deploy-budget.js';
import { deriveRungs } from '../domain/derive-rungs.js';
import { computeLevel } from '../domain/level.js';
import type { RunIdentity, RunRecord } from '../domain/run-types.js';
import { computeVerdict, exitCodeFor } from '../domain/verdict.js';
import { RESULTS_SCHEMA_VERSION, type Results } from './schema.js';

/** Everything results.json says about a run: its record, and who and when it was. */
export interface ResultsRecord extends RunRecord {
  readonly identity: Pick<RunIdentity, 'runId' | 'recipe' | 'ref' | 'pr' | 'domain'>;
  /** ISO 8601. */
  readonly startedAt: string;
}

/** What is known only once the run has ended. */
export interface RunEnding {
  readonly finishedAt: Date;
  /** The run log's path relative to the run directory. */
  readonly logFile: string;
  /** What was scanned for known secret values, and where one was found (src/run/leak-scan.ts). */
  readonly secretScan: { readonly scanned: readonly string[]; readonly leaked: readonly string[] };
}

/** Whether the run got as far as creating its app (so the deploy budget applies). */
function attemptedInstall(record: RunRecord): boolean {
  return record.deploys.length > 0 || record.tiers.length > 0 || record.failure?.stage === 'deploy';
}

export function buildResults(record: ResultsRecord, ending: RunEnding): Results {
  const rungs = deriveRungs(record);
  const deploys = record.deploys.length;
  const budget = judgeDeployBudget({
    attempted: attemptedInstall(record),
    dependencies: record.prepared?.dependencies.length ?? 0,
    recorded: deploys,
    complete: record.abortReason === null && rungs.install.status === 'pass',
  });
  const { expected } = budget;
  const budgetKept = budget.kept;
  if (!budgetKept && rungs.install.status === 'pass') {
    rungs.install = { status: 'fail', reason: `deploy budget broken: ${deploys} deploys, expected ${expected}` };
  }
  // a wrong request judges nothing: its own word, never error (an error would read as cc-ci's fault)
  const badInput = record.failure?.kind === 'bad-input' && record.abortReason === null;
  const verdict = badInput ? 'bad-input' : computeVerdict(rungs, budgetKept, record.abortReason);
  const teardown = record.teardown ?? { ran: false, complete: false, leftovers: [], errors: [] };
  const { identity } = record;
  return {
    schema: RESULTS_SCHEMA_VERSION,
    runId: identity.runId,
    recipe: identity.recipe,
    ref: record.prepared?.headSha ?? identity.ref ?? 'HEAD',
    pr: identity.pr,
    domain: identity.domain,
    baseVersion: record.prepared?.base ?? null,
    headVersion: record.prepared?.headVersion ?? null,
    startedAt: record.startedAt,
    finishedAt: ending.finishedAt.toISOString(),
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
    deploys: { expected, actual: deploys },
    lint: record.lint ?? { status: 'unver', rulesFailed: [], warnings: [], detail: 'lint did not run' },
    flags: {
      // nothing ran to remove means nothing was left only when nothing was ever deployed
      cleanTeardown: teardown.ran ? teardown.complete && teardown.leftovers.length === 0 : expected === 0,
      // nothing scanned vouches for nothing
      noSecretLeak: ending.secretScan.scanned.length > 0 && ending.secretScan.leaked.length === 0,
    },
    secretScan: { scanned: [...ending.secretScan.scanned], leaked: [...ending.secretScan.leaked] },
    teardown: { ...teardown, leftovers: [...teardown.leftovers], errors: [...teardown.errors] },
    customization: { ...(record.prepared?.manifest ?? {}) },
    artifacts: {
      log: ending.logFile,
      card: null,
      screenshot: record.screenshot !== null && 'file' in record.screenshot ? record.screenshot.file : null,
      problems: record.screenshot !== null && 'problem' in record.screenshot ? [record.screenshot.problem] : [],
    },
  };
}
