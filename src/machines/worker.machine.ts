// A worker's lifetime (docs/scale-out.md): connect to JetStream, serve — pull run requests within its
// capacity, sweep its own swarm's leftovers — and on SIGTERM drain: stop pulling, stop every run (each
// tears down, reports and is acknowledged), then close the connection. Pure: every side effect is an
// actor named here.
import { assign, setup } from 'xstate';
import { unprovidedCallback, unprovidedPromise } from './unprovided.js';

export type WorkerStopReason = 'sigterm' | 'sigint' | 'sighup' | 'crash';

export type WorkerEvent = { type: 'worker.stop'; reason: WorkerStopReason };

export interface WorkerContext {
  readonly stopReason: WorkerStopReason | null;
  /** Why the worker could not start, or what failed while it served; null when nothing did. */
  readonly failure: string | null;
  readonly stopsIgnored: number;
}

export type WorkerOutput = WorkerContext;

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export const workerMachine = setup({
  types: {
    context: {} as WorkerContext,
    events: {} as WorkerEvent,
    output: {} as WorkerOutput,
  },
  actors: {
    superviseWorker: unprovidedCallback<WorkerEvent, undefined>('superviseWorker'),
    connectQueue: unprovidedPromise<void, undefined>('connectQueue'),
    pullRuns: unprovidedPromise<void, undefined>('pullRuns'),
    sweepPeriodically: unprovidedCallback<WorkerEvent, undefined>('sweepPeriodically'),
    drainRuns: unprovidedPromise<void, undefined>('drainRuns'),
    closeQueue: unprovidedPromise<void, undefined>('closeQueue'),
  },
  actions: {
    /** The first stop decides; every repeat is counted and changes nothing else. */
    recordStop: assign(({ context, event }) =>
      context.stopReason === null ? { stopReason: event.reason } : { stopsIgnored: context.stopsIgnored + 1 },
    ),
    countIgnoredStop: assign({ stopsIgnored: ({ context }) => context.stopsIgnored + 1 }),
    recordCrash: assign(({ context, event }) => {
      const actor = event.type.replace(/^xstate\.(error|done)\.actor\./, '');
      const error = (event as { error?: unknown }).error;
      return {
        failure: context.failure ?? (error === undefined ? `${actor} ended on its own` : `${actor} failed: ${message(error)}`),
        stopReason: context.stopReason ?? 'crash',
      };
    }),
  },
  guards: {
    stopRequested: ({ context }) => context.stopReason !== null,
  },
}).createMachine({
  id: 'worker',
  context: { stopReason: null, failure: null, stopsIgnored: 0 },
  invoke: { id: 'superviseWorker', src: 'superviseWorker' },
  initial: 'connecting',
  states: {
    connecting: {
      description: 'Connects to the NATS cluster and makes sure the run queue, the reports stream and the workers’ consumer exist.',
      invoke: {
        id: 'connectQueue',
        src: 'connectQueue',
        onDone: [{ guard: 'stopRequested', target: 'closing' }, { target: 'serving' }],
        onError: {
          target: 'failed',
          actions: assign({ failure: ({ event }) => `connecting to JetStream failed: ${message(event.error)}` }),
        },
      },
      on: { 'worker.stop': { actions: 'recordStop' } },
    },
    serving: {
      description: 'Pulls run requests while fewer than maxTests runs live and runs them; sweeps leftovers at start and periodically.',
      invoke: [
        // pulling only ends when draining asks it to: ending on its own is a bug, handled as a crash
        {
          id: 'pullRuns',
          src: 'pullRuns',
          onDone: { target: 'draining', actions: 'recordCrash' },
          onError: { target: 'draining', actions: 'recordCrash' },
        },
        { id: 'sweepPeriodically', src: 'sweepPeriodically' },
      ],
      on: { 'worker.stop': { target: 'draining', actions: 'recordStop' } },
    },
    draining: {
      description: 'No new requests; every run gets SIGTERM, tears down, reports and is acknowledged.',
      invoke: { id: 'drainRuns', src: 'drainRuns', onDone: 'closing', onError: { target: 'closing', actions: 'recordCrash' } },
      on: { 'worker.stop': { actions: 'countIgnoredStop' } },
    },
    closing: {
      description: 'Drains and closes the NATS connection.',
      invoke: { id: 'closeQueue', src: 'closeQueue', onDone: 'stopped', onError: { target: 'stopped', actions: 'recordCrash' } },
      on: { 'worker.stop': { actions: 'countIgnoredStop' } },
    },
    stopped: { type: 'final' },
    failed: { type: 'final' },
  },
  output: ({ context }) => context,
});
