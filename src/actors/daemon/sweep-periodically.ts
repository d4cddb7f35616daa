// The janitor at daemon start and every janitorIntervalMinutes: reaps what dead runs left behind,
// never a live run (the decision table in docs/concurrency.md).
import { fromCallback } from 'xstate';
import type { DaemonEvent } from '../../machines/daemon.machine.js';
import type { DaemonWorld } from './daemon-world.js';
import { sleep } from './sleep.js';

export function makeSweepPeriodically(world: DaemonWorld) {
  return fromCallback<DaemonEvent, undefined>(() => {
    const stop = new AbortController();
    const log = world.log.child({ component: 'janitor' });
    void (async () => {
      while (!stop.signal.aborted) {
        try {
          const decisions = await world.sweep(stop.signal);
          const acted = decisions.filter((decision) => decision.action !== 'left');
          log[acted.length > 0 ? 'info' : 'debug']({ candidates: decisions.length, decisions: acted }, 'janitor pass');
        } catch (error) {
          if (stop.signal.aborted) break;
          log.error({ err: error }, 'janitor pass failed');
        }
        await sleep(world.daemon.janitorIntervalMinutes * 60_000, stop.signal);
      }
    })();
    return () => stop.abort();
  });
}
