// The daemon's run queue: requests in, run slots out. Pure on purpose: no I/O, no timers, no actors.
// The shell (the daemon) sends what happened (a request, a run's process ended, a cancel, a shutdown)
// and does what the queue emits (start this run, stop that one, tell the requester its position).
// Being pure, every state it can reach is enumerable by xstate/graph, and the tests do just that:
// capacity, FIFO order and "every accepted request ends exactly once" are checked on all of them.
import { emit, enqueueActions, setup } from 'xstate';

/** One request to run. `key` is "<owner/repo>#<pr>": at most one item per key waits or runs. */
export interface QueueItem {
  readonly id: string;
  readonly key: string;
}

export interface QueueInput {
  /** The one capacity knob: how many runs at once. An integer >= 1. */
  readonly maxTests: number;
}

export interface QueueContext {
  readonly maxTests: number;
  /** Accepted, not started yet; FIFO, head first. */
  readonly waiting: QueueItem[];
  /** Started, process not reported ended yet; in start order. */
  readonly running: QueueItem[];
  /** Ids of running items the shell was asked to stop (each asked once). */
  readonly stopping: string[];
}

export type QueueEvent =
  | { type: 'enqueue'; item: QueueItem }
  /** A started run's process has ended (whether by itself or after a stop). */
  | { type: 'run.ended'; id: string }
  | { type: 'cancel'; id: string }
  | { type: 'shutdown' };

/** One waiting item's 1-based place in the queue. */
export interface QueuePosition {
  readonly id: string;
  readonly position: number;
}

export type QueueEmitted =
  | { type: 'accepted'; item: QueueItem; position: number }
  | { type: 'duplicate'; item: QueueItem; of: QueueItem; ofState: 'waiting' | 'running' }
  | { type: 'refused'; item: QueueItem; reason: 'shutting-down' }
  | { type: 'start'; item: QueueItem }
  | { type: 'stop'; item: QueueItem }
  | { type: 'positions'; waiting: QueuePosition[] }
  /** Final for an accepted item: ran by itself, ended after a stop, or removed while waiting. */
  | { type: 'finished'; item: QueueItem; outcome: 'ran' | 'stopped' | 'cancelled' }
  /** Final for this daemon lifetime: still waiting at shutdown; the shell keeps it for the next start. */
  | { type: 'held'; item: QueueItem };

export type QueueOutput = QueueContext;

/** What one event changes: the new lists and what to tell the shell, in order. */
export interface QueueStep {
  readonly context: QueueContext;
  readonly emitted: QueueEmitted[];
}

/** Admission: while a run slot is free and something waits, the head of `waiting` starts. Strictly FIFO. */
export function admit(context: QueueContext): { context: QueueContext; started: QueueItem[] } {
  const free = Math.max(0, context.maxTests - context.running.length);
  const started = context.waiting.slice(0, free);
  if (started.length === 0) return { context, started };
  return {
    context: { ...context, waiting: context.waiting.slice(started.length), running: [...context.running, ...started] },
    started,
  };
}

export function positionsOf(waiting: readonly QueueItem[]): QueuePosition[] {
  return waiting.map((item, index) => ({ id: item.id, position: index + 1 }));
}

/**
 * After an event changed the lists: admit what fits, emit a `start` per admitted item, then
 * `positions` if the waiting list ends up different from what it was before the event.
 */
export function settle(before: QueueContext, changed: QueueContext, emitted: QueueEmitted[] = []): QueueStep {
  const { context, started } = admit(changed);
  const starts: QueueEmitted[] = started.map((item) => ({ type: 'start', item }));
  const moved = !sameIds(before.waiting, context.waiting);
  const positions: QueueEmitted[] = moved ? [{ type: 'positions', waiting: positionsOf(context.waiting) }] : [];
  return { context, emitted: [...emitted, ...starts, ...positions] };
}

function sameIds(left: readonly QueueItem[], right: readonly QueueItem[]): boolean {
  return left.length === right.length && left.every((item, index) => item.id === right[index]!.id);
}

function without(items: readonly QueueItem[], id: string): QueueItem[] {
  return items.filter((item) => item.id !== id);
}

/** The waiting-or-running item holding this key, if any. */
function holderOf(context: QueueContext, key: string): { of: QueueItem; ofState: 'waiting' | 'running' } | undefined {
  const running = context.running.find((item) => item.key === key);
  if (running) return { of: running, ofState: 'running' };
  const waiting = context.waiting.find((item) => item.key === key);
  return waiting ? { of: waiting, ofState: 'waiting' } : undefined;
}

function idOf(event: QueueEvent): string | undefined {
  return event.type === 'run.ended' || event.type === 'cancel' ? event.id : undefined;
}

function isWaiting(context: QueueContext, id: string | undefined): boolean {
  return context.waiting.some((item) => item.id === id);
}

function isRunning(context: QueueContext, id: string | undefined): boolean {
  return context.running.some((item) => item.id === id);
}

