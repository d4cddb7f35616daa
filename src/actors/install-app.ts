// Stage 8: abra app new + env shaping, then the single deploy at the base, then wait until ready.
import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fromPromise } from 'xstate';
import type { PreparedRun } from '../domain/run-types.js';
import { editEnvFile, readEnvFile } from '../io/env-file.js';
import { CommandError } from '../io/exec.js';
import { recordDeploy } from '../io/run-state.js';
import { RunStageError, stageError, type RunWorld } from './run-world.js';
import { failedTaskIds, waitUntilReady } from './wait-until-ready.js';

export const OVERLAY_FILE = 'compose.ccci.yml';

export function appEnvFile(world: RunWorld): string {
  return join(world.config.abra.dir, 'servers', world.config.abra.server, `${world.identity.domain}.env`);
}

/** Puts cc-ci's CI-only overlay into the checkout and into COMPOSE_FILE. */
async function applyComposeOverlay(world: RunWorld, prepared: PreparedRun): Promise<void> {
  if (prepared.composeOverlay === null) return;
  await copyFile(prepared.composeOverlay, join(prepared.recipeDir, OVERLAY_FILE));
  const env = await readEnvFile(appEnvFile(world));
  const files = (env.get('COMPOSE_FILE') ?? 'compose.yml').split(':').filter((file) => file !== '' && file !== OVERLAY_FILE);
  await editEnvFile(appEnvFile(world), { COMPOSE_FILE: [...files, OVERLAY_FILE].join(':') });
}

export async function installApp(world: RunWorld, prepared: PreparedRun, signal: AbortSignal): Promise<void> {
  const { base } = prepared;
  const { domain } = world.identity;
  const byVersion = base.kind === 'version';
  if (!byVersion) await world.git.checkout(prepared.recipeDir, base.kind === 'ref' ? base.value! : prepared.headSha);
  try {
    await world.abra.appNew({ recipe: prepared.recipe, domain, version: byVersion ? base.value : null, chaos: !byVersion }, signal);
    await recordDeploy(world.paths.deploysFile, domain);
    await editEnvFile(appEnvFile(world), { LETS_ENCRYPT_ENV: '' });
    await applyComposeOverlay(world, prepared);
    // an untracked overlay would trip abra's clean-tree check: such a base deploy is a chaos deploy
    const chaos = !byVersion || prepared.composeOverlay !== null;
    const baseline = await failedTaskIds(world);
    await world.abra.appDeploy({ domain, version: chaos ? null : base.value, chaos, force: false }, signal);
    const baseUrl = await waitUntilReady(world, prepared.meta, baseline, signal);
    world.log.info({ baseUrl, base }, 'base deployed and ready');
  } catch (error) {
    if (error instanceof RunStageError || signal.aborted) throw error;
    if (error instanceof CommandError) throw stageError('deploy', 'recipe', error.message);
    throw stageError('deploy', 'harness', (error as Error).message);
  }
}

export function makeInstallApp(world: RunWorld) {
  return fromPromise<void, { readonly prepared: PreparedRun }>(({ input, signal }) => installApp(world, input.prepared, signal));
}
