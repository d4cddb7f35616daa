// Stage 9, one tier: the op (once, owned by the orchestrator), then its assertions in a test runner.
import { fromPromise } from 'xstate';
import type { PreparedRun, TierName, TierResult } from '../domain/run-types.js';
import { DEFAULT_TIER_TIMEOUT_SECONDS } from '../recipes/schema.js';
import { readJsonFile, recordOpState } from '../io/run-state.js';
import { placeBackupMarkers, removeBackupMarkers, type BackupMarker } from './backup-markers.js';
import { genericTestFile, runTierTests } from './run-tier-tests.js';
import type { RunWorld } from './run-world.js';
import { failedTaskIds, resolveBaseUrl, waitUntilReady } from './wait-until-ready.js';

/** Performs the tier's op; returns the base URL the app answers on afterwards. */
async function performOp(world: RunWorld, prepared: PreparedRun, tier: TierName, signal: AbortSignal): Promise<string> {
  const { domain } = world.identity;
  const { paths } = world;
  switch (tier) {
    case 'upgrade': {
      await world.git.checkout(prepared.recipeDir, prepared.headSha);
      const dirty = await world.git.isDirty(prepared.recipeDir);
      const expectedChaosVersion = `${prepared.headSha.slice(0, 8)}${dirty ? '+U' : ''}`;
      await recordOpState(paths.opStateFile, 'upgrade', { headSha: prepared.headSha, expectedChaosVersion, base: prepared.base });
      const baseline = await failedTaskIds(world);
      await world.abra.appDeploy({ domain, version: null, chaos: true, force: true }, signal);
      return waitUntilReady(world, prepared.meta, baseline, signal);
    }
    case 'backup': {
      const markers = await placeBackupMarkers(world);
      await recordOpState(paths.opStateFile, 'backup', { markers });
      const snapshotId = await world.abra.backupCreate(domain, signal);
      await recordOpState(paths.opStateFile, 'backup', { snapshotId });
      return resolveBaseUrl(world);
    }
    case 'restore': {
      const state = await readJsonFile<{ backup?: { snapshotId?: string; markers?: BackupMarker[] } }>(paths.opStateFile, {});
      const snapshotId = state.backup?.snapshotId;
      if (snapshotId === undefined) throw new Error('no snapshot recorded by the backup op');
      await removeBackupMarkers(state.backup?.markers ?? []);
      await recordOpState(paths.opStateFile, 'restore', { snapshotId, markersRemovedBeforeRestore: true });
      const baseline = await failedTaskIds(world);
      await world.abra.restore(domain, snapshotId, signal);
      return waitUntilReady(world, prepared.meta, baseline, signal);
    }
    default:
      return resolveBaseUrl(world);
  }
}

export async function runTier(world: RunWorld, prepared: PreparedRun, tier: TierName, signal: AbortSignal): Promise<TierResult> {
  const started = performance.now();
  const timeoutSeconds = prepared.meta.TIMEOUTS[tier] ?? DEFAULT_TIER_TIMEOUT_SECONDS;
  const tierSignal = AbortSignal.any([signal, AbortSignal.timeout(timeoutSeconds * 1_000)]);
  const elapsed = () => Math.round(performance.now() - started);
  const timedOut = () => !signal.aborted && tierSignal.aborted;
  let baseUrl: string;
  try {
    baseUrl = await performOp(world, prepared, tier, tierSignal);
  } catch (error) {
    if (signal.aborted) throw error;
    if (timedOut()) return { name: tier, status: 'unver', reason: `timed out after ${timeoutSeconds}s during the ${tier} op`, ms: elapsed(), tests: [] };
    const message = (error as Error).message;
    world.log.warn({ tier, err: error }, 'tier op failed');
    return { name: tier, status: 'fail', reason: `${tier} op failed: ${message.split('\n')[0]}`, ms: elapsed(), tests: [] };
  }
  const files = tier === 'functional' ? [...prepared.functionalTests] : [genericTestFile(tier)];
  const outcome = await runTierTests(world, tier, files, baseUrl, tierSignal);
  if (signal.aborted) throw signal.reason;
  const ms = elapsed();
  const failed = outcome.tests.filter((test) => test.status === 'fail');
  const passed = outcome.tests.filter((test) => test.status === 'pass');
  if (timedOut()) return { name: tier, status: 'unver', reason: `timed out after ${timeoutSeconds}s`, ms, tests: outcome.tests };
  if (failed.length > 0) {
    return { name: tier, status: 'fail', reason: `${failed.length} of ${outcome.tests.length} tests failed: ${failed.map((test) => `${test.name}: ${test.message ?? 'failed'}`).join('; ')}`, ms, tests: outcome.tests };
  }
  if (outcome.runnerProblem !== undefined) return { name: tier, status: 'unver', reason: `harness error: ${outcome.runnerProblem}`, ms, tests: outcome.tests };
  if (passed.length === 0) return { name: tier, status: 'unver', reason: 'no test passed (all skipped or none ran)', ms, tests: outcome.tests };
  return { name: tier, status: 'pass', reason: `${passed.length} tests passed`, ms, tests: outcome.tests };
}

export function makeRunTier(world: RunWorld) {
  return fromPromise<TierResult, { readonly prepared: PreparedRun; readonly tier: TierName }>(({ input, signal }) => runTier(world, input.prepared, input.tier, signal));
}
