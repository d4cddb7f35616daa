// The janitor (docs/concurrency.md#the-janitor-decision-table): reap per-run apps whose run is gone, never a live one. Every row of the
// decision table is one `JanitorRow`; `docs/concurrency.md` documents them and tests cover each.
import { access, constants, readdir, rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { fromPromise } from 'xstate';
import type { Config } from '../config/schema.js';
import { perRunDomainPattern } from '../domain/identity.js';
import type { Abra } from '../io/abra.js';
import type { Docker } from '../io/docker.js';
import { currentOwner, LOCK_STALE_MS, lockPaths, readLockOwner, tryLock, type LockOwner } from '../io/lock.js';
import type { Logger } from '../io/log.js';
import { reapApp } from './tear-down-app.js';
import type { RunWorld } from './run-world.js';

export type JanitorRow =
  | 'owner-gone'
  | 'live'
  | 'dead-owner-lock-fresh'
  | 'possible-leaked-run'
  | 'lock-record-without-app'
  | 'replaced-while-acquiring'
  | 'lock-unreadable'
  | 'lock-dir-missing';

export interface JanitorDecision {
  readonly domain: string;
  readonly row: JanitorRow;
  readonly action: 'reaped' | 'would-reap' | 'left' | 'removed-record' | 'skipped' | 'failed';
  readonly detail: string;
}

export interface JanitorAdapters {
  readonly config: Config;
  readonly abra: Abra;
  readonly docker: Docker;
  readonly log: Logger;
  readonly runId: string;
  readonly dryRun?: boolean;
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

/** Domains with an owner record in the lock dir (per-run names only). */
async function recordedDomains(lockDir: string, ciDomain: string): Promise<string[]> {
  const pattern = perRunDomainPattern(ciDomain);
  return (await readdir(lockDir))
    .filter((name) => name.endsWith('.owner.json'))
    .map((name) => name.slice(0, -'.owner.json'.length))
    .filter((domain) => pattern.test(domain));
}

function ownerText(owner: LockOwner | undefined): string {
  return owner === undefined ? 'an unknown run' : `run ${owner.runId} (pid ${owner.pid} on ${owner.host}, since ${owner.startedAt})`;
}

/** An owner on this host whose process is gone; a recycled pid reads as alive, which only delays the reap. */
function ownerIsDeadHere(owner: LockOwner): boolean {
  if (owner.host !== hostname()) return false;
  try {
    process.kill(owner.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** When a lock nobody refreshes any more goes stale, from its mtime. */
async function lockStaleAt(lockDir: string, domain: string): Promise<string | undefined> {
  try {
    return new Date((await stat(lockPaths(lockDir, domain).lockDirectory)).mtimeMs + LOCK_STALE_MS).toISOString();
  } catch {
    return undefined;
  }
}

async function judge(adapters: JanitorAdapters, domain: string, hasApp: boolean, signal: AbortSignal): Promise<JanitorDecision> {
  const { config, log } = adapters;
  const me = currentOwner(adapters.runId);
  let lock;
  try {
    lock = await tryLock(domain, me, { lockDir: config.lockDir, log, onCompromised: (error) => log.error({ err: error, domain }, 'janitor lost the lock while reaping') });
  } catch (error) {
    return { domain, row: 'lock-unreadable', action: 'skipped', detail: `cannot probe the lock: ${(error as Error).message}` };
  }
  if (lock === undefined) {
    const owner = await readLockOwner(config.lockDir, domain);
    const heldMs = owner === undefined ? 0 : Date.now() - Date.parse(owner.startedAt);
    if (heldMs > 2 * config.deadlineMinutes * 60_000) {
      return { domain, row: 'possible-leaked-run', action: 'left', detail: `possible leaked run: lock held by ${ownerText(owner)} for ${Math.round(heldMs / 60_000)} min, over twice the deadline; never stolen` };
    }
    if (owner !== undefined && ownerIsDeadHere(owner)) {
      const staleAt = await lockStaleAt(config.lockDir, domain);
      return {
        domain,
        row: 'dead-owner-lock-fresh',
        action: 'left',
        detail: `${ownerText(owner)} is gone, but its lock is still fresh: reaped by the first pass after ${staleAt ?? `the lock goes stale (${LOCK_STALE_MS / 1000} s after its last refresh)`}`,
      };
    }
    return { domain, row: 'live', action: 'left', detail: `lock held by ${ownerText(owner)}` };
  }
  try {
    // someone may have replaced the lock between our mkdir and our owner record: then it is not ours
    const recorded = await readLockOwner(config.lockDir, domain);
    if (recorded?.runId !== me.runId || recorded.pid !== me.pid) {
      return { domain, row: 'replaced-while-acquiring', action: 'skipped', detail: `the lock now belongs to ${ownerText(recorded)}` };
    }
    if (!hasApp) {
      if (adapters.dryRun !== true) await rm(lockPaths(config.lockDir, domain).ownerFile, { force: true });
      return { domain, row: 'lock-record-without-app', action: adapters.dryRun === true ? 'skipped' : 'removed-record', detail: 'owner record of a run that left no app' };
    }
    if (adapters.dryRun === true) return { domain, row: 'owner-gone', action: 'would-reap', detail: 'lock free: owner gone (dry run)' };
    const report = await reapApp(adapters, {
      domain,
      stack: domain.replaceAll('.', '_'),
      envFile: join(config.abra.dir, 'servers', config.abra.server, `${domain}.env`),
    }, signal);
    return report.leftovers.length === 0
      ? { domain, row: 'owner-gone', action: 'reaped', detail: 'lock free: owner gone' }
      : { domain, row: 'owner-gone', action: 'failed', detail: `left: ${report.leftovers.join(', ')}` };
  } finally {
    await lock.release();
  }
}

export async function sweepLeftovers(adapters: JanitorAdapters, signal: AbortSignal): Promise<JanitorDecision[]> {
  const { config, docker, log } = adapters;
  try {
    await access(config.lockDir, constants.R_OK | constants.W_OK);
  } catch (error) {
    log.error({ lockDir: config.lockDir, err: error }, 'janitor: lock dir missing or not writable; nothing probed');
    return [{ domain: '*', row: 'lock-dir-missing', action: 'skipped', detail: `lock dir ${config.lockDir} is missing or not writable: ${(error as Error).message}` }];
  }
  const withApp = new Set(candidateDomains(await docker.stackNames(), config.ciDomain));
  const domains = [...new Set([...withApp, ...(await recordedDomains(config.lockDir, config.ciDomain))])].sort();
  const decisions: JanitorDecision[] = [];
  for (const domain of domains) {
    signal.throwIfAborted();
    const decision = await judge(adapters, domain, withApp.has(domain), signal);
    (decision.row === 'possible-leaked-run' || decision.action === 'failed' ? log.warn : log.info).call(log, { ...decision }, 'janitor decision');
    decisions.push(decision);
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
      // a live run's app is none of this run's business: only what the janitor did or warns about is said
      for (const decision of decisions.filter((entry) => entry.row !== 'live')) {
        world.notify({ type: 'notice', message: `janitor: ${decision.domain} ${decision.action} (${decision.row}: ${decision.detail})` });
      }
    } catch (error) {
      // a failed pass leaves leftovers for the next one; it must not stop this run, but it must show
      if (signal.aborted) throw error;
      world.log.error({ err: error }, 'janitor pass failed');
      world.notify({ type: 'notice', message: `janitor pass failed: ${(error as Error).message.split('\n')[0]}` });
    }
  });
}
