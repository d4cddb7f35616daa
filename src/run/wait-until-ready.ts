// After every deploy and restore: services converged (a dead stack fails as soon as it is), HEALTH_PATH
// answers HEALTH_OK, then READY_PROBE holds.
import { StageFailureError } from '../domain/stage-failure.js';
import { hostname } from 'node:os';
import { assessConvergence, isTerminalTask, type Convergence, type ObservedTask, type ServiceSnapshot } from '../domain/convergence.js';
import { hopelessProbe, stackOnly } from '../domain/reachability.js';
import { ownerLabels } from '../domain/stack-owner.js';
import { wait } from '../io/clock.js';
import type { ContainerHealth, RestartPolicy, ServiceStatus, TaskStatus } from '../domain/swarm-state.js';
import type { Docker } from '../io/docker.js';
import { describeHttpError, httpGet } from '../io/http.js';
import type { HookOp } from '../recipes/hook-context.js';
import type { RecipeMeta } from '../recipes/schema.js';
import type { AppTarget } from './app-target.js';
import { makeHookContext } from './hook-calls.js';
import { waitForReadyProbe } from './ready-probe.js';
import { type RunWorld } from './run-world.js';

/** What this actor touches of the run's world. */
export type ReadyWorld = Pick<RunWorld, 'identity' | 'instance' | 'log' | 'docker' | 'opState'>;

const POLL_MS = 1_000;
/**
 * Convergence is the wait swarm decides: asked four times a second (three docker CLI calls, about
 * 70 ms of CPU) a new task is seen within a quarter second of running, where a once-a-second look
 * cost half a second a deploy on average.
 */
const CONVERGE_POLL_MS = 250;

/** One deploy's view of its stack: asks swarm, remembering what cannot change (restart policies, health of ended tasks). */
export interface StackWatch {
  assess(): Promise<Convergence>;
  /** Whether a running container of the app service reports healthy per its own healthcheck. */
  appHealthy(): Promise<boolean>;
}

export function watchStack(docker: Docker, stack: string, before: ReadonlySet<string>): StackWatch {
  const policies = new Map<string, RestartPolicy>();
  const endedHealth = new Map<string, ContainerHealth | undefined>();
  const observe = async (task: TaskStatus): Promise<ObservedTask> => {
    if (before.has(task.id) || !isTerminalTask(task)) return task;
    if (!endedHealth.has(task.id)) endedHealth.set(task.id, await docker.taskContainerHealth(task.id));
    return { ...task, health: endedHealth.get(task.id) };
  };
  const snapshotOf = async (service: ServiceStatus): Promise<ServiceSnapshot> => {
    const [tasks, updateState] = await Promise.all([docker.serviceTasks(service.name), docker.serviceUpdateState(service.name)]);
    if (!policies.has(service.name)) policies.set(service.name, await docker.serviceRestartPolicy(service.name));
    return { service, tasks: await Promise.all(tasks.map(observe)), updateState, policy: policies.get(service.name)! };
  };
  return {
    async assess() {
      return assessConvergence(await Promise.all((await docker.stackServices(stack)).map(snapshotOf)), before);
    },
    async appHealthy() {
      const [container] = await docker.runningContainers(`${stack}_app`);
      return container !== undefined && (await docker.containerHealth(container))?.status === 'healthy';
    },
  };
}

/** Throws the deploy failure when the stack is judged dead, crash-looping, never healthy or rolled back. */
function failIfHopeless(convergence: Convergence): asserts convergence is Extract<Convergence, { state: 'converged' | 'settling' }> {
  const hopeless = hopelessProbe(stackOnly(convergence));
  if (hopeless !== undefined) throw StageFailureError.appDead(hopeless);
}

/** Ids of the stack's tasks before a deploy: what they did is not evidence about the deploy. */
export async function taskIdsBefore(docker: Docker, stack: string): Promise<Set<string>> {
  const services = await docker.stackServices(stack);
  const tasks = await Promise.all(services.map((service) => docker.serviceTasks(service.name)));
  return new Set(tasks.flat().map((task) => task.id));
}

/** The app's URL as reached from here: a loopback-published port of its `app` service, else https://domain. */
export async function resolveBaseUrl(docker: Docker, target: { readonly stack: string; readonly domain: string }): Promise<string> {
  const port = await docker.publishedPort(`${target.stack}_app`);
  return port === undefined ? `https://${target.domain}` : `http://127.0.0.1:${port}`;
}

/** Until every service runs its replicas; a service that is dead, crash-looping or never healthy fails at once. */
export async function waitUntilConverged(watch: StackWatch, meta: Readonly<RecipeMeta>, signal: AbortSignal): Promise<void> {
  const deadline = Date.now() + meta.DEPLOY_TIMEOUT * 1_000;
  let detail = 'not checked yet';
  while (Date.now() < deadline) {
    signal.throwIfAborted();
    const convergence = await watch.assess();
    if (convergence.state === 'converged') return;
    failIfHopeless(convergence);
    detail = convergence.detail;
    await wait(CONVERGE_POLL_MS, signal);
  }
  throw new StageFailureError('deploy', 'recipe', `services did not converge within DEPLOY_TIMEOUT ${meta.DEPLOY_TIMEOUT}s: ${detail}`);
}

