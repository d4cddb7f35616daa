// Removes one app from the swarm: undeploy and remove through abra, then verify on the swarm that
// nothing of its stack is left, removing stragglers directly. The run's teardown, the janitor's reap
// and an install that finds a previous owner's app all go through it.
import { rm } from 'node:fs/promises';
import type { TeardownError, TeardownReport } from '../domain/run-types.js';
import type { Abra } from '../io/abra.js';
import { wait } from '../io/clock.js';
import type { Docker, StackObjects } from '../io/docker.js';
import { describeFailure } from '../io/exec.js';
import { pathExists } from '../io/fs.js';
import type { Logger } from '../io/log.js';

const VERIFY_ATTEMPTS = 30;

export interface ReapTarget {
  readonly domain: string;
  readonly stack: string;
  readonly envFile: string;
}

function describeObjects(objects: StackObjects): string[] {
  return (Object.entries(objects) as [keyof StackObjects, readonly string[]][]).flatMap(([kind, names]) =>
    names.map((name) => `${kind.replace(/s$/, '')} ${name}`),
  );
}

export async function reapApp(
  adapters: { abra: Abra; docker: Docker; log: Logger },
  target: ReapTarget,
  signal: AbortSignal,
): Promise<TeardownReport> {
  const { abra, log } = adapters;
  const docker = adapters.docker.withSignal(signal);
  const { domain } = target;
  const errors: TeardownError[] = [];
  if (await pathExists(target.envFile)) {
    if ((await docker.stackServices(target.stack)).length > 0) {
      const undeploy = await abra.appUndeploy(domain, signal);
      if (undeploy.failed) errors.push({ domain, step: 'undeploy', message: describeFailure(undeploy, 5) });
    }
    const remove = await abra.appRemove(domain, signal);
    if (remove.failed) errors.push({ domain, step: 'remove', message: describeFailure(remove, 5) });
  }
  let leftovers: string[] = [];
  for (let attempt = 0; attempt < VERIFY_ATTEMPTS; attempt++) {
    leftovers = describeObjects(await docker.stackObjects(target.stack));
    if (leftovers.length === 0) break;
    log.warn({ stack: target.stack, leftovers }, 'teardown: removing leftovers directly');
    await docker.removeStackObjects(target.stack);
    await wait(1_000, signal);
  }
  if (await pathExists(target.envFile)) {
    await rm(target.envFile, { force: true });
    errors.push({ domain, step: 'env-file', message: `abra left the env file ${target.envFile}; removed it` });
  }
  if (await pathExists(target.envFile)) leftovers.push(`env file ${target.envFile}`);
  log.info({ domain, leftovers, errors }, 'teardown finished');
  return { ran: true, complete: true, leftovers, errors };
}
