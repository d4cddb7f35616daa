// Stage 2, the janitor pass: reap per-run apps whose run is gone (their lock is free), never a live one.
import { join } from 'node:path';
import { fromPromise } from 'xstate';
import { perRunDomainPattern } from '../domain/identity.js';
import type { Abra } from '../io/abra.js';
import type { Docker } from '../io/docker.js';
import { currentOwner, tryLock } from '../io/lock.js';
import type { Logger } from '../io/log.js';
import type { Config } from '../config/schema.js';
import { reapApp } from './tear-down-app.js';
import type { RunWorld } from './run-world.js';

export interface JanitorDecision {
  readonly domain: string;
  readonly action: 'reaped' | 'left-live' | 'failed';
  readonly detail: string;
}

/** Per-run stacks on the engine, as domains; warm and canonical names never match. */
export function candidateDomains(stacks: readonly string[], ciDomain: string): string[] {
  const suffix = `_${ciDomain.replaceAll('.', '_')}`;
  const pattern = perRunDomainPattern(ciDomain);
  return stacks
    .filter((stack) => stack.endsWith(suffix))
    .map((stack) => `${stack.slice(0, -suffix.length)}.${ciDomain}`)
    .filter((domain) => pattern.test(domain));
}

export async function sweepLeftovers(
  adapters: { config: Config; abra: Abra; docker: Docker; log: Logger; runId: string; dryRun?: boolean },
  signal: AbortSignal,
): Promise<JanitorDecision[]> {
  const { config, docker, log } = adapters;
  const decisions: JanitorDecision[] = [];
  for (const domain of candidateDomains(await docker.stackNames(), config.ciDomain)) {
    signal.throwIfAborted();
    const lock = await tryLock(domain, currentOwner(adapters.runId), {
      lockDir: config.lockDir,
      log,
      onCompromised: (error) => log.error({ err: error, domain }, 'janitor lost the lock while reaping'),
    });
    if (lock === undefined) {
      decisions.push({ domain, action: 'left-live', detail: 'lock held by a live run' });
      log.info({ domain }, 'janitor: lock held, leaving the app of a live run');
      continue;
    }
    try {
      if (adapters.dryRun === true) {
        decisions.push({ domain, action: 'reaped', detail: 'dry run: would reap (lock free)' });
        continue;
      }
      const report = await reapApp(adapters, {
        domain,
        stack: domain.replaceAll('.', '_'),
        envFile: join(config.abra.dir, 'servers', config.abra.server, `${domain}.env`),
      }, signal);
      decisions.push({ domain, action: report.leftovers.length === 0 ? 'reaped' : 'failed', detail: report.leftovers.length === 0 ? 'lock free: owner gone' : `left: ${report.leftovers.join(', ')}` });
    } finally {
      await lock.release();
    }
  }
  return decisions;
}

export function makeSweepLeftovers(world: RunWorld, janitorAbra: Abra) {
  return fromPromise<void, undefined>(async ({ signal }) => {
    try {
      const decisions = await sweepLeftovers(
        { config: world.config, abra: janitorAbra, docker: world.docker, log: world.log, runId: world.identity.runId },
        signal,
      );
      for (const decision of decisions) world.notify({ type: 'notice', message: `janitor: ${decision.domain} ${decision.action} (${decision.detail})` });
    } catch (error) {
      // a failed pass leaves leftovers for the next one; it must not stop this run, but it must show
      if (signal.aborted) throw error;
      world.log.error({ err: error }, 'janitor pass failed');
      world.notify({ type: 'notice', message: `janitor pass failed: ${(error as Error).message.split('\n')[0]}` });
    }
  });
}
