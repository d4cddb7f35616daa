// Every path of the run machine that takes the domain lock reaches teardown exactly once — over
// generated paths (xstate/graph), then replayed on a live actor whose teardown actor counts its starts.
import test from 'ava';
import { createActor } from 'xstate';
import { getSimplePaths } from 'xstate/graph';
import { runMachine, type RunContext, type RunEvent } from '../../src/machines/run.machine.js';
import { DEPLOYING_TIERS, DRIVING_EVENTS, modelRunMachine, prepared, RUN_INPUT, TIERS } from '../helpers/run-machine-model.js';

const EVENTS = [{ type: 'run.abort', reason: 'sigterm' } as RunEvent, ...DRIVING_EVENTS];

// abortsIgnored only counts repeats; capping it keeps the graph finite without losing a path shape
const paths = getSimplePaths(runMachine, {
  input: RUN_INPUT,
  events: EVENTS,
  toState: (snapshot) => snapshot.status === 'done',
  serializeState: (snapshot) =>
    JSON.stringify([snapshot.value, { ...snapshot.context, abortsIgnored: Math.min((snapshot.context as RunContext).abortsIgnored, 1) }]),
});

function entersTeardown(value: unknown): boolean {
  return JSON.stringify(value).includes('"tearingDown"');
}

/** Once if the lock was taken and not lost before teardown began; a lost lock never starts one. */
function expectedTeardowns(steps: readonly { state: { context: unknown; value: unknown } }[]): number {
  const lostAt = steps.findIndex((step) => (step.state.context as RunContext).lockLost !== null);
  const teardownAt = steps.findIndex((step) => entersTeardown(step.state.value));
  if (!steps.some((step) => (step.state.context as RunContext).lockHeld)) return 0;
  return lostAt === -1 || (teardownAt !== -1 && teardownAt < lostAt) ? 1 : 0;
}

test('the generated paths cover locked and unlocked runs and every tier outcome', (t) => {
  t.true(paths.length > 100, `only ${paths.length} paths generated`);
  t.true(paths.some((path) => expectedTeardowns(path.steps) === 1));
  t.true(paths.some((path) => expectedTeardowns(path.steps) === 0));
  t.true(
    paths.some((path) => (path.state.context as RunContext).lockLost !== null && (path.state.context as RunContext).lockHeld),
    'a path loses a held lock',
  );
  for (const name of TIERS)
    t.true(
      paths.some((path) => path.steps.some((step) => step.event.type === `xstate.done.actor.runTier.${name}`)),
      `no path runs ${name}`,
    );
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
    t.is(
      final.teardown !== null,
      final.lockHeld && final.lockLost === null,
      `teardown recorded iff the lock was held and not lost: ${events}`,
    );
  }
});

test('replayed on a live actor, every generated path starts the teardown actor as often as the graph says', (t) => {
  for (const path of paths) {
    let teardownStarts = 0;
    const actor = createActor(
      modelRunMachine(() => teardownStarts++),
      { input: RUN_INPUT },
    ).start();
    for (const step of path.steps.slice(1)) actor.send(step.event);
    const events = path.steps.map((step) => step.event.type).join(' > ');
    t.is(actor.getSnapshot().status, 'done', events);
    t.is(teardownStarts, expectedTeardowns(path.steps), events);
    actor.stop();
  }
});

test('on every generated path, a tier that found the app dead is the last tier: the next stage is teardown', (t) => {
  let seen = 0;
  for (const path of paths) {
    const deadAt = path.steps.findIndex(
      (step) => (step.event as { output?: { result?: { appDead?: boolean } } }).output?.result?.appDead === true,
    );
    if (deadAt === -1) continue;
    seen++;
    const events = path.steps.map((step) => step.event.type).join(' > ');
    t.true(entersTeardown(path.steps[deadAt]!.state.value) || path.steps[deadAt]!.state.status === 'done', events);
    t.false(
      path.steps.slice(deadAt + 1).some((step) => step.event.type.startsWith('xstate.done.actor.runTier')),
      events,
    );
  }
  for (const name of DEPLOYING_TIERS)
    t.true(
      paths.some((path) =>
        path.steps.some(
          (step) =>
            step.event.type === `xstate.done.actor.runTier.${name}` &&
            (step.event as { output?: { result?: { appDead?: boolean } } }).output?.result?.appDead === true,
        ),
      ),
      `no path finds the app dead in ${name}`,
    );
  t.true(seen > 0);
});

test('a second abort during teardown is ignored and counted, and the first reason is kept', (t) => {
  const actor = createActor(modelRunMachine(), { input: RUN_INPUT }).start();
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
