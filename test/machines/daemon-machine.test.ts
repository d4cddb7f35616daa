// The daemon machine, model-based: every state xstate/graph reaches (over http.listening, http.failed,
// daemon.stop and the done/error events of recoverState, drainRuns and flushReports) is replayed on a
// live actor whose actors are never-settling stand-ins that count their starts and stops; an observer
// checks after every event: the root actors live to the end, pollForge and sweepPeriodically run
// exactly while serving, recoverState once per listen, drainRuns at most once and never before
// recovery ended, flushReports only after draining. From every reachable state: a stop ends in
// `stopped` keeping the first reason and counting repeats; a recovery error ends in `failed`.
import test from 'ava';
import { createActor, fromCallback, fromPromise, type Actor } from 'xstate';
import { getShortestPaths } from 'xstate/graph';
import { daemonMachine, type DaemonContext, type DaemonEvent, type DaemonStopReason } from '../../src/machines/daemon.machine.js';

const CALLBACKS = ['superviseDaemon', 'serveHttp', 'deliverReports', 'pollForge', 'sweepPeriodically'] as const;
const PROMISES = ['recoverState', 'drainRuns', 'flushReports'] as const;
type ActorName = (typeof CALLBACKS)[number] | (typeof PROMISES)[number];
type Counters = Record<ActorName, { starts: number; stops: number }>;

function counters(): Counters {
  return Object.fromEntries([...CALLBACKS, ...PROMISES].map((name) => [name, { starts: 0, stops: 0 }])) as Counters;
}

