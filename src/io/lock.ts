// The per-domain lock (proper-lockfile) with its owner record: who holds it, since when.
import fs from 'node:fs';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import lockfile from 'proper-lockfile';
import { LockOwner } from '../domain/lock-owner.js';
import { wait } from './clock.js';
import { runCommand } from './exec.js';
import { readOptionalFile, writeFileAtomically } from './fs.js';
import type { Logger } from './log.js';

export interface HeldLock {
  /** Removes the owner record and the lock dir; after a compromise, only stops refreshing. */
  release(): Promise<void>;
  /** Stops refreshing without removing anything: for a lock found replaced by someone else. */
  abandon(): Promise<void>;
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
/**
 * proper-lockfile never judges staleness itself: its own takeover (rmdir + mkdir) lets two
 * contenders that both saw the lock stale both win (moxystudio/node-proper-lockfile#121).
 * Stale locks are taken over by `takeOverIfStale` instead, serialised by a kernel flock.
 */
const NEVER_STALE_MS = 2 ** 31 - 1;

/** The file every takeover in a lock dir holds its flock on: one per lock dir, so none pile up per domain. */
export const TAKEOVER_GUARD = '.takeover';

export function lockPaths(lockDir: string, domain: string) {
  const target = join(lockDir, domain);
  return { target, lockDirectory: `${target}.lock`, ownerFile: `${target}.owner.json`, takeoverGuard: join(lockDir, TAKEOVER_GUARD) };
}

// Runs under flock: re-checks, with the guard held, that the lock still has the mtime we judged
// stale and is still stale, and only then removes it. Two contenders can no longer both remove
// "the stale lock" when the second one would in fact remove the first one's fresh lock.
const TAKEOVER_SCRIPT = `
lock=$1 owner=$2 expected=$3 stale=$4
mtime=$(stat -c %Y "$lock" 2>/dev/null) || exit 0
[ "$mtime" = "$expected" ] || exit 0
[ $(( $(date +%s) - mtime )) -ge "$stale" ] || exit 0
rm -f "$owner" && rmdir "$lock"
`;

/** Removes the domain's lock if its holder stopped refreshing it; true if a takeover was attempted. */
async function takeOverIfStale(paths: ReturnType<typeof lockPaths>, log: Logger): Promise<boolean> {
  let mtimeMs: number;
  try {
    mtimeMs = (await stat(paths.lockDirectory)).mtimeMs;
  } catch {
    return true; // gone meanwhile: just try again
  }
  if (Date.now() - mtimeMs < LOCK_STALE_MS) return false;
  const expected = String(Math.floor(mtimeMs / 1_000));
  const result = await runCommand(
    [
      'flock',
      '--wait',
      '30',
      paths.takeoverGuard,
      'sh',
      '-c',
      TAKEOVER_SCRIPT,
      'takeover',
      paths.lockDirectory,
      paths.ownerFile,
      expected,
      String(LOCK_STALE_MS / 1_000),
    ],
    { log },
  );
  if (result.failed)
    throw new Error(`cannot take over the stale lock ${paths.lockDirectory}: ${result.stderr || `exit ${result.exitCode}`}`);
  log.warn({ lock: paths.lockDirectory, staleSinceMs: Date.now() - mtimeMs }, 'took over a stale domain lock');
  return true;
}

export async function readLockOwner(lockDir: string, domain: string): Promise<LockOwner | undefined> {
  try {
    const parsed = LockOwner.safeParse(JSON.parse(await readFile(lockPaths(lockDir, domain).ownerFile, 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

const pendingReleases = new Set<Promise<void>>();

/** Resolves once every release started by this process has finished. */
export async function settleLockReleases(): Promise<void> {
  await Promise.allSettled([...pendingReleases]);
}

export async function tryLock(
  domain: string,
  owner: LockOwner,
  options: Omit<LockOptions, 'onWait' | 'signal'>,
): Promise<HeldLock | undefined> {
  const paths = lockPaths(options.lockDir, domain);
  await mkdir(options.lockDir, { recursive: true });
  // once compromised, the lock dir and owner record belong to whoever took it over: never removed by us
  let compromised = false;
  const onCompromised = (error: Error) => {
    compromised = true;
    options.onCompromised(error);
  };
  const attempt = () =>
    lockfile.lock(paths.target, { realpath: false, stale: NEVER_STALE_MS, update: LOCK_UPDATE_MS, retries: 0, onCompromised });
  let releaseLock: () => Promise<void>;
  try {
    releaseLock = await attempt();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
    if (!(await takeOverIfStale(paths, options.log))) return undefined;
    try {
      releaseLock = await attempt();
    } catch (retryError) {
      if ((retryError as NodeJS.ErrnoException).code === 'ELOCKED') return undefined;
      throw retryError;
    }
  }
  await writeFile(paths.ownerFile, `${JSON.stringify(owner)}\n`);
  options.log.info({ domain, owner }, 'domain lock acquired');
  let released: Promise<void> | undefined;
  const settle = (work: () => Promise<void>) => {
    released ??= work();
    pendingReleases.add(released);
    void released.finally(() => pendingReleases.delete(released!)).catch(() => undefined);
    return released;
  };
  const abandon = async () => {
    // stops the refresh; the lock dir is left to whoever holds it now (proper-lockfile's fs hook)
    await lockfile
      .unlock(paths.target, { realpath: false, fs: { ...fs, rmdir: (_path: string, callback: () => void) => callback() } })
      .catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOTACQUIRED') throw error;
      });
    options.log.warn({ domain }, 'domain lock abandoned: it belongs to someone else now');
  };
  return {
    release: () =>
      settle(async () => {
        if (compromised) return abandon();
        await rm(paths.ownerFile, { force: true });
        await releaseLock().catch((error: NodeJS.ErrnoException) => {
          if (error.code !== 'ERELEASED') throw error;
        });
        options.log.info({ domain }, 'domain lock released');
      }),
    abandon: () => settle(abandon),
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

export function currentOwner(runId: string, runDir?: string): LockOwner {
  return { runId, pid: process.pid, host: hostname(), startedAt: new Date().toISOString(), ...(runDir === undefined ? {} : { runDir }) };
}

/** The file in the lock dir naming the swarm its records are about. */
export const SWARM_ID_FILE = 'swarm-id';

/**
 * A lock dir's records are about one swarm's apps: the first pass writes that swarm's id into it, and a
 * pass against another swarm (a config pointing at another engine, a swarm initialised anew) refuses
 * to judge anything by them.
 */
export async function checkLockDirSwarm(lockDir: string, swarmId: string): Promise<void> {
  if (swarmId === '') throw new Error('this docker engine is in no swarm: there is nothing to reap');
  const file = join(lockDir, SWARM_ID_FILE);
  const recorded = (await readOptionalFile(file))?.trim();
  if (recorded === undefined) {
    // two first passes at once write the same id, neither half of it
    await writeFileAtomically(file, `${swarmId}\n`);
    return;
  }
  if (recorded !== swarmId)
    throw new Error(
      `lock dir ${lockDir} belongs to swarm ${recorded}, but this engine is in swarm ${swarmId}: its records say nothing about this swarm's apps (point lockDir at this swarm's lock dir, or remove ${file} if the swarm was re-created)`,
    );
}
