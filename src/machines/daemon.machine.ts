// The daemon's lifetime (docs/daemon.md): listen, recover what a previous life left, serve (poll the
// forge, sweep leftovers), and on SIGTERM drain — stop accepting, stop every run and record it —
// then deliver what is owed to the forge and stop. Pure: every side effect is an actor named here.
import { assign, raise, setup } from 'xstate';
import { unprovidedCallback, unprovidedPromise } from './unprovided.js';

export type DaemonStopReason = 'sigterm' | 'sigint' | 'sighup' | 'crash';

export type DaemonEvent =
  { type: 'daemon.stop'; reason: DaemonStopReason } | { type: 'http.listening'; url: string } | { type: 'http.failed'; message: string };

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
    /** The first stop decides; every repeat is counted and changes nothing else. */
    recordStop: assign(({ context, event }) =>
      context.stopReason === null
        ? { stopReason: event.type === 'daemon.stop' ? event.reason : null }
        : { stopsIgnored: context.stopsIgnored + 1 },
    ),
    countIgnoredStop: assign({ stopsIgnored: ({ context }) => context.stopsIgnored + 1 }),
    recordCrash: assign(({ context, event }) => ({
      failure:
        context.failure ?? `${event.type.replace(/^xstate\.error\.actor\./, '')} failed: ${message((event as { error?: unknown }).error)}`,
      stopReason: context.stopReason ?? 'crash',
    })),
  },
  guards: {
    stopRequested: ({ context }) => context.stopReason !== null,
  },
}).createMachine({
  id: 'daemon',
  context: { url: null, stopReason: null, failure: null, stopsIgnored: 0 },
  // alive to the end: signals become daemon.stop, run pages stay served, the forge gets its reports the whole time
  // an actor that fails (a bug) stops the daemon the orderly way: runs drain, reports flush
  invoke: [
    {
      id: 'superviseDaemon',
      src: 'superviseDaemon',
      onError: { actions: ['recordCrash', raise({ type: 'daemon.stop', reason: 'crash' })] },
    },
    { id: 'serveHttp', src: 'serveHttp', onError: { actions: ['recordCrash', raise({ type: 'daemon.stop', reason: 'crash' })] } },
    { id: 'deliverReports', src: 'deliverReports', onError: { actions: ['recordCrash', raise({ type: 'daemon.stop', reason: 'crash' })] } },
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
          description:
            'Runs a previous daemon left running are recorded (finished, or interrupted and queued again once); waiting requests go back into the queue.',
          invoke: {
            id: 'recoverState',
            src: 'recoverState',
            onDone: [{ guard: 'stopRequested', target: 'draining' }, { target: 'serving' }],
            onError: {
              target: '#daemon.failed',
              actions: assign({ failure: ({ event }) => `recovering the daemon state failed: ${message(event.error)}` }),
            },
          },
          on: { 'daemon.stop': { actions: 'recordStop' } },
        },
        serving: {
          description: 'Polls the forge (the webhook is served too) and sweeps leftovers at start and periodically.',
          invoke: [
            { id: 'pollForge', src: 'pollForge', onError: { target: 'draining', actions: 'recordCrash' } },
            { id: 'sweepPeriodically', src: 'sweepPeriodically', onError: { target: 'draining', actions: 'recordCrash' } },
          ],
          on: { 'daemon.stop': { target: 'draining', actions: 'recordStop' } },
        },
        draining: {
          description: 'No new requests; every run gets SIGTERM, tears down and is recorded as cancelled; waiting requests stay stored.',
          invoke: { id: 'drainRuns', src: 'drainRuns', onDone: 'flushing', onError: { target: 'flushing', actions: 'recordCrash' } },
        },
        flushing: {
          description: 'Delivers what is owed to the forge, for a bounded time; the rest waits in the database for the next start.',
          invoke: {
            id: 'flushReports',
            src: 'flushReports',
            onDone: '#daemon.stopped',
            onError: { target: '#daemon.stopped', actions: 'recordCrash' },
          },
        },
      },
      on: { 'daemon.stop': { actions: 'countIgnoredStop' } },
    },
    stopped: { type: 'final' },
    failed: { type: 'final' },
  },
  output: ({ context }) => context,
});
