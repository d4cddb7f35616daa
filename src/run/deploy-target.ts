// One app's install (the recipe under test or one of its DEPS): `abra app new` + env shaping +
// install_steps.sh, its single deploy, and the wait until it is ready.
import { editEnvFile } from '../io/env-file.js';
import { CommandError } from '../io/exec.js';
import { pathExists } from '../io/fs.js';
import { recordDeploy } from '../io/run-state.js';
import { StageFailureError } from '../domain/stage-failure.js';
import { applyComposeOverlay, applyPreviousOverlays, resolveEnvValues } from './app-env.js';
import { envFileOf, type AppTarget } from './app-target.js';
import { contractEnv } from './contract-env.js';
import { makeHookContext } from './hook-calls.js';
import { runInstallSteps } from './install-steps.js';
import { reapApp } from './reap-app.js';
import type { RunWorld } from './run-world.js';
import { taskIdsBefore, waitUntilReady } from './wait-until-ready.js';

/** What a deploy touches of the run's world. */
export type DeployWorld = Pick<RunWorld, 'config' | 'identity' | 'instance' | 'paths' | 'log' | 'abra' | 'docker' | 'notify' | 'opState'>;

/** What abra app new says when the server or the domain, not the recipe, is the problem. */
const ENVIRONMENT_REFUSAL = /already exists|does not exist\? \(abra server add\)|no server provided/;

export interface BasePlan {
  /** Release tag to deploy, or null to deploy what is checked out (a chaos deploy). */
  readonly version: string | null;
  /** previous/ overlays: only for the app, and only when its base is older than the head. */
  readonly previousOverlays: readonly string[];
}

/**
 * We hold the domain's lock, so whatever is on the domain belongs to no live run: a previous owner
 * stopped refreshing its lock (SIGKILLed, or stalled and then taken over) and left its app. Reaped
 * before our `abra app new`, which would refuse an existing env file, and our deploy, which would
 * otherwise land on the other run's stack.
 */
async function reapPreviousOwner(world: DeployWorld, target: AppTarget, envFile: string, signal: AbortSignal): Promise<void> {
  const objects = await world.docker.stackObjects(target.stack);
  if (!Object.values(objects).some((names) => names.length > 0) && !(await pathExists(envFile))) return;
  world.notify({ type: 'notice', message: `${target.domain}: removing what a previous run left on it (its lock had gone stale)` });
  const report = await reapApp(world, { domain: target.domain, stack: target.stack, envFile }, signal);
  if (report.leftovers.length > 0)
    throw new StageFailureError(
      'deploy',
      'infra',
      `cannot clear what a previous run left on ${target.domain}: ${report.leftovers.join(', ')}`,
    );
}

/**
 * `abra app new`, env shaping (LETS_ENCRYPT_ENV, EXTRA_ENV, compose.ccci.yml, previous/ for the app),
 * install_steps.sh, one deploy, then wait until ready. Returns the base URL and the generated secrets.
 */
export async function deployTarget(
  world: DeployWorld,
  target: AppTarget,
  plan: BasePlan,
  signal: AbortSignal,
  deployAttempted: (domain: string) => void,
): Promise<{ baseUrl: string; secrets: Record<string, string> }> {
  const { customization } = target;
  const envFile = envFileOf(world, target.domain);
  await reapPreviousOwner(world, target, envFile, signal);
  const byVersion = plan.version !== null;
  // counted as an attempt: a dependency whose `abra app new` fails still spent its place in the budget
  await recordDeploy(world.paths.deploysFile, target.domain);
  deployAttempted(target.domain);
  const { table } = await world.abra
    .appNew({ recipe: target.recipe, domain: target.domain, version: plan.version, chaos: !byVersion }, signal)
    .catch((error: unknown) => {
      // the recipe's own files were checked before (prepare): a refusal about the server or an existing app is the environment's
      if (error instanceof CommandError && ENVIRONMENT_REFUSAL.test(`${error.result.stdout}\n${error.result.stderr}`))
        throw new StageFailureError('deploy', 'infra', `abra app new refused ${target.domain}: ${error.message}`);
      throw error;
    });
  const publicUrl = `https://${target.domain}`;
  const makeCtx = () => makeHookContext(world, target, 'install', publicUrl, signal);
  await editEnvFile(envFile, {
    LETS_ENCRYPT_ENV: '',
    ...(await resolveEnvValues('EXTRA_ENV', target.meta, makeCtx, signal, world.config.secretsDir)),
  });
  if (customization.composeOverlay !== null) await applyComposeOverlay(customization.composeOverlay, target.recipeDir, envFile);
  const previous = plan.previousOverlays;
  await applyPreviousOverlays(previous, target.recipeDir, envFile);
  if (customization.installSteps !== null) {
    await runInstallSteps(customization.installSteps, {
      env: {
        ...contractEnv(world, target, 'install', publicUrl),
        CCCI_APP_ENV_FILE: envFile,
        CCCI_RECIPE_DIR: target.recipeDir,
        CCCI_ABRA_BIN: world.config.abra.bin,
        CCCI_SERVER: world.config.abra.server,
      },
      cwd: target.recipeDir,
      log: world.log,
      signal,
    });
  }
  // untracked overlays would trip abra's clean-tree check: such a base deploy is a chaos deploy
  const chaos = !byVersion || customization.composeOverlay !== null || previous.length > 0;
  const before = await taskIdsBefore(world.docker, target.stack);
  await world.abra.appDeploy({ domain: target.domain, version: chaos ? null : plan.version, chaos, force: false }, signal);
  const baseUrl = await waitUntilReady(world, target, before, 'install', signal);
  return { baseUrl, secrets: Object.fromEntries(table.map((row) => [row.name, row.value])) };
}
