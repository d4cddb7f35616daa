// The worker machine, model-based: every state xstate/graph reaches (over worker.stop and the done/error
// events of connectQueue, pullRuns, drainRuns and closeQueue) is replayed on a live actor whose actors
// are never-settling stand-ins that count their starts and stops; after every event: superviseWorker
// lives to the end, pullRuns and sweepPeriodically run exactly while serving, drainRuns runs at most
// once and only after serving, closeQueue at most once and never while runs drain. From every
// reachable state that is not final, a stop followed by the end of whatever is invoked ends in
// `stopped` (or `failed` when connecting failed) keeping the first stop reason.
import test from 'ava';
import { createActor, fromCallback, fromPromise, type Actor } from 'xstate';
import { getShortestPaths } from 'xstate/graph';
import { workerMachine, type WorkerContext, type WorkerEvent, type WorkerStopReason } from '../../src/machines/worker.machine.js';

const CALLBACKS = ['superviseWorker', 'sweepPeriodically'] as const;
const PROMISES = ['connectQueue', 'pullRuns', 'drainRuns', 'closeQueue'] as const;
type Promised = (typeof PROMISES)[number];
type ActorName = (typeof CALLBACKS)[number] | Promised;
type Counters = Record<ActorName, { starts: number; stops: number }>;

function counters(): Counters {
  return Object.fromEntries([...CALLBACKS, ...PROMISES].map((name) => [name, { starts: 0, stops: 0 }])) as Counters;
}

function modelWorkerMachine(count: Counters) {
  const callback = (name: ActorName) =>
    fromCallback<WorkerEvent, undefined>(() => {
      count[name].starts++;
      return () => {
        count[name].stops++;
      };
    });
  const pending = (name: ActorName) =>
    fromPromise<void, undefined>(({ signal }) => {
      count[name].starts++;
      signal.addEventListener('abort', () => count[name].stops++, { once: true });
      return new Promise<void>(() => undefined);
    });
  return workerMachine.provide({
    actors: {
      superviseWorker: callback('superviseWorker'),
      sweepPeriodically: callback('sweepPeriodically'),
      connectQueue: pending('connectQueue'),
      pullRuns: pending('pullRuns'),
      drainRuns: pending('drainRuns'),
      closeQueue: pending('closeQueue'),
    },
  });
}

const done = (name: Promised) => ({ type: `xstate.done.actor.${name}` }) as unknown as WorkerEvent;
const failure = (name: Promised) => ({ type: `xstate.error.actor.${name}`, error: new Error(`${name} broke`) }) as unknown as WorkerEvent;
const stop = (reason: WorkerStopReason): WorkerEvent => ({ type: 'worker.stop', reason });

/** What is invoked in each state: only its actors' done/error events can happen there. */
const INVOKED: Record<string, readonly Promised[]> = {
  connecting: ['connectQueue'],
  serving: ['pullRuns'],
  draining: ['drainRuns'],
  closing: ['closeQueue'],
};

function drivingEvents(value: unknown): WorkerEvent[] {
  const invoked = INVOKED[String(value)] ?? [];
  return [stop('sigterm'), stop('sighup'), ...invoked.flatMap((name) => [done(name), failure(name)])];
}

const paths = getShortestPaths(workerMachine, {
  events: (snapshot) => drivingEvents(snapshot.value),
  serializeState: (snapshot) => {
    const { stopsIgnored: _ignored, ...rest } = snapshot.context as WorkerContext;
    return JSON.stringify([snapshot.value, snapshot.status, rest]);
  },
});

type WorkerActor = Actor<ReturnType<typeof modelWorkerMachine>>;

function checkInvariants(actor: WorkerActor, count: Counters, where: string): string[] {
  const snapshot = actor.getSnapshot();
  const state = String(snapshot.value);
  const problems: string[] = [];
  const alive = (name: ActorName) => count[name].starts - count[name].stops;
  if (snapshot.status === 'active' && alive('superviseWorker') !== 1) problems.push(`${where}: superviseWorker not alive`);
  for (const name of ['pullRuns', 'sweepPeriodically'] as const) {
    const expected = snapshot.status === 'active' && state === 'serving' ? 1 : 0;
    if (alive(name) !== expected) problems.push(`${where}: ${name} alive ${alive(name)}, expected ${expected} in ${state}`);
  }
  if (count.drainRuns.starts > 1) problems.push(`${where}: drainRuns started ${count.drainRuns.starts} times`);
  if (count.drainRuns.starts > 0 && count.pullRuns.starts === 0) problems.push(`${where}: drained without having served`);
  if (count.closeQueue.starts > 1) problems.push(`${where}: closeQueue started ${count.closeQueue.starts} times`);
  if (count.closeQueue.starts > 0 && alive('drainRuns') > 0) problems.push(`${where}: closing while runs drain`);
  return problems;
}

function replay(events: readonly WorkerEvent[]) {
  const count = counters();
  const actor = createActor(modelWorkerMachine(count)).start();
  const problems = checkInvariants(actor, count, 'start');
  for (const [index, event] of events.entries()) {
    actor.send(event);
    problems.push(...checkInvariants(actor, count, `after event ${index + 1} (${event.type})`));
  }
  return { actor, count, problems };
}

test('the graph covers every state of the worker machine', (t) => {
  const states = new Set(paths.map((path) => String(path.state.value)));
  t.deepEqual([...states].sort(), ['closing', 'connecting', 'draining', 'failed', 'serving', 'stopped']);
  t.log(`${paths.length} reachable states`);
});

test('on every path: the actors run exactly while their state lasts', (t) => {
  const problems = paths.flatMap((path) => replay(path.steps.map((step) => step.event)).problems);
  t.deepEqual(problems, []);
});

test('from every state that is not final: a stop, then the end of what is invoked, ends the worker keeping the first reason', (t) => {
  const problems: string[] = [];
  for (const path of paths.filter((candidate) => candidate.state.status !== 'done')) {
    const { actor } = replay(path.steps.map((step) => step.event));
    const before = actor.getSnapshot().context.stopReason;
    actor.send(stop('sigterm'));
    for (let guard = 0; guard < 5 && actor.getSnapshot().status === 'active'; guard++) {
      const invoked = INVOKED[String(actor.getSnapshot().value)] ?? [];
      for (const name of invoked) actor.send(done(name));
    }
    const snapshot = actor.getSnapshot();
    const where = JSON.stringify(path.steps.map((step) => step.event.type));
    if (snapshot.status !== 'done') problems.push(`${where}: still ${JSON.stringify(snapshot.value)}`);
    else if (!['stopped', 'failed'].includes(String(snapshot.value))) problems.push(`${where}: ended in ${String(snapshot.value)}`);
    if (snapshot.context.stopReason !== (before ?? 'sigterm')) problems.push(`${where}: stop reason ${snapshot.context.stopReason}`);
  }
  t.deepEqual(problems, []);
});

test('pulling that ends by itself is a failure the worker drains after, not a quiet stop', (t) => {
  const { actor } = replay([done('connectQueue'), done('pullRuns')]);
  t.is(actor.getSnapshot().value, 'draining');
  t.is(actor.getSnapshot().context.stopReason, 'crash');
  t.is(actor.getSnapshot().context.failure, 'pullRuns ended on its own');
});

test('a connection that fails ends the worker as failed, naming why', (t) => {
  const { actor } = replay([failure('connectQueue')]);
  t.is(actor.getSnapshot().value, 'failed');
  t.is(actor.getSnapshot().context.failure, 'connecting to JetStream failed: connectQueue broke');
});
