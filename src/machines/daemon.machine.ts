// The daemon's lifetime (SPEC §3, §7): listen, recover what a previous life left, serve (poll the
// forge, sweep leftovers), and on SIGTERM drain — stop accepting, stop every run and record it —
// then deliver what is owed to the forge and stop. Pure: every side effect is an actor named here.
import { assign, setup } from 'xstate';
import { unprovidedCallback, unprovidedPromise } from './unprovided.js';

export type DaemonStopReason = 'sigterm' | 'sigint' | 'sighup' | 'crash';

export type DaemonEvent =
  | { type: 'daemon.stop'; reason: DaemonStopReason }
  | { type: 'http.listening'; url: string }
  | { type: 'http.failed'; message: string };

export interface DaemonContext {
  /** Where the HTTP server listens, once it does. */
  readonly url: string | null;
  readonly stopReason: DaemonStopReason | null;
  /** Why the daemon could not start or recover; null when it ran. */
  readonly failure: string | null;
  readonly stopsIgnored: number;
}

export type DaemonOutput = DaemonContext;

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export const daemonMachine = setup({
  types: {
    context: {} as DaemonContext,
    events: {} as DaemonEvent,
    output: {} as DaemonOutput,
  },
  actors: {
    superviseDaemon: unprovidedCallback<DaemonEvent, undefined>('superviseDaemon'),
    serveHttp: unprovidedCallback<DaemonEvent, undefined>('serveHttp'),
    deliverReports: unprovidedCallback<DaemonEvent, undefined>('deliverReports'),
    recoverState: unprovidedPromise<void, undefined>('recoverState'),
    pollForge: unprovidedCallback<DaemonEvent, undefined>('pollForge'),
    sweepPeriodically: unprovidedCallback<DaemonEvent, undefined>('sweepPeriodically'),
    drainRuns: unprovidedPromise<void, undefined>('drainRuns'),
    flushReports: unprovidedPromise<void, undefined>('flushReports'),
  },
  actions: {
    recordStop: assign({
      stopReason: ({ context, event }) => context.stopReason ?? (event.type === 'daemon.stop' ? event.reason : null),
    }),
    countIgnoredStop: assign({ stopsIgnored: ({ context }) => context.stopsIgnored + 1 }),
  },
  guards: {
    stopRequested: ({ context }) => context.stopReason !== null,
  },
}).createMachine({
  id: 'daemon',
  context: { url: null, stopReason: null, failure: null, stopsIgnored: 0 },
  // alive to the end: signals become daemon.stop, run pages stay served, the forge gets its reports the whole time
  invoke: [
    { id: 'superviseDaemon', src: 'superviseDaemon' },
    { id: 'serveHttp', src: 'serveHttp' },
    { id: 'deliverReports', src: 'deliverReports' },
  ],
  initial: 'listening',
  states: {
    listening: {
      description: 'The HTTP server binds its address (links in reports need it); run pages and /healthz stay up until the daemon stops.',
      on: {
        'http.listening': { target: 'running', actions: assign({ url: ({ event }) => event.url }) },
        'http.failed': { target: 'failed', actions: assign({ failure: ({ event }) => `the HTTP server cannot listen: ${event.message}` }) },
        'daemon.stop': { target: 'stopped', actions: 'recordStop' },
      },
    },
    running: {
      initial: 'recovering',
      states: {
        recovering: {
          description: 'Runs a previous daemon left running are recorded (finished, or interrupted and queued again once); waiting requests go back into the queue.',
          invoke: {
            src: 'recoverState',
            onDone: [{ guard: 'stopRequested', target: 'draining' }, { target: 'serving' }],
            onError: { target: '#daemon.failed', actions: assign({ failure: ({ event }) => `recovering the daemon state failed: ${message(event.error)}` }) },
          },
          on: { 'daemon.stop': { actions: 'recordStop' } },
        },
        serving: {
          description: 'Polls the forge (the webhook is served too) and sweeps leftovers at start and periodically.',
          invoke: [
            { id: 'pollForge', src: 'pollForge' },
            { id: 'sweepPeriodically', src: 'sweepPeriodically' },
          ],
          on: { 'daemon.stop': { target: 'draining', actions: 'recordStop' } },
        },
        draining: {
          description: 'No new requests; every run gets SIGTERM, tears down and is recorded as cancelled; waiting requests stay stored.',
          invoke: { src: 'drainRuns', onDone: 'flushing', onError: 'flushing' },
        },
        flushing: {
          description: 'Delivers what is owed to the forge, for a bounded time; the rest waits in the database for the next start.',
          invoke: { src: 'flushReports', onDone: '#daemon.stopped', onError: '#daemon.stopped' },
        },
      },
      on: { 'daemon.stop': { actions: 'countIgnoredStop' } },
    },
    stopped: { type: 'final' },
    failed: { type: 'final' },
  },
  output: ({ context }) => context,
});
