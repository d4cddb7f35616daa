// Stage 9, one tier: the recipe's pre-op hook, the op (once, owned by the orchestrator), then the
// generic assertions plus the recipe's overlay (or the functional tests) in a test runner.
import { relative } from 'node:path';
import { fromPromise } from 'xstate';
import { counted } from '../domain/count-words.js';
import type { TierName, TierResult } from '../domain/run-types.js';
import type { PreparedRun } from '../recipes/prepared-run.js';
import { readJsonFile, recordOpState } from '../io/run-state.js';
import { OP_HOOK_BY_TIER } from '../recipes/hook-context.js';
import { REPO_LOCAL_DIR, type SourcedFile } from '../recipes/load-customization.js';
import { BACKUP_ATTEMPTS, DEFAULT_TIER_TIMEOUT_SECONDS, type HookContext } from '../recipes/schema.js';
import { addComposeFiles, OVERLAY_FILE, removePreviousOverlays, resolveEnvValues } from './app-env.js';
import { appTarget, envFileOf, type AppTarget } from './app-target.js';
import { placeBackupMarkers, removeBackupMarkers, type BackupMarker } from './backup-markers.js';
import { callHook, makeHookContext } from './hook-context.js';
import { verifiedBackup } from './verified-backup.js';
import { genericTestFile, runTierTests, type TierTestFile } from './run-tier-tests.js';
import { RunStageError, stageSignal, type RunWorld } from './run-world.js';
import { deadline, type Deadline } from '../io/deadline.js';
import { editEnvFile } from '../io/env-file.js';
import { taskIdsBefore, resolveBaseUrl, waitUntilReady } from './wait-until-ready.js';

/** What this actor touches of the run's world. */
export type TierWorld = Pick<
  RunWorld,
  'config' | 'identity' | 'instance' | 'paths' | 'log' | 'abra' | 'docker' | 'git' | 'notify' | 'stopping'
>;

/** The head deploy: previous/ out, head checked out, EXTRA_ENV then UPGRADE_EXTRA_ENV, one chaos redeploy in place. */
async function upgrade(
  world: TierWorld,
  prepared: PreparedRun,
  target: AppTarget,
  makeCtx: () => Promise<HookContext>,
  signal: AbortSignal,
): Promise<string> {
  const envFile = envFileOf(world, target.domain);
  await removePreviousOverlays(prepared.customization.previousOverlays, prepared.recipeDir, envFile);
  await world.git.checkout(prepared.recipeDir, prepared.headSha, signal);
  const extraEnv = await resolveEnvValues('EXTRA_ENV', target.meta, makeCtx, signal);
  const upgradeEnv = await resolveEnvValues('UPGRADE_EXTRA_ENV', target.meta, makeCtx, signal);
  await editEnvFile(envFile, { ...extraEnv, ...upgradeEnv });
  // EXTRA_ENV may set COMPOSE_FILE: cc-ci's overlay stays in it for every deploy
  if (prepared.customization.composeOverlay !== null) await addComposeFiles(envFile, [OVERLAY_FILE]);
  const dirty = await world.git.isDirty(prepared.recipeDir);
  const expectedChaosVersion = `${prepared.headSha.slice(0, 8)}${dirty ? '+U' : ''}`;
  await recordOpState(world.paths.opStateFile, 'upgrade', {
    headSha: prepared.headSha,
    expectedChaosVersion,
    base: prepared.base,
    previousOverlaysRemoved: prepared.customization.previousOverlays.length,
  });
  const before = await taskIdsBefore(world.docker, target.stack);
  await world.abra.appDeploy({ domain: target.domain, version: null, chaos: true, force: true }, signal);
  return waitUntilReady(world, target, before, 'upgrade', signal);
}

