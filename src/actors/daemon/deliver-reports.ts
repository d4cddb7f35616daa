// Delivers what the store owes the forge, for the daemon's whole life: at once when rung, again every
// minute regardless, and with growing pauses while the forge does not answer — reports wait, never drop.
import { fromCallback } from 'xstate';
import { deliverPending, owed } from '../../daemon/deliver.js';
import type { DaemonEvent } from '../../machines/daemon.machine.js';
import type { DaemonWorld } from './daemon-world.js';
import { sleep } from './repeat.js';

const FIRST_PAUSE_MS = 1_000;
const LONGEST_PAUSE_MS = 30_000;
const IDLE_RECHECK_MS = 60_000;

export function makeDeliverReports(world: DaemonWorld) {
  return fromCallback<DaemonEvent, undefined>(() => {
    const stop = new AbortController();
    const log = world.log.child({ component: 'reports' });
    void (async () => {
      let pause = FIRST_PAUSE_MS;
      while (!stop.signal.aborted) {
        try {
          const round = await deliverPending({ store: world.store, forge: world.forge, botLogin: world.botLogin, log }, stop.signal);
          if (round.blocked !== undefined) {
            if (world.health.forgeBlocked === null)
              log.warn({ owed: owed(world.store), err: round.blocked }, 'the forge does not answer: reports wait until it does');
            world.health.forgeBlocked = round.blocked.message;
            await sleep(pause, stop.signal);
            pause = Math.min(pause * 2, LONGEST_PAUSE_MS);
            continue;
          }
          if (world.health.forgeBlocked !== null)
            log.info({ delivered: round.delivered }, 'the forge answers again: waiting reports delivered');
          world.health.forgeBlocked = null;
          pause = FIRST_PAUSE_MS;
        } catch (error) {
          if (stop.signal.aborted) break;
          log.error({ err: error }, 'delivering reports failed; trying again');
          await sleep(LONGEST_PAUSE_MS, stop.signal);
          continue;
        }
        if (owed(world.store) === 0) await world.outbox.wait(IDLE_RECHECK_MS, stop.signal);
      }
    })();
    return () => stop.abort();
  });
}
