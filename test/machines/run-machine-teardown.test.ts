// Every path of the run machine that takes the domain lock reaches teardown exactly once — over
// generated paths (xstate/graph), then replayed on a live actor whose teardown actor counts its starts.
import test from 'ava';
import { createActor, fromCallback, fromPromise, type AnyEventObject } from 'xstate';
import { getSimplePaths } from 'xstate/graph';
import type { PreparedRun, TierName, TierResult } from '../../src/domain/run-types.js';
import { RecipeMeta } from '../../src/recipes/schema.js';
import { runMachine, type RunContext, type RunEvent } from '../../src/machines/run.machine.js';

function prepared(kind: 'version' | 'skip', backupCapable: boolean, functionalTests: number): PreparedRun {
  return {
    recipe: 'web',
    recipeDir: '/nowhere',
    headSha: 'a'.repeat(40),
    headVersion: '1.2.0+1',
    base: { kind, value: kind === 'skip' ? null : '1.1.0+1', reason: 'test' },
    backupCapable,
    backupCapableReason: 'test',
    expectedNa: {},
    functionalTests: Array.from({ length: functionalTests }, (_, index) => `f${index}.test.ts`),
    manifest: {},
    meta: RecipeMeta.parse({}),
    composeOverlay: null,
  };
}

function tier(name: TierName, status: TierResult['status']): TierResult {
  return { name, status, reason: status, ms: 1, tests: [] };
}

const TIERS: TierName[] = ['install', 'upgrade', 'backup', 'restore', 'functional'];
const EVENTS: AnyEventObject[] = [
  { type: 'run.abort', reason: 'sigterm' },
  { type: 'lock.acquired' },
  { type: 'lock.failed', message: 'lock dir unwritable' },
  { type: 'xstate.done.actor.sweepLeftovers' },
  { type: 'xstate.done.actor.prepareRun', output: prepared('version', true, 1) },
  { type: 'xstate.done.actor.prepareRun', output: prepared('skip', false, 0) },
  { type: 'xstate.error.actor.prepareRun', error: new Error('clone failed') },
  { type: 'xstate.done.actor.lintRecipe', output: { status: 'pass', rulesFailed: [], warnings: [], detail: 'ok' } },
  { type: 'xstate.done.actor.installApp' },
  { type: 'xstate.error.actor.installApp', error: new Error('crash-looping') },
  ...TIERS.flatMap((name) => (['pass', 'fail'] as const).map((status) => ({ type: `xstate.done.actor.runTier.${name}`, output: tier(name, status) }))),
  { type: 'xstate.error.actor.runTier.install', error: new Error('runner crashed') },
  { type: 'xstate.done.actor.tearDownApp', output: { ran: true, leftovers: [], errors: [] } },
];

// abortsIgnored only counts repeats; capping it keeps the graph finite without losing a path shape
const paths = getSimplePaths(runMachine, {
  // done/error events of invoked actors are not in RunEvent, but the traversal feeds them like any event
  events: EVENTS as unknown as RunEvent[],
  toState: (snapshot) => snapshot.status === 'done',
  serializeState: (snapshot) => JSON.stringify([snapshot.value, { ...snapshot.context, abortsIgnored: Math.min((snapshot.context as RunContext).abortsIgnored, 1) }]),
});

/** An actor that never settles: the test sends its done/error events itself. */
function pendingForever(onStart: () => void = () => undefined) {
  // any: one placeholder stands in for every actor, whatever its input and output types
  return fromPromise<any, any>(() => {
    onStart();
    return new Promise(() => undefined);
  });
}

function entersTeardown(value: unknown): boolean {
  return JSON.stringify(value).includes('"tearingDown"');
}

function expectedTeardowns(steps: readonly { state: { context: unknown } }[]): number {
  return steps.some((step) => (step.state.context as RunContext).lockHeld) ? 1 : 0;
}

test('the generated paths cover locked and unlocked runs and every tier outcome', (t) => {
  t.true(paths.length > 100, `only ${paths.length} paths generated`);
  t.true(paths.some((path) => expectedTeardowns(path.steps) === 1));
  t.true(paths.some((path) => expectedTeardowns(path.steps) === 0));
  for (const name of TIERS) t.true(paths.some((path) => path.steps.some((step) => step.event.type === `xstate.done.actor.runTier.${name}`)), `no path runs ${name}`);
});

test('on every generated path, teardown is entered exactly once if the lock was taken, else never', (t) => {
  for (const path of paths) {
    let entries = 0;
    let previous: unknown = undefined;
    for (const step of path.steps) {
      if (entersTeardown(step.state.value) && !entersTeardown(previous)) entries++;
      previous = step.state.value;
    }
    const events = path.steps.map((step) => step.event.type).join(' > ');
    t.is(entries, expectedTeardowns(path.steps), events);
    const final = path.state.context as RunContext;
    t.is(final.teardown !== null, final.lockHeld, `teardown recorded iff the lock was held: ${events}`);
  }
});

test('replayed on a live actor, every generated path starts the teardown actor as often as the graph says', (t) => {
  for (const path of paths) {
    let teardownStarts = 0;
    const never = pendingForever();
    const machine = runMachine.provide({
      actors: {
        superviseRun: fromCallback(() => () => undefined),
        sweepLeftovers: never,
        prepareRun: never,
        lintRecipe: never,
        holdDomainLock: fromCallback(() => () => undefined),
        installApp: never,
        runTier: never,
        tearDownApp: pendingForever(() => teardownStarts++),
      },
    });
    const actor = createActor(machine).start();
    for (const step of path.steps.slice(1)) actor.send(step.event);
    const events = path.steps.map((step) => step.event.type).join(' > ');
    t.is(actor.getSnapshot().status, 'done', events);
    t.is(teardownStarts, expectedTeardowns(path.steps), events);
    actor.stop();
  }
});

test('a second abort during teardown is ignored and counted, and the first reason is kept', (t) => {
  const never = pendingForever();
  const actor = createActor(runMachine.provide({
    actors: { superviseRun: fromCallback(() => () => undefined), sweepLeftovers: never, prepareRun: never, lintRecipe: never, holdDomainLock: fromCallback(() => () => undefined), installApp: never, runTier: never, tearDownApp: never },
  })).start();
  actor.send({ type: 'xstate.done.actor.sweepLeftovers' } as unknown as RunEvent);
  actor.send({ type: 'xstate.done.actor.prepareRun', output: prepared('version', true, 1) } as unknown as RunEvent);
  actor.send({ type: 'lock.acquired' });
  actor.send({ type: 'run.abort', reason: 'sigterm' });
  t.true(entersTeardown(actor.getSnapshot().value));
  actor.send({ type: 'run.abort', reason: 'sigint' });
  actor.send({ type: 'run.abort', reason: 'deadline' });
  t.true(entersTeardown(actor.getSnapshot().value));
  t.is(actor.getSnapshot().context.abortReason, 'sigterm');
  t.is(actor.getSnapshot().context.abortsIgnored, 2);
  actor.stop();
});
