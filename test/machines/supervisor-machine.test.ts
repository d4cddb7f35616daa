// The supervisor machine, model-based: every sequence of up to three causes (signals, parent gone,
// cancel, deadline, crash) xstate/graph generates, replayed inside the real run machine. On each: the
// run machine gets exactly one run.abort, its reason is the first cause's, every later cause is
// counted as ignored, and the exit code follows the first cause (deadline 142, crash 3, else 143).
import test from 'ava';
import { createActor, fromCallback, type AnyActorRef } from 'xstate';
import { getSimplePaths } from 'xstate/graph';
import { exitCodeFor, type AbortReason } from '../../src/domain/verdict.js';
import type { RunContext, RunEvent } from '../../src/machines/run.machine.js';
import {
  abortReasonOf,
  supervisorMachine,
  WATCHED_SIGNALS,
  type SupervisorContext,
  type SupervisorEvent,
} from '../../src/machines/supervisor.machine.js';
import { modelRunMachine, prepared, RUN_INPUT } from '../helpers/run-machine-model.js';

const CAUSES: SupervisorEvent[] = [
  ...WATCHED_SIGNALS.map((signal) => ({ type: 'signal.received', signal }) as const),
  { type: 'parent.gone' },
  { type: 'cancel.requested' },
  { type: 'deadline.passed' },
  { type: 'crashed', message: 'stray promise' },
];

// sequences of one to three causes: the graph's states are (value, number of causes so far)
// (alone, it has no parent: abortRun stands still; the replay below puts it inside the run machine)
const paths = getSimplePaths(
  supervisorMachine.provide({ actors: { watchProcess: fromCallback(() => () => undefined) }, actions: { abortRun: () => undefined } }),
  {
    events: CAUSES,
    // ignored causes past two are the same state: the graph stays finite, the sequences stay distinct
    serializeState: (snapshot) => JSON.stringify([snapshot.value, Math.min((snapshot.context as SupervisorContext).ignored.length, 2)]),
  },
).filter((path) => path.steps.length > 1);

const TO_DEPLOYING = [
  { type: 'xstate.done.actor.sweepLeftovers' },
  { type: 'xstate.done.actor.prepareRun', output: prepared('version', true, 1) },
  { type: 'lock.acquired' },
] as unknown as RunEvent[];

function runWithSupervisor(log: string[]) {
  return modelRunMachine(
    undefined,
    supervisorMachine.provide({
      actors: { watchProcess: fromCallback(() => () => undefined) },
      actions: {
        reportAbort: (_, { reason }) => void log.push(`abort ${reason}`),
        reportIgnored: (_, { reason }) => void log.push(`ignored ${reason}`),
      },
    }),
  );
}

test('the graph generates every cause first, and sequences of up to three causes', (t) => {
  const firsts = new Set(paths.map((path) => JSON.stringify(path.steps[1]!.event)));
  t.is(firsts.size, CAUSES.length);
  t.true(
    paths.some((path) => path.steps.length === 4),
    'a path with three causes',
  );
});

test('on every generated sequence, the run machine gets one run.abort with the first cause as reason, and the rest are ignored', (t) => {
  for (const path of paths) {
    const causes = path.steps.slice(1).map((step) => step.event as SupervisorEvent);
    const log: string[] = [];
    const run = createActor(runWithSupervisor(log), { input: RUN_INPUT }).start();
    // deployed, so the first cause leads to teardown, which is where later causes arrive
    for (const event of TO_DEPLOYING) run.send(event);
    const supervisor = run.getSnapshot().children.superviseRun as AnyActorRef;
    for (const cause of causes) supervisor.send(cause);
    t.true(JSON.stringify(run.getSnapshot().value).includes('tearingDown'));
    const first = abortReasonOf(causes[0]!);
    const where = causes.map((cause) => cause.type).join(' > ');
    t.is((run.getSnapshot().context as RunContext).abortReason, first, where);
    t.is((run.getSnapshot().context as RunContext).abortsIgnored, 0, `the supervisor sent one run.abort: ${where}`);
    t.deepEqual(log, [`abort ${first}`, ...causes.slice(1).map((cause) => `ignored ${abortReasonOf(cause)}`)], where);
    const context = supervisor.getSnapshot().context as SupervisorContext;
    t.is(context.reason, first);
    t.deepEqual(context.ignored, causes.slice(1).map(abortReasonOf));
    run.stop();
  }
});

test('the exit code follows the first cause: the deadline 142, a crash inside cc-ci 3, every other cause 143', (t) => {
  const expected: Record<AbortReason, number> = {
    sigterm: 143,
    sigint: 143,
    sighup: 143,
    'parent-gone': 143,
    cancel: 143,
    deadline: 142,
    'harness-crash': 3,
    'lock-lost': 3,
  };
  for (const path of paths) {
    const first = abortReasonOf(path.steps[1]!.event as SupervisorEvent);
    t.is(exitCodeFor('success', first), expected[first]);
  }
});