function validMaxTests(maxTests: number): number {
  if (!Number.isInteger(maxTests) || maxTests < 1) throw new RangeError(`maxTests must be an integer >= 1, got ${maxTests}`);
  return maxTests;
}

export const queueMachine = setup({
  types: {
    input: {} as QueueInput,
    context: {} as QueueContext,
    events: {} as QueueEvent,
    emitted: {} as QueueEmitted,
    output: {} as QueueOutput,
  },
  actions: {
    reportDuplicate: emit(({ context, event }) => {
      if (event.type !== 'enqueue') throw new Error(`reportDuplicate on ${event.type}`);
      const holder = holderOf(context, event.item.key)!;
      return { type: 'duplicate' as const, item: event.item, of: holder.of, ofState: holder.ofState };
    }),
    refuse: emit(({ event }) => {
      if (event.type !== 'enqueue') throw new Error(`refuse on ${event.type}`);
      return { type: 'refused' as const, item: event.item, reason: 'shutting-down' as const };
    }),
    accept: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'enqueue') return;
      const waiting = [...context.waiting, event.item];
      const step = settle(context, { ...context, waiting }, [{ type: 'accepted', item: event.item, position: waiting.length }]);
      enqueue.assign(step.context);
      for (const emitted of step.emitted) enqueue.emit(emitted);
    }),
    finishRun: enqueueActions(({ context, event, enqueue }) => {
      const item = context.running.find((candidate) => candidate.id === idOf(event));
      if (!item) return;
      const outcome = context.stopping.includes(item.id) ? 'stopped' : 'ran';
      const changed = { ...context, running: without(context.running, item.id), stopping: context.stopping.filter((id) => id !== item.id) };
      const step = settle(context, changed, [{ type: 'finished', item, outcome }]);
      enqueue.assign(step.context);
      for (const emitted of step.emitted) enqueue.emit(emitted);
    }),
    cancelWaiting: enqueueActions(({ context, event, enqueue }) => {
      const item = context.waiting.find((candidate) => candidate.id === idOf(event));
      if (!item) return;
      const step = settle(context, { ...context, waiting: without(context.waiting, item.id) }, [
        { type: 'finished', item, outcome: 'cancelled' },
      ]);
      enqueue.assign(step.context);
      for (const emitted of step.emitted) enqueue.emit(emitted);
    }),
    askStop: enqueueActions(({ context, event, enqueue }) => {
      const item = context.running.find((candidate) => candidate.id === idOf(event));
      if (!item || context.stopping.includes(item.id)) return;
      enqueue.assign({ stopping: [...context.stopping, item.id] });
      enqueue.emit({ type: 'stop', item });
    }),
    drain: enqueueActions(({ context, enqueue }) => {
      for (const item of context.waiting) enqueue.emit({ type: 'held', item });
      const toStop = context.running.filter((item) => !context.stopping.includes(item.id));
      for (const item of toStop) enqueue.emit({ type: 'stop', item });
      enqueue.assign({ waiting: [], stopping: [...context.stopping, ...toStop.map((item) => item.id)] });
    }),
  },
  guards: {
    keyTaken: ({ context, event }) => event.type === 'enqueue' && holderOf(context, event.item.key) !== undefined,
    idWaiting: ({ context, event }) => isWaiting(context, idOf(event)),
    idRunning: ({ context, event }) => isRunning(context, idOf(event)),
    idRunningNotStopping: ({ context, event }) => {
      const id = idOf(event);
      return isRunning(context, id) && !context.stopping.includes(id!);
    },
    nothingRunning: ({ context }) => context.running.length === 0,
  },
}).createMachine({
  id: 'queue',
  context: ({ input }) => ({ maxTests: validMaxTests(input.maxTests), waiting: [], running: [], stopping: [] }),
  initial: 'open',
  states: {
    open: {
      description: 'Accepting requests. Whenever a run slot is free and something waits, the head of the queue starts.',
      on: {
        enqueue: [{ guard: 'keyTaken', actions: 'reportDuplicate' }, { actions: 'accept' }],
        'run.ended': { guard: 'idRunning', actions: 'finishRun' },
        cancel: [
          { guard: 'idWaiting', actions: 'cancelWaiting' },
          { guard: 'idRunningNotStopping', actions: 'askStop' },
        ],
        shutdown: 'draining',
      },
    },
    draining: {
      description:
        'Shutting down: what waited is held for the next start, every run is asked to stop once, new requests are refused; waits for the last run to end.',
      entry: 'drain',
      always: { guard: 'nothingRunning', target: 'stopped' },
      on: {
        enqueue: { actions: 'refuse' },
        'run.ended': { guard: 'idRunning', actions: 'finishRun' },
        // nothing waits and every run is already stopping: a cancel has nothing left to do
      },
    },
    stopped: {
      description: 'Nothing waits, nothing runs; the output is the final context.',
      type: 'final',
    },
  },
  output: ({ context }) => context,
});
