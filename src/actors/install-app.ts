// Stage 8: dependencies, then the app: `abra app new` + env shaping + install_steps.sh, the single
// deploy at the base, and the wait until it is ready. Dependencies go through the same deploy path.
import { fromPromise } from 'xstate';
import type { DependencyPlan, PreparedRun } from '../recipes/prepared-run.js';
import { editEnvFile } from '../io/env-file.js';
import { pathExists } from '../io/fs.js';
import { CommandError } from '../io/exec.js';
import { recordDeploy, writeStateFile } from '../io/run-state.js';
import type { DependencyRecord } from '../recipes/hook-context.js';
import { applyComposeOverlay, applyPreviousOverlays, resolveEnvValues } from './app-env.js';
import { appTarget, envFileOf, type AppTarget } from './app-target.js';
import { HookError, makeHookContext } from './hook-context.js';
import { InstallStepsError, runInstallSteps } from './install-steps.js';
import { contractEnv } from './contract-env.js';
import { RunStageError, stageError, stageSignal, type RunWorld } from './run-world.js';
import { reapApp } from './tear-down-app.js';
import { taskIdsBefore, waitUntilReady } from './wait-until-ready.js';

/** What this actor touches of the run's world. */
export type InstallWorld = Pick<
  RunWorld,
  'config' | 'identity' | 'instance' | 'paths' | 'log' | 'abra' | 'docker' | 'git' | 'notify' | 'stopping'
>;

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
async function reapPreviousOwner(world: InstallWorld, target: AppTarget, envFile: string, signal: AbortSignal): Promise<void> {
  const objects = await world.docker.stackObjects(target.stack);
  if (!Object.values(objects).some((names) => names.length > 0) && !(await pathExists(envFile))) return;
  world.notify({ type: 'notice', message: `${target.domain}: removing what a previous run left on it (its lock had gone stale)` });
  const report = await reapApp(world, { domain: target.domain, stack: target.stack, envFile }, signal);
  if (report.leftovers.length > 0)
    throw stageError('deploy', 'infra', `cannot clear what a previous run left on ${target.domain}: ${report.leftovers.join(', ')}`);
}

/**
 * `abra app new`, env shaping (LETS_ENCRYPT_ENV, EXTRA_ENV, compose.ccci.yml, previous/ for the app),
 * install_steps.sh, one deploy, then wait until ready. Returns the base URL and the generated secrets.
 */
export async function deployTarget(
  world: InstallWorld,
  target: AppTarget,
  plan: BasePlan,
  signal: AbortSignal,
): Promise<{ baseUrl: string; secrets: Record<string, string> }> {
  const { customization } = target;
  const envFile = envFileOf(world, target.domain);
  await reapPreviousOwner(world, target, envFile, signal);
  const byVersion = plan.version !== null;
  // counted as an attempt: a dependency whose `abra app new` fails still spent its place in the budget
  await recordDeploy(world.paths.deploysFile, target.domain);
  const { table } = await world.abra
    .appNew({ recipe: target.recipe, domain: target.domain, version: plan.version, chaos: !byVersion }, signal)
    .catch((error: unknown) => {
      // the recipe's own files were checked before (prepare): a refusal about the server or an existing app is the environment's
      if (error instanceof CommandError && ENVIRONMENT_REFUSAL.test(`${error.result.stdout}\n${error.result.stderr}`))
        throw stageError('deploy', 'infra', `abra app new refused ${target.domain}: ${error.message}`);
      throw error;
    });
  const publicUrl = `https://${target.domain}`;
  const makeCtx = () => makeHookContext(world, target, 'install', publicUrl, signal);
  await editEnvFile(envFile, { LETS_ENCRYPT_ENV: '', ...(await resolveEnvValues('EXTRA_ENV', target.meta, makeCtx, signal)) });
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

function dependencyTarget(dependency: DependencyPlan): AppTarget {
  return { ...dependency, meta: dependency.customization.meta };
}

/**
 * Deploys the DEPS in order. One that fails is recorded in CCCI_DEPS_SKIP_FILE with its reason and the
 * app is still installed (the generic tiers never depend on dependencies); the functional rung then fails.
 * A failure of cc-ci itself is thrown on: it is no verdict on the dependency.
 */
async function deployDependencies(world: InstallWorld, dependencies: readonly DependencyPlan[], signal: AbortSignal): Promise<void> {
  const ready: Record<string, DependencyRecord> = {};
  const notReady: Record<string, string> = {};
  for (const dependency of dependencies) {
    try {
      const { baseUrl, secrets } = await deployTarget(
        world,
        dependencyTarget(dependency),
        { version: dependency.version, previousOverlays: [] },
        signal,
      );
      ready[dependency.recipe] = { recipe: dependency.recipe, domain: dependency.domain, stack: dependency.stack, baseUrl, secrets };
      world.log.info({ dependency: dependency.recipe, domain: dependency.domain, baseUrl }, 'dependency ready');
      world.notify({ type: 'notice', message: `dependency ${dependency.recipe} is ready at ${dependency.domain}` });
    } catch (error) {
      if (signal.aborted || !isRecipeProblem(error)) throw error;
      notReady[dependency.recipe] = (error as Error).message.split('\n')[0]!;
      world.log.warn({ dependency: dependency.recipe, err: error }, 'dependency not ready');
      world.notify({ type: 'notice', message: `dependency ${dependency.recipe} is not ready: ${notReady[dependency.recipe]}` });
    }
    await writeStateFile(world.paths.depsFile, ready);
    await writeStateFile(world.paths.depsSkipFile, notReady);
  }
}

/** What the recipe (or its customization) got wrong, as opposed to a failure of cc-ci or the machine. */
function isRecipeProblem(error: unknown): boolean {
  return (
    (error instanceof RunStageError && error.stageFailure.kind === 'recipe') ||
    error instanceof CommandError ||
    error instanceof HookError ||
    error instanceof InstallStepsError
  );
}

export async function installApp(world: InstallWorld, prepared: PreparedRun, signal: AbortSignal): Promise<void> {
  const { base } = prepared;
  const byVersion = base.kind === 'version';
  if (!byVersion) await world.git.checkout(prepared.recipeDir, base.kind === 'ref' ? base.value! : prepared.headSha, signal);
  try {
    await deployDependencies(world, prepared.dependencies, signal);
    // without an older base the first deploy is the head itself, which a repair for an old release must not touch
    const previousOverlays = base.kind === 'skip' ? [] : prepared.customization.previousOverlays;
    if (previousOverlays.length < prepared.customization.previousOverlays.length) {
      world.notify({ type: 'notice', message: `previous/ overlays not used: no older base to repair (${base.reason})` });
    }
    const { baseUrl } = await deployTarget(
      world,
      appTarget(world, prepared),
      { version: byVersion ? base.value! : null, previousOverlays },
      signal,
    );
    world.log.info({ baseUrl, base }, 'base deployed and ready');
  } catch (error) {
    if (error instanceof RunStageError || signal.aborted) throw error;
    throw stageError('deploy', isRecipeProblem(error) ? 'recipe' : 'harness', (error as Error).message);
  }
}

export function makeInstallApp(world: InstallWorld) {
  return fromPromise<void, { readonly prepared: PreparedRun }>(({ input, signal }) => {
    const stage = stageSignal(world, signal);
    return installApp({ ...world, docker: world.docker.withSignal(stage) }, input.prepared, stage);
  });
}
