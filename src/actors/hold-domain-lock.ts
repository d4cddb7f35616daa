// Holds the per-domain lock for as long as the invoking state is active; releases it on exit. A run
// with DEPS also holds its dependencies' domains, so the janitor sees them as live, not leftovers.
import { fromCallback } from 'xstate';
import { describeOwner } from '../domain/lock-owner.js';
import { acquireDomainLock, currentOwner, readLockOwner, type HeldLock } from '../io/lock.js';
import type { RunEvent } from '../machines/run.machine.js';
import type { RunWorld } from '../run/run-world.js';

/** What this actor touches of the run's world. */
export type LockWorld = Pick<RunWorld, 'config' | 'identity' | 'paths' | 'log' | 'notify' | 'stopping'>;

/** How often a run waiting for a domain lock says it still waits. */
export const LOCK_WAIT_REPEAT_MS = 30_000;

export interface HoldDomainLockInput {
  readonly dependencyDomains: readonly string[];
}

export function makeHoldDomainLock(world: LockWorld) {
  return fromCallback<RunEvent, HoldDomainLockInput>(({ sendBack, input }) => {
    const { runId } = world.identity;
    const domains = [world.identity.domain, ...input.dependencyDomains];
    const controller = new AbortController();
    const held: HeldLock[] = [];
    let stopped = false;
    let waitNotices: NodeJS.Timeout | undefined;
    // popping releases dependencies' domains first and the app's last, each exactly once
    const releaseAll = () => {
      while (held.length > 0) void held.pop()!.release();
    };
    const acquire = async () => {
      // the app's domain first: whoever holds it is the only run that ever wants its dependencies' domains
      for (const domain of domains) {
        const lock = await acquireDomainLock(domain, currentOwner(runId, world.paths.runDir), {
          lockDir: world.config.lockDir,
          log: world.log,
          signal: controller.signal,
          onWait: (owner) => {
            // say at once who holds it, then a short line every so often while the wait goes on
            const since = Date.now();
            world.notify({ type: 'lock-wait', domain, holder: owner, waitedMs: 0 });
            waitNotices = setInterval(
              () => world.notify({ type: 'lock-wait', domain, holder: owner, waitedMs: Date.now() - since }),
              LOCK_WAIT_REPEAT_MS,
            );
          },
          onCompromised: (error) => {
            world.log.error({ err: error, domain }, 'domain lock compromised: this run no longer owns the domain');
            // the new owner's record says who has the domain now; the app there is theirs, not ours to remove
            void readLockOwner(world.config.lockDir, domain).then((holder) => {
              world.stopping.reason ??= 'lock-lost';
              if (!stopped)
                sendBack({
                  type: 'lock.lost',
                  message: `lost the lock of ${domain} (${error.message}); it is now held by ${describeOwner(holder, 'an unknown run')}`,
                });
            });
          },
        });
        clearInterval(waitNotices);
        held.push(lock);
        if (stopped) {
          releaseAll();
          return;
        }
      }
    };
    acquire().then(
      () => {
        if (!stopped) sendBack({ type: 'lock.acquired' });
      },
      (error: unknown) => {
        clearInterval(waitNotices);
        const domain = domains[held.length];
        releaseAll();
        if (!stopped)
          sendBack({
            type: 'lock.failed',
            message: `cannot take the lock of ${domain} in ${world.config.lockDir}: ${(error as Error).message}`,
          });
      },
    );
    return () => {
      stopped = true;
      clearInterval(waitNotices);
      controller.abort(new Error('lock no longer wanted'));
      releaseAll();
    };
  });
}
