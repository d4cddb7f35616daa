// Stage 9, one tier: its op (src/run/tier-ops.ts, once, owned by the orchestrator), then the generic
// assertions plus the recipe's overlay (or the functional tests) in a test runner. Returns the tier's
// result and the facts its op made (the backup's snapshot for the restore).
import { relative } from 'node:path';
import { fromPromise } from 'xstate';
import { counted } from '../domain/count-words.js';
import type { BackupFacts, DependencyRecord, PreparedFacts, TierName, TierOutcome, TierResult } from '../domain/run-types.js';
import { StageFailureError } from '../domain/stage-failure.js';
import { deadline, type Deadline } from '../io/deadline.js';
import { REPO_LOCAL_DIR, type Customization, type SourcedFile } from '../recipes/load-customization.js';
import { BACKUP_ATTEMPTS, DEFAULT_TIER_TIMEOUT_SECONDS } from '../recipes/schema.js';
import { appTarget } from '../run/app-target.js';
import { stageSignal, type RunWorld } from '../run/run-world.js';
import { genericTestFile, runTierTests, type TierTestFile } from '../run/tier-tests.js';
import { performOp, type OpOutcome, type OpWorld } from '../run/tier-ops.js';

/** What this actor touches of the run's world. */
export type TierWorld = OpWorld & Pick<RunWorld, 'loaded' | 'stopping'>;

export interface TierInput {
  readonly prepared: PreparedFacts;
  readonly tier: TierName;
  readonly readyDependencies: readonly DependencyRecord[];
  /** What the backup op made: the restore's input. */
  readonly backup: BackupFacts | null;
}

/** Prefix of a customization test's names in results: its source and its path in that tree. */
function testLabel(world: TierWorld, test: SourcedFile): string {
  return test.source === 'repo-local'
    ? `repo-local ${REPO_LOCAL_DIR}/${relative(world.paths.repoLocalDir, test.file)}`
    : `cc-ci ${relative(world.config.customizationDir, test.file)}`;
}

/** The generic file and the recipe's overlay for a lifecycle tier; the functional tests for functional. */
function tierTestFiles(world: TierWorld, customization: Customization, tier: TierName): TierTestFile[] {
  if (tier === 'functional') return customization.functionalTests.map((test) => ({ file: test.file, label: testLabel(world, test) }));
  const overlay = customization.overlays[tier];
  return [
    { file: genericTestFile(tier), label: null },
    ...(overlay === undefined ? [] : [{ file: overlay.file, label: testLabel(world, overlay) }]),
  ];
}

export async function runTier(world: TierWorld, input: TierInput, signal: AbortSignal): Promise<TierOutcome> {
  const timeoutSeconds = world.loaded.customizationOf(input.prepared.recipe).meta.TIMEOUTS[input.tier] ?? DEFAULT_TIER_TIMEOUT_SECONDS;
  const budget = deadline(signal, timeoutSeconds * 1_000);
  try {
    return await runTierWithin(world, input, budget, timeoutSeconds, signal);
  } finally {
    budget.dispose();
  }
}

async function runTierWithin(
  world: TierWorld,
  input: TierInput,
  budget: Deadline,
  timeoutSeconds: number,
  signal: AbortSignal,
): Promise<TierOutcome> {
  const { tier } = input;
  const started = performance.now();
  const tierSignal = budget.signal;
  const elapsed = () => Math.round(performance.now() - started);
  const timedOut = () => !signal.aborted && budget.expired();
  const target = appTarget(world, input.prepared, input.readyDependencies);
  let op: OpOutcome;
  try {
    op = await performOp(world, input.prepared, target, tier, input.backup, tierSignal);
  } catch (error) {
    if (signal.aborted) throw error;
    if (timedOut()) {
      const reason = `timed out after ${timeoutSeconds}s during the ${tier} op`;
      return { result: { name: tier, status: 'unver', cause: 'timeout', reason, ms: elapsed(), tests: [] } };
    }
    const message = (error as Error).message;
    world.log.warn({ tier, err: error }, 'tier op failed');
    const appDead = error instanceof StageFailureError && error.failure.appDead === true;
    const reason = `${tier} op failed: ${message.split('\n')[0]}`;
    return { result: { name: tier, status: 'fail', reason, ms: elapsed(), tests: [], ...(appDead ? { appDead } : {}) } };
  }
  const facts = op.backup === undefined ? {} : { backup: op.backup };
  const outcome = await runTierTests(world, tier, tierTestFiles(world, target.customization, tier), op.baseUrl, tierSignal);
  if (signal.aborted) throw signal.reason;
  const ms = elapsed();
  const { tests } = outcome;
  const failed = tests.filter((test) => test.status === 'fail');
  const passed = tests.filter((test) => test.status === 'pass');
  const result = (fields: Pick<TierResult, 'status' | 'reason' | 'cause'>): TierOutcome => ({
    result: { name: tier, ...fields, ms, tests },
    ...facts,
  });
  if (timedOut()) return result({ status: 'unver', cause: 'timeout', reason: `timed out after ${timeoutSeconds}s` });
  if (failed.length > 0) {
    const which = failed.map((test) => `${test.name}: ${test.message ?? 'failed'}`).join('; ');
    return result({ status: 'fail', reason: `${failed.length} of ${counted(tests.length, 'test')} failed: ${which}` });
  }
  if (outcome.runnerProblem !== undefined)
    return result({ status: 'unver', cause: 'harness', reason: `harness error: ${outcome.runnerProblem}` });
  if (passed.length === 0) return result({ status: 'unver', cause: 'harness', reason: 'no test passed (all skipped or none ran)' });
  const verifiedOn = op.backup?.verifiedOnAttempt ?? null;
  const held = verifiedOn === null ? '' : `; BACKUP_VERIFY held on backup ${verifiedOn} of ${BACKUP_ATTEMPTS}`;
  return result({ status: 'pass', reason: `${counted(passed.length, 'test')} passed${held}` });
}

export function makeRunTier(world: TierWorld) {
  return fromPromise<TierOutcome, TierInput>(({ input, signal }) => {
    const stage = stageSignal(world, signal);
    return runTier({ ...world, docker: world.docker.withSignal(stage) }, input, stage);
  });
}