/** What the stack watcher found while the health probes ran: a reason to stop, or its own failure. */
type WatchOutcome = { readonly hopeless: string } | { readonly error: unknown };

/**
 * Polls HEALTH_PATH at the URL `locate` gives (it may change while tasks start) until HEALTH_OK or
 * HTTP_TIMEOUT. Meanwhile `stack` is asked once a second, beside the probes: a stack that dies fails
 * the wait at once with its own reason, even while a probe hangs on a port whose task is gone; and
 * an address that could not resolve while every service runs, or that keeps refusing while the app's
 * healthcheck passes, fails with the address and the likely fix, since waiting cannot mend it.
 */
export async function waitUntilHealthy(
  locate: () => Promise<string>,
  meta: Readonly<RecipeMeta>,
  signal: AbortSignal,
  stack?: StackWatch,
): Promise<string> {
  const deadline = Date.now() + meta.HTTP_TIMEOUT * 1_000;
  let last = 'no answer yet';
  let unanswered: string | undefined;
  let refusedWhileHealthy = 0;
  let outcome: WatchOutcome | undefined;
  const look = async (): Promise<string | undefined> => {
    if (stack === undefined) return undefined;
    const convergence = await stack.assess();
    return hopelessProbe(
      unanswered === undefined ? stackOnly(convergence) : { convergence, probeError: last, url: unanswered, refusedWhileHealthy },
    );
  };
  // the first look comes before the first probe: a stack already dead is never probed
  const first = await look();
  if (first !== undefined) throw StageFailureError.appDead(first);
  const probing = new AbortController();
  const onAbort = () => probing.abort(signal.reason);
  signal.addEventListener('abort', onAbort, { once: true });
  const watcher = (async () => {
    if (stack === undefined) return;
    try {
      while (!probing.signal.aborted) {
        await wait(POLL_MS, probing.signal);
        const hopeless = await look();
        if (hopeless !== undefined) {
          outcome = { hopeless };
          probing.abort(new Error(hopeless));
          return;
        }
      }
    } catch (error) {
      if (!probing.signal.aborted) {
        outcome = { error };
        probing.abort(error);
      }
    }
  })();
  const stopped = (): Error | undefined => {
    if (outcome === undefined) return undefined;
    return 'hopeless' in outcome ? StageFailureError.appDead(outcome.hopeless) : (outcome.error as Error);
  };
  try {
    while (Date.now() < deadline) {
      signal.throwIfAborted();
      const baseUrl = await locate();
      const url = `${baseUrl}${meta.HEALTH_PATH}`;
      try {
        const answer = await httpGet(url, { timeoutMs: 10_000, signal: probing.signal });
        unanswered = undefined;
        refusedWhileHealthy = 0;
        if (meta.HEALTH_OK.includes(answer.status)) return baseUrl;
        last = `HTTP ${answer.status}`;
      } catch (error) {
        signal.throwIfAborted();
        const reason = stopped();
        if (reason !== undefined) throw reason;
        last = describeHttpError(error);
        unanswered = url;
        // a refusal counts against the address only while the app itself says it is serving
        refusedWhileHealthy = last === 'ECONNREFUSED' && stack !== undefined && (await stack.appHealthy()) ? refusedWhileHealthy + 1 : 0;
      }
      try {
        await wait(POLL_MS, probing.signal);
      } catch (error) {
        signal.throwIfAborted();
        throw stopped() ?? error;
      }
    }
    throw new StageFailureError(
      'deploy',
      'recipe',
      `${meta.HEALTH_PATH} did not answer ${meta.HEALTH_OK.join('/')} within HTTP_TIMEOUT ${meta.HTTP_TIMEOUT}s (last: ${last})`,
    );
  } finally {
    signal.removeEventListener('abort', onAbort);
    probing.abort();
    await watcher;
  }
}

/**
 * Labels every service of the stack with its owner (run, host, cc-ci instance): a janitor tells its own
 * apps from another instance's by them. After each deploy has converged, since a deploy sets the
 * services' labels from the compose files, and a change of labels alone restarts no task.
 */
async function labelOwner(world: ReadyWorld, stack: string): Promise<void> {
  const labels = ownerLabels({ instance: world.instance, runId: world.identity.runId, host: hostname() });
  for (const service of await world.docker.stackServices(stack)) await world.docker.labelService(service.name, labels);
}

/** Converged, labelled with its owner, healthy and READY_PROBE holding; returns the base URL the app answered on. */
export async function waitUntilReady(
  world: ReadyWorld,
  target: AppTarget,
  before: ReadonlySet<string>,
  op: HookOp,
  signal: AbortSignal,
): Promise<string> {
  const { meta } = target;
  const stack = watchStack(world.docker, target.stack, before);
  await waitUntilConverged(stack, meta, signal);
  await labelOwner(world, target.stack);
  const started = Date.now();
  const baseUrl = await waitUntilHealthy(() => resolveBaseUrl(world.docker, target), meta, signal, stack);
  try {
    await waitForReadyProbe(
      meta,
      baseUrl,
      () => makeHookContext(world, target, op, baseUrl, signal),
      started + meta.HTTP_TIMEOUT * 1_000,
      signal,
    );
  } catch (error) {
    if (signal.aborted) throw error;
    throw new StageFailureError('deploy', 'recipe', (error as Error).message);
  }
  return baseUrl;
}