/** Markers, then `abra app backup create`, redone while BACKUP_VERIFY answers false (verified-backup.ts). */
async function backup(world: TierWorld, target: AppTarget, makeCtx: () => Promise<HookContext>, signal: AbortSignal): Promise<void> {
  const { paths } = world;
  const markers = await placeBackupMarkers(world);
  await recordOpState(paths.opStateFile, 'backup', { markers });
  const verify = target.meta.BACKUP_VERIFY;
  const outcome = await verifiedBackup({
    backUp: () => world.abra.backupCreate(target.domain, signal),
    recorded: ({ snapshotId, attempt, snapshots }) => recordOpState(paths.opStateFile, 'backup', { snapshotId, attempt, snapshots }),
    verify:
      verify === undefined
        ? undefined
        : async () => {
            const ctx = await makeCtx();
            return (await callHook('BACKUP_VERIFY', () => verify(ctx), signal)) === true;
          },
    rejected: ({ snapshotId, attempt }) => {
      world.log.info({ attempt, snapshotId }, 'BACKUP_VERIFY answered false');
      world.notify({
        type: 'notice',
        message: `BACKUP_VERIFY answered false for snapshot ${snapshotId} (backup ${attempt} of ${BACKUP_ATTEMPTS}): backing up again`,
      });
    },
  });
  if (outcome.verified) await recordOpState(paths.opStateFile, 'backup', { verifiedOnAttempt: outcome.attempt });
}

async function restore(world: TierWorld, target: AppTarget, signal: AbortSignal): Promise<string> {
  const { paths } = world;
  const state = await readJsonFile<{ backup?: { snapshotId?: string; markers?: BackupMarker[] } }>(paths.opStateFile, {});
  const snapshotId = state.backup?.snapshotId;
  if (snapshotId === undefined) throw new Error('no snapshot recorded by the backup op');
  await removeBackupMarkers(state.backup?.markers ?? []);
  await recordOpState(paths.opStateFile, 'restore', { snapshotId, markersRemovedBeforeRestore: true });
  const before = await taskIdsBefore(world.docker, target.stack);
  await world.abra.restore(target.domain, snapshotId, signal);
  return waitUntilReady(world, target, before, 'restore', signal);
}

/** The recipe's pre<Op> hook, then the op; returns the base URL the app answers on afterwards. */
async function performOp(world: TierWorld, prepared: PreparedRun, tier: TierName, signal: AbortSignal): Promise<string> {
  const target = appTarget(world, prepared);
  let baseUrl = await resolveBaseUrl(world.docker, target);
  if (tier === 'functional') return baseUrl;
  const makeCtx = () => makeHookContext(world, target, tier, baseUrl, signal);
  const hookName = OP_HOOK_BY_TIER[tier];
  const pre = prepared.customization.ops[hookName];
  if (pre !== undefined) {
    const ctx = await makeCtx();
    await callHook(hookName, () => pre.hook(ctx), signal);
  }
  switch (tier) {
    case 'upgrade':
      return upgrade(world, prepared, target, makeCtx, signal);
    case 'backup':
      await backup(world, target, makeCtx, signal);
      return baseUrl;
    case 'restore':
      baseUrl = await restore(world, target, signal);
      return baseUrl;
    default:
      return baseUrl;
  }
}

/** Prefix of a customization test's names in results: its source and its path in that tree. */
function testLabel(world: TierWorld, test: SourcedFile): string {
  return test.source === 'repo-local'
    ? `repo-local ${REPO_LOCAL_DIR}/${relative(world.paths.repoLocalDir, test.file)}`
    : `cc-ci ${relative(world.config.customizationDir, test.file)}`;
}

/** The generic file and the recipe's overlay for a lifecycle tier; the functional tests for functional. */
function tierTestFiles(world: TierWorld, prepared: PreparedRun, tier: TierName): TierTestFile[] {
  if (tier === 'functional')
    return prepared.customization.functionalTests.map((test) => ({ file: test.file, label: testLabel(world, test) }));
  const overlay = prepared.customization.overlays[tier];
  return [
    { file: genericTestFile(tier), label: null },
    ...(overlay === undefined ? [] : [{ file: overlay.file, label: testLabel(world, overlay) }]),
  ];
}