/** The daemon machine with every actor a stand-in that never settles and counts its starts and stops. */
function modelDaemonMachine(count: Counters) {
  const callback = (name: ActorName) =>
    fromCallback<DaemonEvent, undefined>(() => {
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
  return daemonMachine.provide({
    actors: {
      superviseDaemon: callback('superviseDaemon'),
      serveHttp: callback('serveHttp'),
      deliverReports: callback('deliverReports'),
      pollForge: callback('pollForge'),
      sweepPeriodically: callback('sweepPeriodically'),
      recoverState: pending('recoverState'),
      drainRuns: pending('drainRuns'),
      flushReports: pending('flushReports'),
    },
  });
}

type DaemonActor = Actor<ReturnType<typeof modelDaemonMachine>>;

/**
 * recoverState, drainRuns and flushReports are invoked without an id, so xstate makes one up; their
 * done/error events carry it. Found here from a live actor's children (by src), not hard-coded.
 */
function discoverInvokeIds(): Record<(typeof PROMISES)[number], string> {
  const actor = createActor(modelDaemonMachine(counters())).start();
  const ids: Partial<Record<(typeof PROMISES)[number], string>> = {};
  const collect = () => {
    for (const [id, child] of Object.entries(actor.getSnapshot().children)) {
      const src = (child as { src?: unknown } | undefined)?.src;
      if (typeof src === 'string' && (PROMISES as readonly string[]).includes(src)) ids[src as (typeof PROMISES)[number]] = id;
    }
  };
  actor.send({ type: 'http.listening', url: 'http://discover' });
  collect();
  actor.send({ type: 'daemon.stop', reason: 'sigterm' });
  actor.send({ type: `xstate.done.actor.${ids.recoverState}` } as unknown as DaemonEvent);
  collect();
  actor.send({ type: `xstate.done.actor.${ids.drainRuns}` } as unknown as DaemonEvent);
  collect();
  actor.stop();
  for (const name of PROMISES) if (ids[name] === undefined) throw new Error(`test setup: no child actor of src ${name} found`);
  return ids as Record<(typeof PROMISES)[number], string>;
}

const IDS = discoverInvokeIds();
const done = (name: (typeof PROMISES)[number]) => ({ type: `xstate.done.actor.${IDS[name]}` }) as unknown as DaemonEvent;
const failure = (name: (typeof PROMISES)[number], error: unknown) =>
  ({ type: `xstate.error.actor.${IDS[name]}`, error }) as unknown as DaemonEvent;
const stop = (reason: DaemonStopReason): DaemonEvent => ({ type: 'daemon.stop', reason });

const valueOf = (actor: DaemonActor) => JSON.stringify(actor.getSnapshot().value);
const SERVING = JSON.stringify({ running: 'serving' });
const RECOVERING = JSON.stringify({ running: 'recovering' });
const DRAINING = JSON.stringify({ running: 'draining' });
const FLUSHING = JSON.stringify({ running: 'flushing' });

const URL = 'http://127.0.0.1:8470';
const OUTSIDE_EVENTS: DaemonEvent[] = [
  { type: 'http.listening', url: URL },
  { type: 'http.failed', message: 'listen EADDRINUSE: address already in use 127.0.0.1:8470' },
  stop('sigterm'),
  stop('sighup'),
];
const RECOVER_EVENTS = [done('recoverState'), failure('recoverState', new Error('the database is locked'))];
const DRAIN_EVENTS = [done('drainRuns'), failure('drainRuns', new Error('a run would not stop'))];
const FLUSH_EVENTS = [done('flushReports'), failure('flushReports', new Error('the forge is down'))];

/**
 * The events the world can send in a state: an invoked actor's done/error event only while it is
 * invoked (xstate turns an error event nobody handles into an error of the whole daemon actor).
 */
function drivingEvents(value: unknown): DaemonEvent[] {
  const state = JSON.stringify(value);
  return [
    ...OUTSIDE_EVENTS,
    ...(state === RECOVERING ? RECOVER_EVENTS : state === DRAINING ? DRAIN_EVENTS : state === FLUSHING ? FLUSH_EVENTS : []),
  ];
}

// stopsIgnored only counts repeats: leaving it out of the state's identity keeps the graph finite
const paths = getShortestPaths(daemonMachine, {
  events: (snapshot) => drivingEvents(snapshot.value),
  serializeState: (snapshot) => {
    const { stopsIgnored: _ignored, ...rest } = snapshot.context as DaemonContext;
    return JSON.stringify([snapshot.value, snapshot.status, rest]);
  },
});
const live = paths.filter((path) => path.state.status !== 'done');

function describeEvent(event: DaemonEvent): string {
  if (event.type === 'daemon.stop') return `daemon.stop(${event.reason})`;
  return event.type
    .replace(`.${IDS.recoverState}`, '.recoverState')
    .replace(`.${IDS.drainRuns}`, '.drainRuns')
    .replace(`.${IDS.flushReports}`, '.flushReports');
}

/** A live model actor and an observer checking the actor invariants after every event. */
class DaemonObserver {
  readonly count = counters();
  readonly actor: DaemonActor;
  readonly problems: string[] = [];
  readonly trail: string[] = [];
  /** Entries into each state value, as seen between events. */
  readonly entries = new Map<string, number>();
  stopSeen = false;
  /** Stops the live machine processed after the first one. */
  repeats = 0;
  recoveryEnded = false;
  drainEnded = false;

  constructor() {
    this.actor = createActor(modelDaemonMachine(this.count)).start();
    this.enter(valueOf(this.actor));
    this.check();
  }

  private enter(value: string): void {
    this.entries.set(value, (this.entries.get(value) ?? 0) + 1);
  }

  get where(): string {
    return this.trail.join(' > ') || '(start)';
  }

  send(event: DaemonEvent): void {
    const before = valueOf(this.actor);
    const active = this.actor.getSnapshot().status === 'active';
    if (active && event.type === 'daemon.stop') {
      if (this.stopSeen) this.repeats++;
      this.stopSeen = true;
    }
    this.trail.push(describeEvent(event));
    this.actor.send(event);
    const after = valueOf(this.actor);
    if (after !== before) {
      this.enter(after);
      if (before === RECOVERING) this.recoveryEnded = true;
      if (before === DRAINING) this.drainEnded = true;
    }
    this.check();
  }

  private expect(condition: boolean, what: string): void {
    if (!condition) this.problems.push(`${this.where}: ${what} (${JSON.stringify(this.count)})`);
  }

  private check(): void {
    const snapshot = this.actor.getSnapshot();
    const value = valueOf(this.actor);
    const finished = snapshot.status === 'done';
    for (const name of ['superviseDaemon', 'serveHttp', 'deliverReports'] as const) {
      this.expect(this.count[name].starts === 1, `${name} started once at the start`);
      this.expect(this.count[name].stops === (finished ? 1 : 0), `${name} stops exactly when the daemon ends`);
    }
    for (const name of ['pollForge', 'sweepPeriodically'] as const) {
      this.expect(this.count[name].starts - this.count[name].stops === (value === SERVING ? 1 : 0), `${name} runs exactly while serving`);
      this.expect(this.count[name].starts === (this.entries.get(SERVING) ?? 0), `${name} starts on each entry into serving`);
    }
    this.expect(this.count.recoverState.starts === (this.entries.get(RECOVERING) ?? 0), 'recoverState starts on entering recovering');
    this.expect(this.count.recoverState.starts <= 1, 'recoverState starts at most once');
    this.expect(this.count.drainRuns.starts <= 1, 'drainRuns starts at most once');
    this.expect(this.count.drainRuns.starts === (this.entries.get(DRAINING) ?? 0), 'drainRuns starts on entering draining');
    if (this.count.drainRuns.starts > 0) this.expect(this.recoveryEnded, 'drainRuns started only after recovering ended');
    this.expect(this.count.flushReports.starts <= 1, 'flushReports starts at most once');
    if (this.count.flushReports.starts > 0) this.expect(this.drainEnded, 'flushReports started only after draining ended');
    for (const name of PROMISES) {
      const running =
        (name === 'recoverState' && value === RECOVERING) ||
        (name === 'drainRuns' && value === DRAINING) ||
        (name === 'flushReports' && value === FLUSHING);
      this.expect(this.count[name].starts - this.count[name].stops === (running ? 1 : 0), `${name} is pending exactly in its state`);
    }
    if (snapshot.context.stopReason !== null) this.expect(value !== SERVING, 'never serving once a stop was asked');
    if (finished) this.expect(JSON.stringify(snapshot.output) === JSON.stringify(snapshot.context), 'the output is the context');
  }

  /** Completes whatever is pending on the way down, as the real actors eventually do. */
  settle(): void {
    for (let step = 0; step < 5 && this.actor.getSnapshot().status === 'active'; step++) {
      const value = valueOf(this.actor);
      if (value === RECOVERING) this.send(done('recoverState'));
      else if (value === DRAINING) this.send(done('drainRuns'));
      else if (value === FLUSHING) this.send(done('flushReports'));
      else return;
    }
  }
}

function replay(path: (typeof paths)[number]): DaemonObserver {
  const observer = new DaemonObserver();
  for (const step of path.steps.slice(1)) observer.send(step.event);
  if (valueOf(observer.actor) !== JSON.stringify(path.state.value)) {
    observer.problems.push(`${observer.where}: replay reached ${valueOf(observer.actor)}, the graph ${JSON.stringify(path.state.value)}`);
  }
  return observer;
}

test('the one-shot actors are invoked under their own names (their done/error events say which)', (t) => {
  t.deepEqual(IDS, { recoverState: 'recoverState', drainRuns: 'drainRuns', flushReports: 'flushReports' });
});

test('the model reaches every state, with and without a stop asked, and both final states', (t) => {
  const seen = new Set(
    paths.map(
      (path) => `${JSON.stringify(path.state.value)}/${(path.state.context as DaemonContext).stopReason === null ? 'no stop' : 'stop'}`,
    ),
  );
  t.deepEqual([...seen].sort(), [
    '"failed"/no stop',
    '"failed"/stop',
    '"listening"/no stop',
    '"stopped"/stop',
    '{"running":"draining"}/stop',
    '{"running":"flushing"}/stop',
    '{"running":"recovering"}/no stop',
    '{"running":"recovering"}/stop',
    '{"running":"serving"}/no stop',
  ]);
});

test('on every reachable path the actor invariants hold after every event', (t) => {
  const problems = paths.flatMap((path) => {
    const observer = replay(path);
    observer.actor.stop();
    return observer.problems;
  });
  t.deepEqual(problems, []);
});

for (const reason of ['sigterm', 'sigint', 'sighup', 'crash'] as const) {
  test(`a stop (${reason}) in every reachable state, a second one, and what is pending completing: stopped, first reason kept`, (t) => {
    for (const path of live) {
      const observer = replay(path);
      const first = observer.actor.getSnapshot().context.stopReason;
      const wasListening = valueOf(observer.actor) === JSON.stringify('listening');
      observer.send(stop(reason));
      observer.send(stop('sigint'));
      observer.settle();
      const snapshot = observer.actor.getSnapshot();
      t.is(snapshot.status, 'done', observer.where);
      t.is(snapshot.value, 'stopped', observer.where);
      t.is(snapshot.output?.stopReason, first ?? reason, observer.where);
      // a drain or flush that failed on the way is recorded, never hidden
      const failed = /xstate\.error\.actor\.(drainRuns|flushReports)/.exec(observer.where);
      t.is(
        snapshot.output?.failure,
        failed === null ? null : `${failed[1]} failed: ${failed[1] === 'drainRuns' ? 'a run would not stop' : 'the forge is down'}`,
        observer.where,
      );
      t.is(observer.count.drainRuns.starts, wasListening ? 0 : 1, `${observer.where}: drainRuns once per stop after listening`);
      t.is(observer.count.flushReports.starts, wasListening ? 0 : 1, `${observer.where}: flushReports once`);
      t.deepEqual(observer.problems, []);
      observer.actor.stop();
    }
  });
}

test('from every reachable state, every stop the live machine receives after the first is counted in stopsIgnored', (t) => {
  const miscounted: string[] = [];
  for (const path of live) {
    const observer = replay(path);
    const before = observer.actor.getSnapshot().context.stopsIgnored;
    const repeatsBefore = observer.repeats;
    observer.send(stop('sigterm'));
    observer.send(stop('sigint'));
    observer.send(stop('sighup'));
    observer.settle();
    const counted = observer.actor.getSnapshot().output?.stopsIgnored;
    // the path itself may have counted stops already; what matters is the count of this step's repeats on top
    const expected = before + (observer.repeats - repeatsBefore);
    if (counted !== expected) miscounted.push(`${observer.where}: stopsIgnored ${counted}, expected ${expected}`);
    observer.actor.stop();
  }
  t.deepEqual(miscounted, []);
});

test('a recovery error, from every reachable state in recovering, ends in failed with the failure text and no draining', (t) => {
  const recovering = live.filter((path) => JSON.stringify(path.state.value) === RECOVERING);
  t.is(recovering.length, 3, 'recovering without a stop, with a sigterm and with a sighup asked');
  for (const [error, text] of [
    [new Error('the database is locked'), 'the database is locked'],
    ['not an Error', 'not an Error'],
  ] as const) {
    for (const path of recovering) {
      const observer = replay(path);
      observer.send(failure('recoverState', error));
      const snapshot = observer.actor.getSnapshot();
      t.is(snapshot.status, 'done', observer.where);
      t.is(snapshot.value, 'failed', observer.where);
      t.is(snapshot.output?.failure, `recovering the daemon state failed: ${text}`, observer.where);
      t.is(snapshot.output?.url, URL, observer.where);
      t.is(observer.count.drainRuns.starts, 0, observer.where);
      t.is(observer.count.pollForge.starts, 0, observer.where);
      t.deepEqual(observer.problems, []);
      observer.actor.stop();
    }
  }
});

test('http.failed while listening ends in failed with the failure text; nothing is recovered', (t) => {
  const observer = new DaemonObserver();
  observer.send({ type: 'http.failed', message: 'listen EADDRINUSE: address already in use 127.0.0.1:8470' });
  const snapshot = observer.actor.getSnapshot();
  t.is(snapshot.status, 'done');
  t.is(snapshot.value, 'failed');
  t.deepEqual(snapshot.output, {
    url: null,
    stopReason: null,
    failure: 'the HTTP server cannot listen: listen EADDRINUSE: address already in use 127.0.0.1:8470',
    stopsIgnored: 0,
  });
  t.is(observer.count.recoverState.starts, 0);
  t.deepEqual(observer.problems, []);
});

test('a stop while listening ends in stopped without recovering, draining or flushing', (t) => {
  const observer = new DaemonObserver();
  observer.send(stop('sigint'));
  const snapshot = observer.actor.getSnapshot();
  t.is(snapshot.value, 'stopped');
  t.deepEqual(snapshot.output, { url: null, stopReason: 'sigint', failure: null, stopsIgnored: 0 });
  t.deepEqual([observer.count.recoverState.starts, observer.count.drainRuns.starts, observer.count.flushReports.starts], [0, 0, 0]);
  t.deepEqual(observer.problems, []);
});

test('a stop during recovery waits for it, then drains without serving', (t) => {
  const observer = new DaemonObserver();
  observer.send({ type: 'http.listening', url: URL });
  observer.send(stop('sigterm'));
  t.is(valueOf(observer.actor), RECOVERING);
  t.is(observer.count.drainRuns.starts, 0, 'no drain before recovery ends');
  observer.send(done('recoverState'));
  t.is(valueOf(observer.actor), DRAINING);
  t.is(observer.count.pollForge.starts, 0);
  observer.settle();
  t.deepEqual(observer.actor.getSnapshot().output, { url: URL, stopReason: 'sigterm', failure: null, stopsIgnored: 0 });
  t.deepEqual(observer.problems, []);
});

test('the whole life: listen, recover, serve, stop, a second signal while draining, flush, stopped', (t) => {
  const observer = new DaemonObserver();
  observer.send({ type: 'http.listening', url: URL });
  observer.send(done('recoverState'));
  t.is(valueOf(observer.actor), SERVING);
  t.deepEqual([observer.count.pollForge.starts, observer.count.sweepPeriodically.starts], [1, 1]);
  observer.send(stop('sigterm'));
  t.deepEqual([observer.count.pollForge.stops, observer.count.sweepPeriodically.stops], [1, 1]);
  observer.send(stop('sigint'));
  t.is(valueOf(observer.actor), DRAINING);
  observer.send(done('drainRuns'));
  t.is(valueOf(observer.actor), FLUSHING);
  observer.send(done('flushReports'));
  t.deepEqual(observer.actor.getSnapshot().output, { url: URL, stopReason: 'sigterm', failure: null, stopsIgnored: 1 });
  t.deepEqual(observer.problems, []);
});

test('a failed drain still flushes, and a failed flush still stops (not failed); the failure is recorded', (t) => {
  const observer = new DaemonObserver();
  observer.send({ type: 'http.listening', url: URL });
  observer.send(done('recoverState'));
  observer.send(stop('sighup'));
  observer.send(failure('drainRuns', new Error('a run would not stop')));
  t.is(valueOf(observer.actor), FLUSHING);
  observer.send(failure('flushReports', new Error('the forge is down')));
  t.is(observer.actor.getSnapshot().value, 'stopped');
  t.deepEqual(observer.actor.getSnapshot().output, {
    url: URL,
    stopReason: 'sighup',
    failure: 'drainRuns failed: a run would not stop',
    stopsIgnored: 0,
  });
  t.deepEqual(observer.problems, []);
});
