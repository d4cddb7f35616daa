// The op of a lifecycle tier, run once by the orchestrator before the tier's tests: the recipe's
// pre<Op> hook, then upgrade (the head deploy), backup (markers + verified backups) or restore (of the
// backup's snapshot, given as input). Each returns the URL the app answers on and the facts it made.
import { OP_HOOK_BY_TIER } from '../recipes/hook-context.js';
import { BACKUP_ATTEMPTS, type HookContext } from '../recipes/schema.js';
import type { BackupFacts, PreparedFacts, TierName } from '../domain/run-types.js';
import { verifiedBackup } from '../domain/verified-backup.js';
import { editEnvFile } from '../io/env-file.js';
import { addComposeFiles, OVERLAY_FILE, removePreviousOverlays, resolveEnvValues } from './app-env.js';
import { envFileOf, type AppTarget } from './app-target.js';
import { placeBackupMarkers, removeBackupMarkers } from './backup-markers.js';
import { callHook, makeHookContext } from './hook-calls.js';
import type { RunWorld } from './run-world.js';
import { resolveBaseUrl, taskIdsBefore, waitUntilReady } from './wait-until-ready.js';

/** What an op touches of the run's world. */
export type OpWorld = Pick<
  RunWorld,
  'config' | 'identity' | 'instance' | 'paths' | 'log' | 'abra' | 'docker' | 'git' | 'notify' | 'opState'
>;

/** What an op made: where the app answers now, and (backup) what the restore needs. */
export interface OpOutcome {
  readonly baseUrl: string;
  readonly backup?: BackupFacts;
}

/** The head deploy: previous/ out, head checked out, EXTRA_ENV then UPGRADE_EXTRA_ENV, one chaos redeploy in place. */
async function upgrade(
  world: OpWorld,
  prepared: PreparedFacts,
  target: AppTarget,
  makeCtx: () => Promise<HookContext>,
  signal: AbortSignal,
): Promise<string> {
  const envFile = envFileOf(world, target.domain);
  const { previousOverlays, composeOverlay } = target.customization;
  await removePreviousOverlays(previousOverlays, prepared.recipeDir, envFile);
  await world.git.checkout(prepared.recipeDir, prepared.headSha, signal);
  const extraEnv = await resolveEnvValues('EXTRA_ENV', target.meta, makeCtx, signal, world.config.secretsDir);
  const upgradeEnv = await resolveEnvValues('UPGRADE_EXTRA_ENV', target.meta, makeCtx, signal, world.config.secretsDir);
  await editEnvFile(envFile, { ...extraEnv, ...upgradeEnv });
  // EXTRA_ENV may set COMPOSE_FILE: cc-ci's overlay stays in it for every deploy
  if (composeOverlay !== null) await addComposeFiles(envFile, [OVERLAY_FILE]);
  const dirty = await world.git.isDirty(prepared.recipeDir);
  const expectedChaosVersion = `${prepared.headSha.slice(0, 8)}${dirty ? '+U' : ''}`;
  await world.opState.record('upgrade', {
    headSha: prepared.headSha,
    expectedChaosVersion,
    base: prepared.base,
    previousOverlaysRemoved: previousOverlays.length,
  });
  const before = await taskIdsBefore(world.docker, target.stack);
  await world.abra.appDeploy({ domain: target.domain, version: null, chaos: true, force: true }, signal);
  return waitUntilReady(world, target, before, 'upgrade', signal);
}

/** Markers, then `abra app backup create`, redone while BACKUP_VERIFY answers false (src/domain/verified-backup.ts). */
async function backup(world: OpWorld, target: AppTarget, makeCtx: () => Promise<HookContext>, signal: AbortSignal): Promise<BackupFacts> {
  const markers = await placeBackupMarkers(world);
  await world.opState.record('backup', { markers });
  const verify = target.meta.BACKUP_VERIFY;
  const outcome = await verifiedBackup({
    attempts: BACKUP_ATTEMPTS,
    backUp: () => world.abra.backupCreate(target.domain, signal),
    recorded: ({ snapshotId, attempt, snapshots }) => world.opState.record('backup', { snapshotId, attempt, snapshots }),
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
  if (outcome.verified) await world.opState.record('backup', { verifiedOnAttempt: outcome.attempt });
  const { snapshotId, attempt, snapshots } = outcome;
  return { markers, snapshotId, attempt, snapshots, verifiedOnAttempt: outcome.verified ? attempt : null };
}

/** The backup's snapshot restored, after its markers were removed: the restore must bring them back. */
async function restore(world: OpWorld, target: AppTarget, backupFacts: BackupFacts | null, signal: AbortSignal): Promise<string> {
  if (backupFacts === null) throw new Error('no snapshot to restore: the backup op made none');
  const { snapshotId } = backupFacts;
  await removeBackupMarkers(backupFacts.markers);
  await world.opState.record('restore', { snapshotId, markersRemovedBeforeRestore: true });
  const before = await taskIdsBefore(world.docker, target.stack);
  await world.abra.restore(target.domain, snapshotId, signal);
  return waitUntilReady(world, target, before, 'restore', signal);
}

/** The recipe's pre<Op> hook, then the op. The functional tier has no op. */
export async function performOp(
  world: OpWorld,
  prepared: PreparedFacts,
  target: AppTarget,
  tier: TierName,
  backupFacts: BackupFacts | null,
  signal: AbortSignal,
): Promise<OpOutcome> {
  const baseUrl = await resolveBaseUrl(world.docker, target);
  if (tier === 'functional') return { baseUrl };
  const makeCtx = () => makeHookContext(world, target, tier, baseUrl, signal);
  const hookName = OP_HOOK_BY_TIER[tier];
  const pre = target.customization.ops[hookName];
  if (pre !== undefined) {
    const ctx = await makeCtx();
    await callHook(hookName, () => pre.hook(ctx), signal);
  }
  switch (tier) {
    case 'upgrade':
      return { baseUrl: await upgrade(world, prepared, target, makeCtx, signal) };
    case 'backup':
      return { baseUrl, backup: await backup(world, target, makeCtx, signal) };
    case 'restore':
      return { baseUrl: await restore(world, target, backupFacts, signal) };
    default:
      return { baseUrl };
  }
}
