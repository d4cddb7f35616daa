// The run queue, model-based: every state xstate/graph can reach over a small alphabet (and, from
// each, a cancel of every id and a full shutdown), plus seeded random walks over a larger one, are
// replayed on a live actor; an observer keeps its own model of every accepted item and checks after
// every step: capacity, FIFO, exactly one final per accepted item, no start after shutdown, one item
// per key, positions, duplicates. The example tests at the end read as the queue's documentation.
import test, { type ExecutionContext } from 'ava';
import { createActor, type Actor } from 'xstate';
import { getShortestPaths } from 'xstate/graph';
import {
  admit,
  positionsOf,
  queueMachine,
  settle,
  type QueueContext,
  type QueueEmitted,
  type QueueEvent,
  type QueueItem,
} from '../../src/machines/queue.machine.js';

type Snapshot = ReturnType<Actor<typeof queueMachine>['getSnapshot']>;
type Outcome = 'ran' | 'stopped' | 'cancelled' | 'held';

/** One acceptance of an item, as the observer sees it. */
interface Episode {
  readonly item: QueueItem;
  readonly seq: number;
  phase: 'waiting' | 'running' | 'final';
  stopAsked: boolean;
  outcome: Outcome | null;
}

const ids = (items: readonly { readonly id: string }[]) => items.map((item) => item.id);
const same = (left: unknown, right: unknown) => JSON.stringify(left) === JSON.stringify(right);

function describe(event: QueueEvent): string {
  return event.type === 'enqueue' ? `enqueue(${event.item.id})` : event.type === 'shutdown' ? 'shutdown' : `${event.type}(${event.id})`;
}

/** A live queue actor plus an independent model of what it must do; `problems` lists every broken invariant. */
class QueueObserver {
  readonly actor: Actor<typeof queueMachine>;
  readonly problems: string[] = [];
  readonly all: QueueEmitted[] = [];
  private readonly trail: string[] = [];
  private readonly episodes: Episode[] = [];
  private readonly active = new Map<string, Episode>();
  private readonly starts: Episode[] = [];
  private emitted: QueueEmitted[] = [];
  private shutdownSent = false;
  private startCount = 0;
  private endedOfStarted = 0;

  constructor(readonly maxTests: number) {
    this.actor = createActor(queueMachine, { input: { maxTests } });
    this.actor.on('*', (emitted) => {
      this.emitted.push(emitted);
      this.all.push(emitted);
    });
    this.actor.start();
  }

  get snapshot(): Snapshot {
    return this.actor.getSnapshot();
  }

  /** Events sent so far. */
  get steps(): number {
    return this.trail.length;
  }

  outcomes(): Record<Outcome | 'unfinished', number> {
    const counts = { ran: 0, stopped: 0, cancelled: 0, held: 0, unfinished: 0 };
    for (const episode of this.episodes) counts[episode.outcome ?? 'unfinished']++;
    return counts;
  }

  send(event: QueueEvent): QueueEmitted[] {
    const before = this.snapshot;
    this.emitted = [];
    this.trail.push(describe(event));
    if (before.status === 'done') this.fail('sent an event to a stopped queue (test bug)');
    this.actor.send(event);
    const emitted = this.emitted;
    this.checkStep(event, before, emitted, this.snapshot);
    return emitted;
  }

  /** Shutdown, then end every run still going: the queue must stop with every accepted item final exactly once. */
  shutdownAndDrain(): void {
    if (this.snapshot.status !== 'done') this.send({ type: 'shutdown' });
    for (const id of ids(this.snapshot.context.running)) this.send({ type: 'run.ended', id });
    const snapshot = this.snapshot;
    if (snapshot.status !== 'done' || snapshot.value !== 'stopped')
      this.fail(`not stopped after the last run ended: ${JSON.stringify(snapshot.value)}`);
    const unfinished = this.episodes.filter((episode) => episode.outcome === null);
    if (unfinished.length > 0) this.fail(`accepted but never final: ${ids(unfinished.map((episode) => episode.item))}`);
  }