export async function runTier(world: TierWorld, prepared: PreparedRun, tier: TierName, signal: AbortSignal): Promise<TierResult> {
  const timeoutSeconds = prepared.meta.TIMEOUTS[tier] ?? DEFAULT_TIER_TIMEOUT_SECONDS;
  const budget = deadline(signal, timeoutSeconds * 1_000);
  try {
    return await runTierWithin(world, prepared, tier, budget, timeoutSeconds, signal);
  } finally {
    budget.dispose();
  }
}

async function runTierWithin(
  world: TierWorld,
  prepared: PreparedRun,
  tier: TierName,
  budget: Deadline,
  timeoutSeconds: number,
  signal: AbortSignal,
): Promise<TierResult> {
  const started = performance.now();
  const tierSignal = budget.signal;
  const elapsed = () => Math.round(performance.now() - started);
  const timedOut = () => !signal.aborted && budget.expired();
  let baseUrl: string;
  try {
    baseUrl = await performOp(world, prepared, tier, tierSignal);
  } catch (error) {
    if (signal.aborted) throw error;
    if (timedOut())
      return { name: tier, status: 'unver', reason: `timed out after ${timeoutSeconds}s during the ${tier} op`, ms: elapsed(), tests: [] };
    const message = (error as Error).message;
    world.log.warn({ tier, err: error }, 'tier op failed');
    const appDead = error instanceof RunStageError && error.stageFailure.appDead === true;
    return {
      name: tier,
      status: 'fail',
      reason: `${tier} op failed: ${message.split('\n')[0]}`,
      ms: elapsed(),
      tests: [],
      ...(appDead ? { appDead } : {}),
    };
  }
  const outcome = await runTierTests(world, tier, tierTestFiles(world, prepared, tier), baseUrl, tierSignal);
  if (signal.aborted) throw signal.reason;
  const ms = elapsed();
  const failed = outcome.tests.filter((test) => test.status === 'fail');
  const passed = outcome.tests.filter((test) => test.status === 'pass');
  if (timedOut()) return { name: tier, status: 'unver', reason: `timed out after ${timeoutSeconds}s`, ms, tests: outcome.tests };
  if (failed.length > 0) {
    return {
      name: tier,
      status: 'fail',
      reason: `${failed.length} of ${counted(outcome.tests.length, 'test')} failed: ${failed.map((test) => `${test.name}: ${test.message ?? 'failed'}`).join('; ')}`,
      ms,
      tests: outcome.tests,
    };
  }
  if (outcome.runnerProblem !== undefined)
    return { name: tier, status: 'unver', reason: `harness error: ${outcome.runnerProblem}`, ms, tests: outcome.tests };
  if (passed.length === 0)
    return { name: tier, status: 'unver', reason: 'no test passed (all skipped or none ran)', ms, tests: outcome.tests };
  return {
    name: tier,
    status: 'pass',
    reason: `${counted(passed.length, 'test')} passed${await backupAttempts(world, tier)}`,
    ms,
    tests: outcome.tests,
  };
}

/** How many backups BACKUP_VERIFY needed, when it needed more than one. */
async function backupAttempts(world: TierWorld, tier: TierName): Promise<string> {
  if (tier !== 'backup') return '';
  const state = await readJsonFile<{ backup?: { verifiedOnAttempt?: number } }>(world.paths.opStateFile, {});
  const attempt = state.backup?.verifiedOnAttempt;
  return attempt === undefined ? '' : `; BACKUP_VERIFY held on backup ${attempt} of ${BACKUP_ATTEMPTS}`;
}

export function makeRunTier(world: TierWorld) {
  return fromPromise<TierResult, { readonly prepared: PreparedRun; readonly tier: TierName }>(({ input, signal }) => {
    const stage = stageSignal(world, signal);
    return runTier({ ...world, docker: world.docker.withSignal(stage) }, input.prepared, input.tier, stage);
  });
}
