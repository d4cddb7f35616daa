// After every deploy and restore: services converged (crash loops fail fast), HEALTH_PATH answers
// HEALTH_OK, then READY_PROBE holds.
import { assessConvergence, isFailedTask, type ServiceSnapshot } from '../domain/convergence.js';
import { wait } from '../io/clock.js';
import type { Docker } from '../io/docker.js';
import { describeHttpError, httpGet } from '../io/http.js';
import type { HookOp } from '../recipes/hook-context.js';
import type { RecipeMeta } from '../recipes/schema.js';
import type { AppTarget } from './app-target.js';
import { makeHookContext } from './hook-context.js';
import { waitForReadyProbe } from './ready-probe.js';
import { stageError, type RunWorld } from './run-world.js';

const POLL_MS = 1_000;

async function snapshotStack(docker: Docker, stack: string): Promise<ServiceSnapshot[]> {
  const services = await docker.stackServices(stack);
  return Promise.all(services.map(async (service) => ({
    service,
    tasks: await docker.serviceTasks(service.name),
    updateState: await docker.serviceUpdateState(service.name),
  })));
}

/** Ids of tasks that had failed before a deploy: they do not count towards its crash loop. */
export async function failedTaskIds(docker: Docker, stack: string): Promise<Set<string>> {
  const snapshots = await snapshotStack(docker, stack);
  return new Set(snapshots.flatMap((snapshot) => snapshot.tasks.filter(isFailedTask).map((task) => task.id)));
}

/** The app's URL as reached from here: a loopback-published port of its `app` service, else https://domain. */
export async function resolveBaseUrl(docker: Docker, target: { readonly stack: string; readonly domain: string }): Promise<string> {
  const port = await docker.publishedPort(`${target.stack}_app`);
  return port === undefined ? `https://${target.domain}` : `http://127.0.0.1:${port}`;
}

export async function waitUntilConverged(docker: Docker, stack: string, meta: Readonly<RecipeMeta>, baseline: ReadonlySet<string>, signal: AbortSignal): Promise<void> {
  const deadline = Date.now() + meta.DEPLOY_TIMEOUT * 1_000;
  let detail = 'not checked yet';
  while (Date.now() < deadline) {
    signal.throwIfAborted();
    const convergence = assessConvergence(await snapshotStack(docker, stack), baseline);
    if (convergence.state === 'converged') return;
    if (convergence.state !== 'settling') throw stageError('deploy', 'recipe', `${convergence.state}: ${convergence.detail}`);
    detail = convergence.detail;
    await wait(POLL_MS, signal);
  }
  throw stageError('deploy', 'recipe', `services did not converge within DEPLOY_TIMEOUT ${meta.DEPLOY_TIMEOUT}s: ${detail}`);
}

/** Polls HEALTH_PATH at the URL `locate` gives (it may change while tasks start) until HEALTH_OK or HTTP_TIMEOUT. */
export async function waitUntilHealthy(locate: () => Promise<string>, meta: Readonly<RecipeMeta>, signal: AbortSignal): Promise<string> {
  const deadline = Date.now() + meta.HTTP_TIMEOUT * 1_000;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    signal.throwIfAborted();
    const baseUrl = await locate();
    try {
      const answer = await httpGet(`${baseUrl}${meta.HEALTH_PATH}`, { timeoutMs: 10_000, signal });
      if (meta.HEALTH_OK.includes(answer.status)) return baseUrl;
      last = `HTTP ${answer.status}`;
    } catch (error) {
      signal.throwIfAborted();
      last = describeHttpError(error);
    }
    await wait(POLL_MS, signal);
  }
  throw stageError('deploy', 'recipe', `${meta.HEALTH_PATH} did not answer ${meta.HEALTH_OK.join('/')} within HTTP_TIMEOUT ${meta.HTTP_TIMEOUT}s (last: ${last})`);
}

/** Converged, healthy and READY_PROBE holding; returns the base URL the app answered on. */
export async function waitUntilReady(world: RunWorld, target: AppTarget, baseline: ReadonlySet<string>, op: HookOp, signal: AbortSignal): Promise<string> {
  const { meta } = target;
  await waitUntilConverged(world.docker, target.stack, meta, baseline, signal);
  const started = Date.now();
  const baseUrl = await waitUntilHealthy(() => resolveBaseUrl(world.docker, target), meta, signal);
  try {
    await waitForReadyProbe(meta, baseUrl, () => makeHookContext(world, target, op, baseUrl, signal), started + meta.HTTP_TIMEOUT * 1_000, signal);
  } catch (error) {
    if (signal.aborted) throw error;
    throw stageError('deploy', 'recipe', (error as Error).message);
  }
  return baseUrl;
}