  private fail(message: string): void {
    this.problems.push(`[maxTests ${this.maxTests}] ${this.trail.join(' > ')}: ${message}`);
  }

  private finalize(episode: Episode, outcome: Outcome): void {
    episode.phase = 'final';
    episode.outcome = outcome;
    this.active.delete(episode.item.id);
  }

  private checkStep(event: QueueEvent, before: Snapshot, emitted: QueueEmitted[], after: Snapshot): void {
    const wasOpen = before.value === 'open';
    const count = (type: QueueEmitted['type'], id?: string) =>
      emitted.filter((out) => out.type === type && (id === undefined || ('item' in out && out.item.id === id))).length;
    const known = 'id' in event ? this.active.get(event.id) : undefined;

    // what this event must cause, judged from the model before it
    if (event.type === 'enqueue') {
      const key = event.item.key;
      const holder = [...before.context.running, ...before.context.waiting].find((item) => item.key === key);
      if (!wasOpen) {
        if (before.value === 'draining' && (emitted.length !== 1 || count('refused', event.item.id) !== 1))
          this.fail(`enqueue while draining must only be refused: ${JSON.stringify(emitted)}`);
      } else if (holder) {
        if (count('duplicate', event.item.id) !== 1 || count('accepted', event.item.id) !== 0)
          this.fail(`key ${key} is held by ${holder.id}: one duplicate, no accept expected`);
      } else if (count('accepted', event.item.id) !== 1 || count('duplicate') !== 0) {
        this.fail(`key ${key} is free: one accept, no duplicate expected`);
      }
    } else if (event.type === 'run.ended') {
      if (known?.phase === 'running') {
        this.endedOfStarted++;
        if (count('finished', event.id) !== 1) this.fail(`run.ended(${event.id}) of a running item: one finished expected`);
      } else if (emitted.length > 0 || !same(before.context, after.context)) {
        this.fail(`run.ended(${event.id}) of an item that is not running must be ignored`);
      }
    } else if (event.type === 'cancel') {
      const expected = known?.phase === 'waiting' ? 'finished' : known?.phase === 'running' && !known.stopAsked ? 'stop' : null;
      if (expected === null && emitted.length > 0) this.fail(`cancel(${event.id}) must do nothing here: ${JSON.stringify(emitted)}`);
      if (expected !== null && count(expected, event.id) !== 1) this.fail(`cancel(${event.id}): one ${expected} expected`);
    } else if (wasOpen) {
      const held = emitted.filter((out) => out.type === 'held').map((out) => (out as { item: QueueItem }).item);
      const stops = emitted.filter((out) => out.type === 'stop').map((out) => (out as { item: QueueItem }).item);
      if (!same(ids(held), ids(before.context.waiting))) this.fail(`held ${ids(held)}, waiting was ${ids(before.context.waiting)}`);
      const toStop = before.context.running.filter((item) => !before.context.stopping.includes(item.id));
      if (!same(ids(stops), ids(toStop))) this.fail(`stopped ${ids(stops)} at shutdown, expected ${ids(toStop)}`);
    }
    if (event.type === 'shutdown') this.shutdownSent = true;

    // replay what was emitted on the model
    let positions = 0;
    for (const out of emitted) {
      switch (out.type) {
        case 'accepted': {
          if (event.type !== 'enqueue' || !same(out.item, event.item)) this.fail(`accepted ${out.item.id} on ${describe(event)}`);
          if (!wasOpen) this.fail(`accepted ${out.item.id} after shutdown`);
          if (this.active.has(out.item.id)) this.fail(`accepted ${out.item.id} while it is already waiting or running`);
          if (out.position !== before.context.waiting.length + 1)
            this.fail(`accepted ${out.item.id} at position ${out.position}, ${before.context.waiting.length} were waiting`);
          const episode: Episode = { item: out.item, seq: this.episodes.length, phase: 'waiting', stopAsked: false, outcome: null };
          this.episodes.push(episode);
          this.active.set(out.item.id, episode);
          break;
        }
        case 'duplicate': {
          if (event.type !== 'enqueue' || !same(out.item, event.item)) this.fail(`duplicate ${out.item.id} on ${describe(event)}`);
          const ofState = before.context.running.includes(out.of) ? 'running' : before.context.waiting.includes(out.of) ? 'waiting' : null;
          if (out.of.key !== out.item.key || ofState !== out.ofState)
            this.fail(`duplicate ${out.item.id} of ${out.of.id} (${out.ofState}), which is ${ofState}`);
          break;
        }
        case 'refused':
          if (event.type !== 'enqueue' || before.value !== 'draining' || out.reason !== 'shutting-down')
            this.fail(`refused ${out.item.id} on ${describe(event)} in ${before.value}`);
          break;
        case 'start': {
          const episode = this.active.get(out.item.id);
          if (episode?.phase !== 'waiting') this.fail(`start of ${out.item.id}, which is not a waiting accepted item`);
          if (this.shutdownSent) this.fail(`start of ${out.item.id} after shutdown`);
          if (episode) {
            episode.phase = 'running';
            this.starts.push(episode);
          }
          this.startCount++;
          if (this.startCount - this.endedOfStarted > this.maxTests)
            this.fail(`${this.startCount} starts, ${this.endedOfStarted} ended: over capacity`);
          break;
        }
        case 'stop': {
          const episode = this.active.get(out.item.id);
          if (episode?.phase !== 'running' || episode.stopAsked)
            this.fail(`stop of ${out.item.id}, which is not running or already stopping`);
          if (episode) episode.stopAsked = true;
          break;
        }
        case 'positions':
          positions++;
          if (!same(out.waiting, positionsOf(after.context.waiting)))
            this.fail(`positions ${JSON.stringify(out.waiting)} vs waiting ${ids(after.context.waiting)}`);
          break;
        case 'finished': {
          const episode = this.active.get(out.item.id);
          if (!episode) {
            this.fail(
              `finished(${out.outcome}) for ${out.item.id}, which is not an accepted item still pending (never accepted, or final already)`,
            );
            break;
          }
          const ending = event.type === 'run.ended' && event.id === out.item.id;
          const right =
            out.outcome === 'cancelled'
              ? episode.phase === 'waiting' && event.type === 'cancel' && event.id === out.item.id
              : out.outcome === 'stopped'
                ? episode.phase === 'running' && episode.stopAsked && ending
                : episode.phase === 'running' && !episode.stopAsked && ending;
          if (!right)
            this.fail(
              `finished(${out.outcome}) for ${out.item.id} (${episode.phase}, stop asked: ${episode.stopAsked}) on ${describe(event)}`,
            );
          this.finalize(episode, out.outcome);
          break;
        }
        case 'held': {
          const episode = this.active.get(out.item.id);
          if (!episode || episode.phase !== 'waiting' || event.type !== 'shutdown') {
            this.fail(`held ${out.item.id}, not a waiting accepted item at shutdown`);
            break;
          }
          this.finalize(episode, 'held');
          break;
        }
      }
    }

    // positions exactly when the waiting list changed (a shutdown holds instead)
    const moved = !same(ids(before.context.waiting), ids(after.context.waiting)) && event.type !== 'shutdown';
    if (positions !== (moved ? 1 : 0)) this.fail(`${positions} positions events, waiting ${moved ? 'changed' : 'unchanged'}`);

    this.checkSnapshot(after);
  }

