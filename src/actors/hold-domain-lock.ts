// Holds the per-domain lock for as long as the invoking state is active; releases it on exit.
import { fromCallback } from 'xstate';
import { acquireDomainLock, currentOwner, type HeldLock } from '../io/lock.js';
import type { RunEvent } from '../machines/run.machine.js';
import type { RunWorld } from './run-world.js';

export function makeHoldDomainLock(world: RunWorld) {
  return fromCallback<RunEvent, undefined>(({ sendBack }) => {
    const { domain, runId } = world.identity;
    const controller = new AbortController();
    let held: HeldLock | undefined;
    let stopped = false;
    acquireDomainLock(domain, currentOwner(runId), {
      lockDir: world.config.lockDir,
      log: world.log,
      signal: controller.signal,
      onWait: (owner) => {
        const holder = owner === undefined ? 'another run' : `run ${owner.runId} (pid ${owner.pid} on ${owner.host}, since ${owner.startedAt})`;
        world.notify({ type: 'notice', message: `waiting for the lock of ${domain}, held by ${holder}` });
      },
      onCompromised: (error) => {
        world.log.error({ err: error, domain }, 'domain lock compromised: this run no longer owns the domain');
        sendBack({ type: 'run.abort', reason: 'lock-lost' });
      },
    }).then(
      (lock) => {
        held = lock;
        if (stopped) void lock.release();
        else sendBack({ type: 'lock.acquired' });
      },
      (error: unknown) => {
        if (!stopped) sendBack({ type: 'lock.failed', message: `cannot take the lock of ${domain} in ${world.config.lockDir}: ${(error as Error).message}` });
      },
    );
    return () => {
      stopped = true;
      controller.abort(new Error('lock no longer wanted'));
      if (held !== undefined) void held.release();
    };
  });
}
