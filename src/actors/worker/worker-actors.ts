// The worker machine's actors (src/machines/worker.machine.ts).
import { fromCallback, fromPromise } from 'xstate';
import { connectJetStream, ensureStreams } from '../../io/jetstream.js';
import { startRunChild } from '../../io/run-child.js';
import type { WorkerEvent } from '../../machines/worker.machine.js';
import { createWorkerPool } from '../../worker/worker-pool.js';
import { janitorPasses } from '../daemon/sweep-periodically.js';
import { superviseSignals } from '../daemon/supervise-daemon.js';
import type { WorkerWorld } from './worker-world.js';

export function makeSuperviseWorker(world: Pick<WorkerWorld, 'log'>) {
  return fromCallback<WorkerEvent, undefined>(({ sendBack }) =>
    superviseSignals(world.log.child({ component: 'worker' }), 'worker', (reason) => sendBack({ type: 'worker.stop', reason })),
  );
}

export function makeConnectQueue(world: WorkerWorld) {
  return fromPromise<void, undefined>(async () => {
    const log = world.log.child({ component: 'nats' });
    const link = await connectJetStream(world.nats, { name: `ccci-worker-${world.name}`, log });
    world.link = link;
    await ensureStreams(link, world.nats);
    const runLog = world.log.child({ component: 'run' });
    world.pool = createWorkerPool({
      link,
      worker: world.name,
      configFile: world.configFile,
      runsDir: world.config.runsDir,
      ackWaitSeconds: world.nats.ackWaitSeconds,
      maxTests: world.maxTests,
      log: world.log.child({ component: 'worker', worker: world.name }),
      startRun: (spec, onLine) => startRunChild(spec, { log: runLog, onLine }),
    });
    log.info({ servers: world.nats.servers, worker: world.name, maxTests: world.maxTests }, 'worker connected: pulling run requests');
  });
}

export function makePullRuns(world: WorkerWorld) {
  return fromPromise<void, undefined>(() => world.pool!.serve());
}

export function makeSweepPeriodically(world: WorkerWorld) {
  return janitorPasses<WorkerEvent>(world, world.janitorIntervalMinutes);
}

export function makeDrainRuns(world: WorkerWorld) {
  return fromPromise<void, undefined>(async () => {
    const log = world.log.child({ component: 'worker' });
    log.info({ running: world.pool?.running() ?? [] }, 'draining: stopping every run; nothing new is pulled');
    await world.pool?.drain();
    log.info('every run has ended, reported and been acknowledged');
  });
}

export function makeCloseQueue(world: WorkerWorld) {
  return fromPromise<void, undefined>(async () => {
    await world.link?.close();
  });
}
