// The per-domain lock (proper-lockfile) with its owner record: who holds it, since when.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import lockfile from 'proper-lockfile';
import { wait } from './clock.js';
import type { Logger } from './log.js';

export interface LockOwner {
  readonly runId: string;
  readonly pid: number;
  readonly host: string;
  readonly startedAt: string;
}

export interface HeldLock {
  release(): Promise<void>;
}

export interface LockOptions {
  readonly lockDir: string;
  readonly log: Logger;
  /** Called once, when the lock is held by someone else and we start waiting. */
  readonly onWait?: (owner: LockOwner | undefined) => void;
  /** The lock was lost under us (someone removed or took it): the holder must stop. */
  readonly onCompromised: (error: Error) => void;
  readonly signal?: AbortSignal;
}

/** How long a lock whose holder stopped refreshing stays valid. */
export const LOCK_STALE_MS = 30_000;
const LOCK_UPDATE_MS = 5_000;
const RETRY_MS = 1_000;

export function lockPaths(lockDir: string, domain: string) {
  const target = join(lockDir, domain);
  return { target, lockDirectory: `${target}.lock`, ownerFile: `${target}.owner.json` };
}

export async function readLockOwner(lockDir: string, domain: string): Promise<LockOwner | undefined> {
  try {
    return JSON.parse(await readFile(lockPaths(lockDir, domain).ownerFile, 'utf8')) as LockOwner;
  } catch {
    return undefined;
  }
}

const pendingReleases = new Set<Promise<void>>();

/** Resolves once every release started by this process has finished. */
export async function settleLockReleases(): Promise<void> {
  await Promise.allSettled([...pendingReleases]);
}

export async function tryLock(domain: string, owner: LockOwner, options: Omit<LockOptions, 'onWait' | 'signal'>): Promise<HeldLock | undefined> {
  const paths = lockPaths(options.lockDir, domain);
  await mkdir(options.lockDir, { recursive: true });
  let releaseLock: () => Promise<void>;
  try {
    releaseLock = await lockfile.lock(paths.target, {
      realpath: false,
      stale: LOCK_STALE_MS,
      update: LOCK_UPDATE_MS,
      retries: 0,
      onCompromised: options.onCompromised,
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOCKED') return undefined;
    throw error;
  }
  await writeFile(paths.ownerFile, `${JSON.stringify(owner)}\n`);
  options.log.info({ domain, owner }, 'domain lock acquired');
  let released: Promise<void> | undefined;
  return {
    release() {
      released ??= (async () => {
        await rm(paths.ownerFile, { force: true });
        await releaseLock().catch((error: NodeJS.ErrnoException) => {
          if (error.code !== 'ERELEASED') throw error;
        });
        options.log.info({ domain }, 'domain lock released');
      })();
      pendingReleases.add(released);
      void released.finally(() => pendingReleases.delete(released!)).catch(() => undefined);
      return released;
    },
  };
}

/** Waits (abortably) until the domain is free, then holds it. */
export async function acquireDomainLock(domain: string, owner: LockOwner, options: LockOptions): Promise<HeldLock> {
  let announced = false;
  for (;;) {
    options.signal?.throwIfAborted();
    const held = await tryLock(domain, owner, options);
    if (held !== undefined) return held;
    if (!announced) {
      announced = true;
      options.onWait?.(await readLockOwner(options.lockDir, domain));
    }
    await wait(RETRY_MS, options.signal);
  }
}

export function currentOwner(runId: string): LockOwner {
  return { runId, pid: process.pid, host: hostname(), startedAt: new Date().toISOString() };
}
