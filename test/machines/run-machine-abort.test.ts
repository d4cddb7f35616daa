// Model-based: for EVERY state the run machine can reach (xstate/graph shortest paths), an abort
// there — whatever its reason — leads to teardown exactly once if the lock was taken (never
// otherwise), the first reason is kept, and the exit code is 142 for the deadline, 3 for a crash inside cc-ci, else 143.
import test from 'ava';
import { createActor } from 'xstate';
import { getShortestPaths } from 'xstate/graph';
import type { AbortReason } from '../../src/domain/verdict.js';
import { runMachine, type RunContext } from '../../src/machines/run.machine.js';
import { buildResults } from '../../src/results/build-results.js';
import { DRIVING_EVENTS, ENDING, LINT_DONE, modelRunMachine, RUN_INPUT, TEARDOWN_DONE } from '../helpers/run-machine-model.js';

// what the supervisor sends; a lost lock is its own event (lock.lost), tested below
const REASONS: AbortReason[] = ['sigterm', 'sigint', 'sighup', 'parent-gone', 'deadline', 'cancel', 'harness-crash'];
const EXIT: Record<AbortReason, number> = {
  sigterm: 143,
  sigint: 143,
  sighup: 143,
  'parent-gone': 143,
  deadline: 142,
  cancel: 143,
  'lock-lost': 3,
  'harness-crash': 3,
};

const reachable = getShortestPaths(runMachine, { input: RUN_INPUT, events: DRIVING_EVENTS }).filter((path) => path.state.status !== 'done');

test('the model reaches states before, while and after holding the lock', (t) => {
  const held = reachable.filter((path) => (path.state.context as RunContext).lockHeld);
  t.true(reachable.length > 20, `${reachable.length} states`);
  t.true(held.length > 10);
  t.true(reachable.some((path) => JSON.stringify(path.state.value).includes('tearingDown')));
  t.true(reachable.some((path) => JSON.stringify(path.state.value).includes('waitingForLock')));
});

for (const reason of REASONS) {
  test(`an abort (${reason}) in every reachable state: teardown exactly once iff the lock was taken, exit ${EXIT[reason]}`, (t) => {
    for (const path of reachable) {
      let teardownStarts = 0;
      const actor = createActor(
        modelRunMachine(() => teardownStarts++),
        { input: RUN_INPUT },
      ).start();
      for (const step of path.steps.slice(1)) actor.send(step.event);
      const where = path.steps.map((step) => step.event.type).join(' > ');
      const firstReason = (actor.getSnapshot().context as RunContext).abortReason;
      const startedBefore = teardownStarts;
      actor.send({ type: 'run.abort', reason });
      actor.send({ type: 'run.abort', reason: 'sigterm' }); // a second signal must change nothing
      for (let step = 0; step < 5 && actor.getSnapshot().status !== 'done'; step++) {
        const value = JSON.stringify(actor.getSnapshot().value);
        if (value.includes('tearingDown')) actor.send(TEARDOWN_DONE);
        if (value.includes('linting')) actor.send(LINT_DONE);
      }
      const snapshot = actor.getSnapshot();
      t.is(snapshot.status, 'done', `${where} > run.abort(${reason}) left ${JSON.stringify(snapshot.value)}`);
      const output = snapshot.output!;
      // a lost lock ended the app's part already: an abort after it starts nothing
      t.is(teardownStarts, output.lockLost !== null ? startedBefore : output.lockHeld ? 1 : 0, `${where} > run.abort(${reason})`);
      t.is(output.teardown !== null, output.lockHeld && output.lockLost === null, where);
      t.is(output.abortReason, firstReason ?? reason, where);
      const results = buildResults(output, ENDING);
      t.is(results.exitCode, EXIT[output.abortReason!], where);
      actor.stop();
    }
  });
}

test('a lost lock in every reachable state: no teardown starts after it, the run ends with error lock-lost (exit 3) and says who holds the domain', (t) => {
  let whileHeld = 0;
  for (const path of reachable) {
    let teardownStarts = 0;
    const actor = createActor(
      modelRunMachine(() => teardownStarts++),
      { input: RUN_INPUT },
    ).start();
    for (const step of path.steps.slice(1)) actor.send(step.event);
    const before = actor.getSnapshot();
    const held = JSON.stringify(before.value).includes('holdingDomain');
    const startedBefore = teardownStarts;
    actor.send({ type: 'lock.lost', message: 'lost the lock of web-abcdef.ci.test; it is now held by run other' });
    if (JSON.stringify(actor.getSnapshot().value).includes('linting')) actor.send(LINT_DONE);
    const where = path.steps.map((step) => step.event.type).join(' > ');
    if (!held) continue; // not holding it: nothing to lose (the event is not for this state)
    whileHeld++;
    const snapshot = actor.getSnapshot();
    t.is(snapshot.status, 'done', where);
    t.is(teardownStarts, startedBefore, where);
    const output = snapshot.output!;
    t.regex(output.lockLost ?? '', /now held by run other/, where);
    t.is(output.teardown, null, where);
    const results = buildResults(output, ENDING);
    if (before.context.abortReason === null) {
      // whatever the tiers said: after the takeover they may have looked at the new owner's app
      t.is(results.verdict, 'error', where);
      t.is(results.exitCode, 3, where);
      t.is(results.abortReason, 'lock-lost', where);
      t.regex(results.abortDetail ?? '', /now held by run other/, where);
    }
    actor.stop();
  }
  t.true(whileHeld > 10, `${whileHeld} states hold the lock`);
});
