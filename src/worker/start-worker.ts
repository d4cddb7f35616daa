// A worker's composition root (`ccci worker`): builds its world, provides the worker machine's actors
// and runs it until it stops.
import { hostname } from 'node:os';
import { createActor, toPromise } from 'xstate';
import { liveSweep } from '../actors/sweep-leftovers.js';
import {
  makeCloseQueue,
  makeConnectQueue,
  makeDrainRuns,
  makePullRuns,
  makeSuperviseWorker,
  makeSweepPeriodically,
} from '../actors/worker/worker-actors.js';
import type { WorkerWorld } from '../actors/worker/worker-world.js';
import { WorkerConfig, type Config } from '../config/schema.js';
import { checkNatsConfig, type JetStreamSetupError } from '../io/jetstream.js';
import type { Logger } from '../io/log.js';
import { workerMachine, type WorkerOutput } from '../machines/worker.machine.js';

/** A worker that cannot start because of its configuration (exit 2: nothing was started). */
export class WorkerSetupError extends Error {
  readonly code = 'bad-worker-setup';
  constructor(message: string) {
    super(message);
    this.name = 'WorkerSetupError';
  }
}

export interface WorkerRequest {
  readonly config: Config;
  readonly configFile: string;
  readonly log: Logger;
}

/** The worker's name: configured, or the host name reduced to the characters a name may hold. */
export function workerName(config: Config): string {
  return config.worker?.name ?? (hostname().replace(/[^A-Za-z0-9_-]+/g, '-') || 'worker');
}

export async function runWorker(request: WorkerRequest): Promise<WorkerOutput> {
  const { config, log } = request;
  if (config.nats === undefined)
    throw new WorkerSetupError(
      `The configuration file ${request.configFile} has no "nats" section (servers): a worker pulls its runs from JetStream`,
    );
  try {
    checkNatsConfig(config.nats);
  } catch (error) {
    throw new WorkerSetupError((error as JetStreamSetupError).message);
  }
  const worker = config.worker ?? WorkerConfig.parse({});
  const name = workerName(config);
  const world: WorkerWorld = {
    config,
    nats: config.nats,
    configFile: request.configFile,
    name,
    maxTests: worker.maxTests,
    janitorIntervalMinutes: worker.janitorIntervalMinutes,
    log,
    sweep: liveSweep(config, log.child({ component: 'janitor' })),
    link: undefined,
    pool: undefined,
  };
  log.child({ component: 'worker' }).info({ worker: name, maxTests: worker.maxTests, runsDir: config.runsDir }, 'worker starting');
  const actor = createActor(
    workerMachine.provide({
      actors: {
        superviseWorker: makeSuperviseWorker(world),
        connectQueue: makeConnectQueue(world),
        pullRuns: makePullRuns(world),
        sweepPeriodically: makeSweepPeriodically(world),
        drainRuns: makeDrainRuns(world),
        closeQueue: makeCloseQueue(world),
      },
    }),
  );
  actor.start();
  const output = await toPromise(actor);
  const workerLog = log.child({ component: 'worker' });
  if (output.failure === null) workerLog.info({ stopReason: output.stopReason, stopsIgnored: output.stopsIgnored }, 'worker stopped');
  else workerLog.error({ stopReason: output.stopReason, failure: output.failure }, `worker failed: ${output.failure}`);
  return output;
}
