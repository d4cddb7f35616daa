// After every deploy: services converged (crash loops fail fast), then HEALTH_PATH answers HEALTH_OK.
import { assessConvergence, isFailedTask, type ServiceSnapshot } from '../domain/convergence.js';
import { wait } from '../io/clock.js';
import { describeHttpError, httpGet } from '../io/http.js';
import type { RecipeMeta } from '../recipes/schema.js';
import { stageError, type RunWorld } from './run-world.js';

const POLL_MS = 1_000;

async function snapshotStack(world: RunWorld): Promise<ServiceSnapshot[]> {
  const services = await world.docker.stackServices(world.identity.stack);
  return Promise.all(services.map(async (service) => ({
    service,
    tasks: await world.docker.serviceTasks(service.name),
    updateState: await world.docker.serviceUpdateState(service.name),
  })));
}

/** Ids of tasks that had failed before a deploy: they do not count towards its crash loop. */
export async function failedTaskIds(world: RunWorld): Promise<Set<string>> {
  const snapshots = await snapshotStack(world);
  return new Set(snapshots.flatMap((snapshot) => snapshot.tasks.filter(isFailedTask).map((task) => task.id)));
}

/** The app's URL as reached from here: a loopback-published port of the app service, else https://domain. */
export async function resolveBaseUrl(world: RunWorld): Promise<string> {
  const port = await world.docker.publishedPort(`${world.identity.stack}_app`);
  return port === undefined ? `https://${world.identity.domain}` : `http://127.0.0.1:${port}`;
}

export async function waitUntilConverged(world: RunWorld, meta: Readonly<RecipeMeta>, baseline: ReadonlySet<string>, signal: AbortSignal): Promise<void> {
  const deadline = Date.now() + meta.DEPLOY_TIMEOUT * 1_000;
  let detail = 'not checked yet';
  while (Date.now() < deadline) {
    signal.throwIfAborted();
    const convergence = assessConvergence(await snapshotStack(world), baseline);
    if (convergence.state === 'converged') return;
    if (convergence.state !== 'settling') throw stageError('deploy', 'recipe', `${convergence.state}: ${convergence.detail}`);
    detail = convergence.detail;
    await wait(POLL_MS, signal);
  }
  throw stageError('deploy', 'recipe', `services did not converge within DEPLOY_TIMEOUT ${meta.DEPLOY_TIMEOUT}s: ${detail}`);
}

export async function waitUntilHealthy(world: RunWorld, meta: Readonly<RecipeMeta>, signal: AbortSignal): Promise<string> {
  const deadline = Date.now() + meta.HTTP_TIMEOUT * 1_000;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    signal.throwIfAborted();
    const baseUrl = await resolveBaseUrl(world);
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

/** Converged and healthy; returns the base URL the app answered on. */
export async function waitUntilReady(world: RunWorld, meta: Readonly<RecipeMeta>, baseline: ReadonlySet<string>, signal: AbortSignal): Promise<string> {
  await waitUntilConverged(world, meta, baseline, signal);
  return waitUntilHealthy(world, meta, signal);
}
