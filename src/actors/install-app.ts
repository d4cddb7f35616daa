// Stage 8: dependencies, then the app, each through one deploy (src/run/deploy-target.ts) at its base.
// A callback actor: it reports each fact as it happens (a deploy attempted, a dependency ready or
// not), so the machine has them even when the run is aborted in the middle of the install.
import { fromCallback } from 'xstate';
import type { DependencyRecord, PreparedFacts, UnreadyDependency } from '../domain/run-types.js';
import { StageFailureError, stageFailureOf } from '../domain/stage-failure.js';
import { CommandError } from '../io/exec.js';
import { writeStateFile } from '../io/run-state.js';
import type { RunEvent } from '../machines/run.machine.js';
import { appTarget, dependencyTarget } from '../run/app-target.js';
import { deployTarget, type DeployWorld } from '../run/deploy-target.js';
import { HookError } from '../run/hook-calls.js';
import { InstallStepsError } from '../run/install-steps.js';
import { stageSignal, type RunWorld } from '../run/run-world.js';

/** What this actor touches of the run's world. */
export type InstallWorld = DeployWorld & Pick<RunWorld, 'git' | 'loaded' | 'stopping'>;

export interface InstallInput {
  readonly prepared: PreparedFacts;
}

/** What the install tells the machine as it goes. */
export interface InstallReports {
  deployAttempted(domain: string): void;
  dependencyReady(dependency: DependencyRecord): void;
  dependencyNotReady(dependency: UnreadyDependency): void;
}

/** What the recipe (or its customization) got wrong, as opposed to a failure of cc-ci or the machine. */
function isRecipeProblem(error: unknown): boolean {
  return (
    (error instanceof StageFailureError && error.failure.kind === 'recipe') ||
    error instanceof CommandError ||
    error instanceof HookError ||
    error instanceof InstallStepsError
  );
}

/**
 * Deploys the DEPS in order. One that fails is reported not ready with its reason and the app is still
 * installed (the generic tiers never depend on dependencies); the functional rung then fails. A failure
 * of cc-ci itself is thrown on: it is no verdict on the dependency. CCCI_DEPS_FILE and
 * CCCI_DEPS_SKIP_FILE are exported for the run's children after each one.
 */
async function deployDependencies(
  world: InstallWorld,
  prepared: PreparedFacts,
  reports: InstallReports,
  signal: AbortSignal,
): Promise<DependencyRecord[]> {
  const ready: DependencyRecord[] = [];
  const notReady: UnreadyDependency[] = [];
  for (const dependency of prepared.dependencies) {
    try {
      const target = dependencyTarget(world, dependency, ready);
      const plan = { version: dependency.version, previousOverlays: [] };
      const { baseUrl, secrets } = await deployTarget(world, target, plan, signal, reports.deployAttempted);
      const record = { recipe: dependency.recipe, domain: dependency.domain, stack: dependency.stack, baseUrl, secrets };
      ready.push(record);
      reports.dependencyReady(record);
      world.log.info({ dependency: dependency.recipe, domain: dependency.domain, baseUrl }, 'dependency ready');
      world.notify({ type: 'notice', message: `dependency ${dependency.recipe} is ready at ${dependency.domain}` });
    } catch (error) {
      if (signal.aborted || !isRecipeProblem(error)) throw error;
      const unready = { recipe: dependency.recipe, reason: (error as Error).message.split('\n')[0]! };
      notReady.push(unready);
      reports.dependencyNotReady(unready);
      world.log.warn({ dependency: dependency.recipe, err: error }, 'dependency not ready');
      world.notify({ type: 'notice', message: `dependency ${dependency.recipe} is not ready: ${unready.reason}` });
    }
    await writeStateFile(world.paths.depsFile, Object.fromEntries(ready.map((record) => [record.recipe, record])));
    await writeStateFile(world.paths.depsSkipFile, Object.fromEntries(notReady.map(({ recipe, reason }) => [recipe, reason])));
  }
  return ready;
}

/** Dependencies, then the app at its base; returns the base URL the app answered on. */
export async function installApp(
  world: InstallWorld,
  prepared: PreparedFacts,
  reports: InstallReports,
  signal: AbortSignal,
): Promise<string> {
  const { base } = prepared;
  const byVersion = base.kind === 'version';
  if (!byVersion) await world.git.checkout(prepared.recipeDir, base.kind === 'ref' ? base.value! : prepared.headSha, signal);
  try {
    const ready = await deployDependencies(world, prepared, reports, signal);
    const target = appTarget(world, prepared, ready);
    // without an older base the first deploy is the head itself, which a repair for an old release must not touch
    const allPrevious = target.customization.previousOverlays;
    const previousOverlays = base.kind === 'skip' ? [] : allPrevious;
    if (previousOverlays.length < allPrevious.length) {
      world.notify({ type: 'notice', message: `previous/ overlays not used: no older base to repair (${base.reason})` });
    }
    const plan = { version: byVersion ? base.value! : null, previousOverlays };
    const { baseUrl } = await deployTarget(world, target, plan, signal, reports.deployAttempted);
    world.log.info({ baseUrl, base }, 'base deployed and ready');
    return baseUrl;
  } catch (error) {
    if (error instanceof StageFailureError || signal.aborted) throw error;
    throw new StageFailureError('deploy', isRecipeProblem(error) ? 'recipe' : 'harness', (error as Error).message);
  }
}

export function makeInstallApp(world: InstallWorld) {
  return fromCallback<RunEvent, InstallInput>(({ input, sendBack }) => {
    const controller = new AbortController();
    // nothing is reported once the machine has left the state: the stopped install's last words are noise
    const report = (event: RunEvent) => {
      if (!controller.signal.aborted) sendBack(event);
    };
    const stage = stageSignal(world, controller.signal);
    const reports: InstallReports = {
      deployAttempted: (domain) => report({ type: 'install.deployAttempted', domain }),
      dependencyReady: (dependency) => report({ type: 'install.dependencyReady', dependency }),
      dependencyNotReady: (dependency) => report({ type: 'install.dependencyNotReady', dependency }),
    };
    installApp({ ...world, docker: world.docker.withSignal(stage) }, input.prepared, reports, stage).then(
      (baseUrl) => report({ type: 'install.ready', baseUrl }),
      (error: unknown) => report({ type: 'install.failed', failure: stageFailureOf('deploy', error) }),
    );
    return () => controller.abort();
  });
}
