// The daemon's one-shot stages: recover at start; at stop, drain the runs and flush what is owed.
import { fromPromise } from 'xstate';
import { owed } from '../../daemon/deliver.js';
import { recoverState } from '../../daemon/recover.js';
import type { DaemonWorld } from './daemon-world.js';
import { sleep } from './repeat.js';

/** How long a stopping daemon keeps trying to deliver; what is left is delivered after the next start. */
const FLUSH_MS = 20_000;

export function makeRecoverState(world: DaemonWorld) {
  return fromPromise<void, undefined>(async () => {
    const waiting = await recoverState({ ...world, log: world.log.child({ component: 'daemon' }) });
    world.dispatcher.restore(waiting);
    world.outbox.ring();
  });
}

export function makeDrainRuns(world: DaemonWorld) {
  return fromPromise<void, undefined>(async () => {
    const running = world.dispatcher.running();
    world.log
      .child({ component: 'daemon' })
      .info(
        { running: running.length, waiting: world.dispatcher.counts().waiting },
        'draining: stopping every run; waiting requests stay stored',
      );
    await world.dispatcher.drain();
    world.log.child({ component: 'daemon' }).info('every run has ended and is recorded');
  });
}

export function makeFlushReports(world: DaemonWorld) {
  return fromPromise<void, undefined>(async ({ signal }) => {
    const deadline = Date.now() + FLUSH_MS;
    while (owed(world.store) > 0 && Date.now() < deadline && !signal.aborted) {
      world.outbox.ring();
      await sleep(200, signal);
    }
    const left = owed(world.store);
    if (left > 0)
      world.log.child({ component: 'daemon' }).warn({ owed: left }, 'reports still owed at stop: they are delivered after the next start');
  });
}
