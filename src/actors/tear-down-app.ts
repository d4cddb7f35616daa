// Stage 10: undeploy and remove the app through abra, then verify on the swarm that nothing of the
// domain is left, removing stragglers directly. Reused by the janitor to reap dead runs' apps.
import { rm } from 'node:fs/promises';
import { fromPromise } from 'xstate';
import type { TeardownReport } from '../domain/run-types.js';
import type { Abra } from '../io/abra.js';
import { wait } from '../io/clock.js';
import { deadline } from '../io/deadline.js';
import type { Docker, StackObjects } from '../io/docker.js';
import { describeFailure } from '../io/exec.js';
import type { Logger } from '../io/log.js';
import { envFileOf } from './app-target.js';
import type { RunWorld } from './run-world.js';
import { pathExists } from '../io/fs.js';

/** What this actor touches of the run's world. */
export type TeardownWorld = Pick<RunWorld, 'config' | 'identity' | 'abra' | 'docker' | 'log'>;

/** Each app's teardown gets its own budget: the run's abort must not cut it short, nor the app's its dependencies'. */
const TEARDOWN_TIMEOUT_MS = 10 * 60_000;
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
  const errors: string[] = [];
  if (await pathExists(target.envFile)) {
    if ((await docker.stackServices(target.stack)).length > 0) {
      const undeploy = await abra.appUndeploy(target.domain, signal);
      if (undeploy.failed) errors.push(describeFailure(undeploy, 5));
    }
    const remove = await abra.appRemove(target.domain, signal);
    if (remove.failed) errors.push(describeFailure(remove, 5));
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
    errors.push(`abra left the env file ${target.envFile}; removed it`);
  }
  if (await pathExists(target.envFile)) leftovers.push(`env file ${target.envFile}`);
  log.info({ domain: target.domain, leftovers, errors }, 'teardown finished');
  return { ran: true, leftovers, errors };
}

export interface TearDownInput {
  /** The run's dependencies in declaration order (torn down after the app, in reverse). */
  readonly dependencies: readonly { readonly domain: string; readonly stack: string }[];
}

/** The app first, then its dependencies in reverse order (docs/architecture.md, stage teardown). */
export async function tearDownRun(world: TeardownWorld, input: TearDownInput, budgetMs = TEARDOWN_TIMEOUT_MS): Promise<TeardownReport> {
  const targets = [{ domain: world.identity.domain, stack: world.identity.stack }, ...[...input.dependencies].reverse()];
  const leftovers: string[] = [];
  const errors: string[] = [];
  for (const { domain, stack } of targets) {
    const prefix = domain === world.identity.domain ? '' : `${domain}: `;
    const budget = deadline(new AbortController().signal, budgetMs);
    try {
      const report = await reapApp(world, { domain, stack, envFile: envFileOf(world, domain) }, budget.signal);
      leftovers.push(...report.leftovers.map((leftover) => `${prefix}${leftover}`));
      errors.push(...report.errors.map((error) => `${prefix}${error}`));
    } catch (error) {
      // one app's failed teardown must not leave the others standing, nor pass for a clean one
      leftovers.push(`${prefix}teardown incomplete (${(error as Error).message})`);
    } finally {
      budget.dispose();
    }
  }
  return { ran: true, leftovers, errors };
}

export function makeTearDownApp(world: TeardownWorld) {
  return fromPromise<TeardownReport, TearDownInput>(({ input }) => tearDownRun(world, input));
}
