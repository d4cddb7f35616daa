// The supervisor machine (docs/concurrency.md#the-supervisor): every way a run can be asked to stop
// early — a signal, its parent gone, a cancel request, the hard deadline, a crash inside the
// process — becomes ONE `run.abort` to the run machine, with the first cause as its reason. Later
// causes (a second Ctrl-C during teardown) are reported and ignored: teardown is never cut short.
// Pure: the watching (process signals, timers, the cancel file) is the `watchProcess` actor.
import { assign, sendParent, setup } from 'xstate';
import type { AbortReason } from '../domain/verdict.js';
import { unprovidedCallback } from './unprovided.js';

export const WATCHED_SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;
export type WatchedSignal = (typeof WATCHED_SIGNALS)[number];

export type SupervisorEvent =
  | { type: 'signal.received'; signal: WatchedSignal }
  | { type: 'parent.gone' }
  | { type: 'cancel.requested' }
  | { type: 'deadline.passed' }
  /** An error nothing caught inside the cc-ci process (a recipe hook's stray promise). */
  | { type: 'crashed'; message: string };

export interface SupervisorContext {
  /** The first cause: the run's abort reason. */
  readonly reason: AbortReason | null;
  /** Every later cause, in order: reported, never acted on. */
  readonly ignored: readonly AbortReason[];
}

export function abortReasonOf(event: SupervisorEvent): AbortReason {
  switch (event.type) {
    case 'signal.received':
      return event.signal === 'SIGTERM' ? 'sigterm' : event.signal === 'SIGINT' ? 'sigint' : 'sighup';
    case 'parent.gone':
      return 'parent-gone';
    case 'cancel.requested':
      return 'cancel';
    case 'deadline.passed':
      return 'deadline';
    case 'crashed':
      return 'harness-crash';
  }
}

const CAUSES = ['signal.received', 'parent.gone', 'cancel.requested', 'deadline.passed', 'crashed'] as const;

export const supervisorMachine = setup({
  types: {
    context: {} as SupervisorContext,
    events: {} as SupervisorEvent,
  },
  actors: {
    /** Turns process signals, re-parenting, the cancel file, the deadline and crashes into events. */
    watchProcess: unprovidedCallback<SupervisorEvent, undefined>('watchProcess'),
  },
  actions: {
    /** Says why the run stops; the wiring logs it. */
    reportAbort: (_, _params: { reason: AbortReason; event: SupervisorEvent }) => undefined,
    /** The one run.abort; a named action, so a model of the supervisor alone can stand in for the parent. */
    abortRun: sendParent(({ event }: { event: SupervisorEvent }) => ({ type: 'run.abort', reason: abortReasonOf(event) })),
    /** Says a later cause was ignored; the wiring logs it. */
    reportIgnored: (_, _params: { reason: AbortReason; first: AbortReason }) => undefined,
  },
}).createMachine({
  id: 'supervisor',
  context: { reason: null, ignored: [] },
  // alive as long as the run: a signal nobody listens for would kill the process with the app deployed
  invoke: { id: 'watchProcess', src: 'watchProcess' },
  initial: 'watching',
  states: {
    watching: {
      on: Object.fromEntries(
        CAUSES.map((cause) => [
          cause,
          {
            target: 'aborting',
            actions: [
              assign({ reason: ({ event }) => abortReasonOf(event) }),
              { type: 'reportAbort', params: ({ event }: { event: SupervisorEvent }) => ({ reason: abortReasonOf(event), event }) },
              'abortRun',
            ],
          },
        ]),
      ),
    },
    aborting: {
      description: 'One run.abort was sent; the run is tearing down or reporting. Later causes change nothing.',
      on: Object.fromEntries(
        CAUSES.map((cause) => [
          cause,
          {
            actions: [
              assign({ ignored: ({ context, event }) => [...context.ignored, abortReasonOf(event)] }),
              {
                type: 'reportIgnored',
                params: ({ context, event }: { context: SupervisorContext; event: SupervisorEvent }) => ({
                  reason: abortReasonOf(event),
                  first: context.reason!,
                }),
              },
            ],
          },
        ]),
      ),
    },
  },
});