  private checkSnapshot(snapshot: Snapshot): void {
    const { context } = snapshot;
    if (context.running.length > this.maxTests) this.fail(`${context.running.length} running, maxTests ${this.maxTests}`);
    const keys = [...context.waiting, ...context.running].map((item) => item.key);
    if (new Set(keys).size !== keys.length) this.fail(`a key waits or runs twice: ${keys}`);
    const live = [...this.active.values()];
    const waiting = live.filter((episode) => episode.phase === 'waiting').sort((left, right) => left.seq - right.seq);
    const running = this.starts.filter((episode) => episode.phase === 'running');
    if (!same(ids(context.waiting), ids(waiting.map((episode) => episode.item))))
      this.fail(`waiting ${ids(context.waiting)}, model ${ids(waiting.map((episode) => episode.item))}`);
    if (!same(ids(context.running), ids(running.map((episode) => episode.item))))
      this.fail(`running ${ids(context.running)}, model ${ids(running.map((episode) => episode.item))}`);
    const stopping = running.filter((episode) => episode.stopAsked).map((episode) => episode.item.id);
    if (!same([...context.stopping].sort(), stopping.sort())) this.fail(`stopping ${context.stopping}, model ${stopping}`);
    // FIFO: what started, then what still waits, is what was accepted minus the cancelled and the held
    const kept = this.episodes
      .filter((episode) => episode.outcome !== 'cancelled' && episode.outcome !== 'held')
      .map((episode) => episode.seq);
    const order = [...this.starts, ...waiting].map((episode) => episode.seq);
    if (!same(order, kept)) this.fail(`start order ${order} is not acceptance order ${kept}`);
    if (snapshot.value === 'open' && context.running.length < this.maxTests && context.waiting.length > 0)
      this.fail('a run slot is free while something waits');
    if (this.shutdownSent) {
      if (snapshot.value === 'open') this.fail('still open after shutdown');
      if (context.waiting.length > 0) this.fail(`still waiting after shutdown: ${ids(context.waiting)}`);
      if (context.stopping.length !== context.running.length) this.fail('a run was not asked to stop at shutdown');
    } else if (snapshot.value !== 'open') {
      this.fail(`${snapshot.value} without a shutdown`);
    }
    const shouldStop = this.shutdownSent && context.running.length === 0;
    if ((snapshot.value === 'stopped') !== shouldStop || (snapshot.status === 'done') !== shouldStop)
      this.fail(`${snapshot.value}/${snapshot.status} with ${context.running.length} running`);
    if (snapshot.status === 'done' && !same(snapshot.output, context)) this.fail('output is not the final context');
  }
}

// ---------------------------------------------------------------------------------------------
// 1. Every reachable state over a bounded alphabet: a, b, c, d, where c asks for the same PR as a.

const ITEMS: Record<'a' | 'b' | 'c' | 'd', QueueItem> = {
  a: { id: 'a', key: 'coop/web#1' },
  b: { id: 'b', key: 'coop/web#2' },
  c: { id: 'c', key: 'coop/web#1' },
  d: { id: 'd', key: 'coop/db#7' },
};
const IDS = Object.keys(ITEMS);
const ALPHABET: QueueEvent[] = [
  ...Object.values(ITEMS).map((item) => ({ type: 'enqueue' as const, item })),
  ...IDS.flatMap((id) => [
    { type: 'run.ended' as const, id },
    { type: 'cancel' as const, id },
  ]),
  { type: 'shutdown' },
];
const MINIMUM_STATES: Record<number, number> = { 1: 50, 2: 120 };

function replay(maxTests: number, events: readonly QueueEvent[]): QueueObserver {
  const observer = new QueueObserver(maxTests);
  for (const event of events) observer.send(event);
  return observer;
}

function report(t: ExecutionContext, problems: string[]): void {
  t.is(problems.length, 0, problems.slice(0, 8).join('\n'));
}

for (const maxTests of [1, 2]) {
  // the limit turns an unbounded context (a bug) into a failure instead of a hang
  const paths = getShortestPaths(queueMachine, { input: { maxTests }, events: ALPHABET, limit: 50_000 });
  const reachable = paths.map((path) => ({ state: path.state, events: path.steps.slice(1).map((step) => step.event) }));
  const contexts = reachable.map((path) => path.state.context as QueueContext);

  test(`maxTests ${maxTests}: the graph reaches a non-trivial state space (${reachable.length} states)`, (t) => {
    t.log(`${reachable.length} reachable states, longest shortest path ${Math.max(...reachable.map((path) => path.events.length))} events`);
    t.true(reachable.length >= MINIMUM_STATES[maxTests]!, `${reachable.length} states`);
    // three distinct keys: as many wait as the free slots leave
    t.true(
      contexts.some((context) => context.waiting.length >= 3 - maxTests),
      'a queue as long as the keys allow',
    );
    t.true(
      contexts.some((context) => context.running.length === maxTests && context.waiting.length > 0),
      'full with a queue',
    );
    t.true(
      reachable.some((path) => path.state.value === 'open' && (path.state.context as QueueContext).stopping.length > 0),
      'a cancelled run still running',
    );
    t.true(
      reachable.some((path) => path.state.value === 'draining'),
      'draining',
    );
    t.true(
      reachable.some((path) => path.state.value === 'stopped'),
      'stopped',
    );
    t.true(
      contexts.some((context) => [...context.waiting, ...context.running].some((item) => item.id === 'c')),
      'c accepted once a is gone',
    );
  });

  test(`maxTests ${maxTests}: every reachable state, replayed on a live actor, keeps every invariant`, (t) => {
    const problems: string[] = [];
    for (const path of reachable) {
      const observer = replay(maxTests, path.events);
      problems.push(...observer.problems);
      const snapshot = observer.snapshot;
      if (snapshot.value !== path.state.value || !same(snapshot.context, path.state.context))
        problems.push(`replay of ${path.events.map(describe)} diverged from the graph`);
    }
    report(t, problems);
  });

  test(`maxTests ${maxTests}: from every reachable state, a cancel of each id keeps every invariant and still drains`, (t) => {
    const problems: string[] = [];
    let cancels = 0;
    const outcomes = { ran: 0, stopped: 0, cancelled: 0, held: 0, unfinished: 0 };
    for (const path of reachable.filter((candidate) => candidate.state.status !== 'done')) {
      for (const id of [...IDS, 'nobody']) {
        const observer = replay(maxTests, path.events);
        observer.send({ type: 'cancel', id });
        observer.send({ type: 'cancel', id }); // a repeat changes nothing
        observer.shutdownAndDrain();
        problems.push(...observer.problems);
        for (const [outcome, n] of Object.entries(observer.outcomes())) outcomes[outcome as keyof typeof outcomes] += n;
        cancels++;
      }
    }
    t.log(`${cancels} cancel replays, finals: ${JSON.stringify(outcomes)}`);
    report(t, problems);
    t.true(outcomes.cancelled > 0 && outcomes.stopped > 0);
  });

  test(`maxTests ${maxTests}: from every reachable state, shutdown then the end of every run stops the queue with each accepted item final exactly once`, (t) => {
    const problems: string[] = [];
    const outcomes = { ran: 0, stopped: 0, cancelled: 0, held: 0, unfinished: 0 };
    for (const path of reachable) {
      const observer = replay(maxTests, path.events);
      observer.shutdownAndDrain();
      problems.push(...observer.problems);
      for (const [outcome, n] of Object.entries(observer.outcomes())) outcomes[outcome as keyof typeof outcomes] += n;
      const output = observer.snapshot.output;
      if (!output || output.waiting.length + output.running.length + output.stopping.length > 0)
        problems.push(`output not empty: ${JSON.stringify(output)}`);
    }
    t.log(`finals over all drains: ${JSON.stringify(outcomes)}`);
    report(t, problems);
    t.is(outcomes.unfinished, 0);
    // a shortest path never lets a run end by itself nor cancels a waiting item (the state after it is
    // reachable without it): the cancel test above and the next test cover those
    for (const outcome of ['stopped', 'held'] as const) t.true(outcomes[outcome] > 0, `some ${outcome}`);
  });

  test(`maxTests ${maxTests}: from every reachable state, letting every run end by itself starts the rest in order, then shutdown stops the queue`, (t) => {
    const problems: string[] = [];
    let ran = 0;
    for (const path of reachable.filter((candidate) => candidate.state.status !== 'done')) {
      const observer = replay(maxTests, path.events);
      const open = path.state.value === 'open';
      for (let guard = 0; guard < 10 && observer.snapshot.context.running.length > 0; guard++) {
        observer.send({ type: 'run.ended', id: observer.snapshot.context.running[0]!.id });
      }
      if (open && observer.snapshot.context.waiting.length + observer.snapshot.context.running.length > 0)
        problems.push(`${path.events.map(describe)}: runs left after ending them all`);
      observer.shutdownAndDrain();
      problems.push(...observer.problems);
      ran += observer.outcomes().ran;
    }
    t.log(`${ran} runs ended by themselves`);
    report(t, problems);
    t.true(ran > reachable.length / 2);
  });
}

// ---------------------------------------------------------------------------------------------
// 2. Seeded random walks: fresh ids, five PRs, maxTests 1..3.

function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
}

const WALKS = 300;
const STEPS = 40;
const KEYS = ['coop/web#1', 'coop/web#2', 'coop/db#3', 'coop/mail#4', 'coop/wiki#5'];

function walk(seed: number, maxTests: number): QueueObserver {
  const random = mulberry32(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const observer = new QueueObserver(maxTests);
  const seen: string[] = ['ghost'];
  for (let step = 0; step < STEPS && observer.snapshot.status !== 'done'; step++) {
    const { running, waiting } = observer.snapshot.context;
    const roll = random();
    let event: QueueEvent;
    if (roll < 0.4) {
      const item = { id: `r${seed}-${step}`, key: pick(KEYS) };
      seen.push(item.id);
      event = { type: 'enqueue', item };
    } else if (roll < 0.7) {
      event = { type: 'run.ended', id: running.length > 0 && random() < 0.8 ? pick(ids(running)) : pick(seen) };
    } else if (roll < 0.96) {
      const target = random();
      event = {
        type: 'cancel',
        id: waiting.length > 0 && target < 0.4 ? pick(ids(waiting)) : running.length > 0 && target < 0.6 ? pick(ids(running)) : pick(seen),
      };
    } else {
      event = { type: 'shutdown' };
    }
    observer.send(event);
  }
  return observer;
}

test(`${WALKS} seeded random walks of ${STEPS} steps (maxTests 1..3) keep every invariant after every step, and all drain`, (t) => {
  const problems: string[] = [];
  const totals = {
    walks: 0,
    steps: 0,
    accepted: 0,
    duplicate: 0,
    refused: 0,
    start: 0,
    stop: 0,
    ran: 0,
    stopped: 0,
    cancelled: 0,
    held: 0,
  };
  for (let index = 0; index < WALKS; index++) {
    const observer = walk(0x5eed + index * 7919, 1 + (index % 3));
    totals.walks++;
    totals.steps += observer.steps;
    observer.shutdownAndDrain();
    problems.push(...observer.problems);
    for (const out of observer.all) {
      if (out.type === 'finished') totals[out.outcome]++;
      else if (out.type in totals) totals[out.type as 'accepted' | 'duplicate' | 'refused' | 'start' | 'stop' | 'held']++;
    }
  }
  t.log(JSON.stringify(totals));
  report(t, problems);
  // the walks must actually exercise the queue, or the invariants above prove nothing
  t.is(totals.walks, WALKS);
  t.true(totals.accepted > 1000);
  t.true(totals.duplicate > 100);
  t.true(totals.refused > 10);
  t.true(totals.cancelled > 100);
  t.true(totals.stopped > 100);
  t.true(totals.held > 50);
  t.is(totals.ran + totals.stopped + totals.cancelled + totals.held, totals.accepted);
});

test('random walks are deterministic: the same seed gives the same emitted events', (t) => {
  t.deepEqual(walk(42, 2).all, walk(42, 2).all);
  t.notDeepEqual(walk(42, 2).all, walk(43, 2).all);
});

// ---------------------------------------------------------------------------------------------
// 3. Examples.

const item = (id: string, key = `coop/${id}#1`): QueueItem => ({ id, key });
const enqueue = (queued: QueueItem): QueueEvent => ({ type: 'enqueue', item: queued });

function queue(maxTests: number) {
  const observer = new QueueObserver(maxTests);
  return { observer, send: (event: QueueEvent) => observer.send(event), context: () => observer.snapshot.context };
}

test('maxTests 1, three requests: one starts, two wait at positions 1 and 2; the first ends, the second starts', (t) => {
  const { observer, send, context } = queue(1);
  t.deepEqual(send(enqueue(item('a'))), [
    { type: 'accepted', item: item('a'), position: 1 },
    { type: 'start', item: item('a') },
  ]);
  t.deepEqual(send(enqueue(item('b'))), [
    { type: 'accepted', item: item('b'), position: 1 },
    { type: 'positions', waiting: [{ id: 'b', position: 1 }] },
  ]);
  t.deepEqual(send(enqueue(item('c'))), [
    { type: 'accepted', item: item('c'), position: 2 },
    {
      type: 'positions',
      waiting: [
        { id: 'b', position: 1 },
        { id: 'c', position: 2 },
      ],
    },
  ]);
  t.deepEqual(send({ type: 'run.ended', id: 'a' }), [
    { type: 'finished', item: item('a'), outcome: 'ran' },
    { type: 'start', item: item('b') },
    { type: 'positions', waiting: [{ id: 'c', position: 1 }] },
  ]);
  t.deepEqual(ids(context().running), ['b']);
  t.deepEqual(observer.problems, []);
});

test('maxTests 2: two requests start at once, the third waits for a free slot', (t) => {
  const { observer, send, context } = queue(2);
  send(enqueue(item('a')));
  send(enqueue(item('b')));
  send(enqueue(item('c')));
  t.deepEqual(ids(context().running), ['a', 'b']);
  t.deepEqual(ids(context().waiting), ['c']);
  t.deepEqual(
    send({ type: 'run.ended', id: 'b' }).map((out) => out.type),
    ['finished', 'start', 'positions'],
  );
  t.deepEqual(ids(context().running), ['a', 'c']);
  t.deepEqual(observer.problems, []);
});

test('a second request for the same PR is a duplicate while the first waits or runs, and accepted once it is final', (t) => {
  const { observer, send } = queue(1);
  const first = item('a', 'coop/web#1');
  const other = item('b', 'coop/web#2');
  const again = item('a2', 'coop/web#1');
  send(enqueue(first));
  send(enqueue(other));
  t.deepEqual(send(enqueue(again)), [{ type: 'duplicate', item: again, of: first, ofState: 'running' }]);
  const otherAgain = item('b2', 'coop/web#2');
  t.deepEqual(send(enqueue(otherAgain)), [{ type: 'duplicate', item: otherAgain, of: other, ofState: 'waiting' }]);
  send({ type: 'run.ended', id: 'a' });
  t.deepEqual(send(enqueue(again)), [
    { type: 'accepted', item: again, position: 1 },
    { type: 'positions', waiting: [{ id: 'a2', position: 1 }] },
  ]);
  t.deepEqual(observer.problems, []);
});

test('cancel: a waiting request is removed (finished cancelled, positions renumbered); a running one is asked to stop once and ends as stopped', (t) => {
  const { observer, send, context } = queue(1);
  for (const id of ['a', 'b', 'c']) send(enqueue(item(id)));
  t.deepEqual(send({ type: 'cancel', id: 'b' }), [
    { type: 'finished', item: item('b'), outcome: 'cancelled' },
    { type: 'positions', waiting: [{ id: 'c', position: 1 }] },
  ]);
  t.deepEqual(send({ type: 'cancel', id: 'a' }), [{ type: 'stop', item: item('a') }]);
  t.deepEqual(send({ type: 'cancel', id: 'a' }), [], 'a repeat cancel does nothing');
  t.deepEqual(send({ type: 'cancel', id: 'nobody' }), [], 'an unknown id does nothing');
  t.deepEqual(context().stopping, ['a']);
  t.deepEqual(send({ type: 'run.ended', id: 'a' }), [
    { type: 'finished', item: item('a'), outcome: 'stopped' },
    { type: 'start', item: item('c') },
    { type: 'positions', waiting: [] },
  ]);
  t.deepEqual(observer.problems, []);
});

test('run.ended of an id that is not running is ignored', (t) => {
  const { observer, send, context } = queue(1);
  send(enqueue(item('a')));
  send(enqueue(item('b')));
  const before = context();
  t.deepEqual(send({ type: 'run.ended', id: 'b' }), [], 'b only waits');
  t.deepEqual(send({ type: 'run.ended', id: 'ghost' }), []);
  t.is(context(), before);
  t.deepEqual(observer.problems, []);
});

test('shutdown: waiting requests are held in order, running ones asked to stop, new ones refused; stopped after the last run ends', (t) => {
  const { observer, send } = queue(2);
  for (const id of ['a', 'b', 'c', 'd']) send(enqueue(item(id)));
  send({ type: 'cancel', id: 'b' }); // already stopping: not asked twice
  t.deepEqual(send({ type: 'shutdown' }), [
    { type: 'held', item: item('c') },
    { type: 'held', item: item('d') },
    { type: 'stop', item: item('a') },
  ]);
  t.is(observer.snapshot.value, 'draining');
  t.deepEqual(send(enqueue(item('e'))), [{ type: 'refused', item: item('e'), reason: 'shutting-down' }]);
  t.deepEqual(send({ type: 'cancel', id: 'a' }), []);
  t.deepEqual(send({ type: 'run.ended', id: 'a' }), [{ type: 'finished', item: item('a'), outcome: 'stopped' }]);
  t.is(observer.snapshot.value, 'draining');
  t.deepEqual(send({ type: 'run.ended', id: 'b' }), [{ type: 'finished', item: item('b'), outcome: 'stopped' }]);
  t.is(observer.snapshot.status, 'done');
  t.deepEqual(observer.snapshot.output, { maxTests: 2, waiting: [], running: [], stopping: [] });
  t.deepEqual(observer.problems, []);
});

test('shutdown with nothing running stops at once', (t) => {
  const { observer, send } = queue(1);
  t.deepEqual(send({ type: 'shutdown' }), []);
  t.is(observer.snapshot.value, 'stopped');
  t.is(observer.snapshot.status, 'done');
});

test('maxTests must be an integer >= 1', (t) => {
  for (const maxTests of [0, -1, 1.5, Number.NaN]) {
    const actor = createActor(queueMachine, { input: { maxTests } });
    let error: unknown;
    actor.subscribe({ error: (caught) => (error = caught) });
    actor.start();
    t.is(actor.getSnapshot().status, 'error', String(maxTests));
    t.true(error instanceof RangeError, String(maxTests));
  }
});

// ---------------------------------------------------------------------------------------------
// 4. The pure helpers.

const lists = (maxTests: number, waiting: string[], running: string[]): QueueContext => ({
  maxTests,
  waiting: waiting.map((id) => item(id)),
  running: running.map((id) => item(id)),
  stopping: [],
});

test('admit fills exactly the free slots from the head of the queue, in order', (t) => {
  const { context, started } = admit(lists(3, ['b', 'c', 'd', 'e'], ['a']));
  t.deepEqual(ids(started), ['b', 'c']);
  t.deepEqual(ids(context.running), ['a', 'b', 'c']);
  t.deepEqual(ids(context.waiting), ['d', 'e']);
  for (const full of [lists(1, ['b'], ['a']), lists(2, [], ['a']), lists(1, ['c'], ['a', 'b'])]) {
    const admitted = admit(full);
    t.is(admitted.context, full, 'nothing fits: the same context');
    t.deepEqual(admitted.started, []);
  }
});

test('settle emits starts then positions, and positions only if the waiting list changed', (t) => {
  const before = lists(1, [], []);
  t.deepEqual(
    settle(before, lists(1, ['a'], [])).emitted,
    [{ type: 'start', item: item('a') }],
    'accepted and started at once: nothing moved',
  );
  t.deepEqual(settle(lists(1, ['b'], ['a']), lists(1, ['b'], [])).emitted, [
    { type: 'start', item: item('b') },
    { type: 'positions', waiting: [] },
  ]);
  t.deepEqual(positionsOf([item('x'), item('y')]), [
    { id: 'x', position: 1 },
    { id: 'y', position: 2 },
  ]);
});
