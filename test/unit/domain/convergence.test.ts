// assessConvergence over task histories: converged, settling, or dead as soon as it is — a missing image,
// a kill as unhealthy (whatever the exit code), a last task swarm's restart policy will not replace, a
// crash loop (3 new failed tasks), a rolled-back update. Only tasks of this deploy count.
import test from 'ava';
import {
  assessConvergence,
  CRASH_LOOP_FAILURES,
  isFailedTask,
  isTerminalTask,
  restartRefusal,
  wasKilledUnhealthy,
  type ObservedTask,
  type ServiceSnapshot,
} from '../../../src/domain/convergence.js';
import type { ContainerHealth, RestartPolicy, TaskStatus } from '../../../src/domain/swarm-state.js';

const running = (id: string): ObservedTask => ({ id, currentState: 'Running 2 minutes ago', desiredState: 'Running', error: '' });
const starting = (id: string): ObservedTask => ({ id, currentState: 'Starting 1 second ago', desiredState: 'Running', error: '' });
/** A restart waiting out its delay: swarm has made the task, desired Ready. */
const delayed = (id: string): ObservedTask => ({ id, currentState: 'Ready 1 second ago', desiredState: 'Ready', error: '' });
const failed = (id: string, error = 'task: non-zero exit (1)'): ObservedTask => ({
  id,
  currentState: 'Failed 5 seconds ago',
  desiredState: 'Shutdown',
  error,
});
const complete = (id: string, health?: ContainerHealth): ObservedTask => ({
  id,
  currentState: 'Complete 3 seconds ago',
  desiredState: 'Shutdown',
  error: '',
  health,
});
/** The engine marks every stopped container unhealthy; only the failing streak tells a failed healthcheck. */
const UNHEALTHY: ContainerHealth = { status: 'unhealthy', failingStreak: 3 };
const STOPPED: ContainerHealth = { status: 'unhealthy', failingStreak: 0 };
const shutdown = (id: string): ObservedTask => ({ id, currentState: 'Shutdown 3 seconds ago', desiredState: 'Shutdown', error: '' });
const rejected = (id: string, error = ''): ObservedTask => ({ id, currentState: 'Rejected 1 second ago', desiredState: 'Ready', error });

const ANY: RestartPolicy = { condition: 'any', maxAttempts: 0 };
const ON_FAILURE: RestartPolicy = { condition: 'on-failure', maxAttempts: 0 };
const NONE_POLICY: RestartPolicy = { condition: 'none', maxAttempts: 0 };

function snapshot(
  name: string,
  desired: number,
  tasks: ObservedTask[],
  options: { updateState?: string; policy?: RestartPolicy } = {},
): ServiceSnapshot {
  return {
    service: { name, running: tasks.filter((task) => task.currentState.startsWith('Running')).length, desired },
    tasks,
    updateState: options.updateState,
    policy: options.policy ?? ANY,
  };
}

const NOTHING_BEFORE: ReadonlySet<string> = new Set();

test('crash-looping takes 3 failed tasks', (t) => {
  t.is(CRASH_LOOP_FAILURES, 3);
});

test('no services yet is settling', (t) => {
  t.deepEqual(assessConvergence([], NOTHING_BEFORE), { state: 'settling', detail: 'no services yet' });
});

test('every service at its desired replicas, all running, is converged', (t) => {
  t.deepEqual(
    assessConvergence(
      [snapshot('s_app', 1, [running('a1')]), snapshot('s_db', 2, [running('d1'), running('d2')], { updateState: 'completed' })],
      NOTHING_BEFORE,
    ),
    { state: 'converged' },
  );
});

test('old failures of replaced tasks do not hold convergence back', (t) => {
  t.deepEqual(assessConvergence([snapshot('s_app', 1, [running('a2'), failed('a1')])], NOTHING_BEFORE), { state: 'converged' });
});

test('a service short of its replicas is settling, with the latest task named (without its age)', (t) => {
  t.deepEqual(
    assessConvergence([snapshot('s_app', 1, [running('a1')]), snapshot('s_db', 2, [starting('d2'), running('d1')])], NOTHING_BEFORE),
    {
      state: 'settling',
      detail: 's_db 1/2, latest task: Starting',
    },
  );
});

test('a service without tasks is settling', (t) => {
  t.deepEqual(assessConvergence([snapshot('s_app', 1, [])], NOTHING_BEFORE), {
    state: 'settling',
    detail: 's_app 0/1, latest task: no task yet',
  });
});

test("the latest task's error is part of the settling detail", (t) => {
  t.deepEqual(assessConvergence([snapshot('s_app', 1, [delayed('a3'), failed('a2', 'exit 2'), failed('a1')])], NOTHING_BEFORE), {
    state: 'settling',
    detail: 's_app 0/1, latest task: Ready',
  });
  t.deepEqual(assessConvergence([snapshot('s_app', 1, [failed('a2', 'exit 2'), failed('a1')])], NOTHING_BEFORE), {
    state: 'settling',
    detail: 's_app 0/1, latest task: Failed (exit 2)',
  });
});

test('every unsettled service is listed', (t) => {
  t.deepEqual(assessConvergence([snapshot('s_app', 1, []), snapshot('s_db', 1, [starting('d1')])], NOTHING_BEFORE), {
    state: 'settling',
    detail: 's_app 0/1, latest task: no task yet; s_db 0/1, latest task: Starting',
  });
});

test('an update in progress is settling at full replicas while a task from before the deploy still runs', (t) => {
  t.deepEqual(assessConvergence([snapshot('s_app', 1, [running('a1')], { updateState: 'updating' })], new Set(['a1'])), {
    state: 'settling',
    detail: 's_app 1/1, latest task: Running',
  });
  t.is(
    assessConvergence(
      [snapshot('s_app', 2, [running('a2'), running('a1'), shutdown('a0')], { updateState: 'updating' })],
      new Set(['a0', 'a1']),
    ).state,
    'settling',
  );
});

test("an update whose wanted tasks are all this deploy's and running is converged: swarm's monitor period is not waited out", (t) => {
  t.deepEqual(assessConvergence([snapshot('s_app', 1, [running('a1'), shutdown('a0')], { updateState: 'updating' })], new Set(['a0'])), {
    state: 'converged',
  });
  t.deepEqual(assessConvergence([snapshot('s_app', 1, [running('a1')], { updateState: 'updating' })], NOTHING_BEFORE), {
    state: 'converged',
  });
});

test('more tasks wanted running than desired is settling', (t) => {
  t.is(assessConvergence([snapshot('s_app', 1, [starting('a2'), running('a1')])], NOTHING_BEFORE).state, 'settling');
});

test("docker's quotes around a task error are left out of details", (t) => {
  t.deepEqual(assessConvergence([snapshot('s_app', 1, [failed('a1', '"task: non-zero exit (3)"')])], NOTHING_BEFORE), {
    state: 'settling',
    detail: 's_app 0/1, latest task: Failed (task: non-zero exit (3))',
  });
});

test('ages in every form docker prints them are left out of details', (t) => {
  for (const age of ['2 minutes ago', 'about a minute ago', 'less than a second ago', '16 seconds ago']) {
    const task: ObservedTask = { id: 'a1', currentState: `Starting ${age}`, desiredState: 'Running', error: '' };
    t.deepEqual(
      assessConvergence([snapshot('s_app', 1, [task])], NOTHING_BEFORE),
      { state: 'settling', detail: 's_app 0/1, latest task: Starting' },
      age,
    );
  }
});

// a crash loop: swarm keeps restarting a process that fails

test('exactly 3 new failed tasks is crash-looping, naming the latest', (t) => {
  t.deepEqual(
    assessConvergence([snapshot('s_app', 1, [failed('a3', 'exit 3'), failed('a2', 'exit 2'), failed('a1', 'exit 1')])], NOTHING_BEFORE),
    {
      state: 'crash-looping',
      detail: 'service s_app has 3 failed tasks; last: Failed (exit 3)',
    },
  );
});

test('2 new failed tasks while swarm restarts is still settling', (t) => {
  t.is(assessConvergence([snapshot('s_app', 1, [starting('a3'), failed('a2'), failed('a1')])], NOTHING_BEFORE).state, 'settling');
});

test('failures from before the deploy do not count toward a crash loop', (t) => {
  const tasks = [starting('a5'), failed('a4'), failed('a3'), failed('a2'), failed('a1')];
  t.is(assessConvergence([snapshot('s_app', 1, tasks)], new Set(['a1', 'a2'])).state, 'settling');
  t.deepEqual(assessConvergence([snapshot('s_app', 1, tasks)], new Set(['a1'])), {
    state: 'crash-looping',
    detail: 'service s_app has 3 failed tasks; last: Failed (task: non-zero exit (1))',
  });
});

test('a crash loop of rejected tasks without an error names the state', (t) => {
  t.deepEqual(assessConvergence([snapshot('s_app', 1, [rejected('a3'), rejected('a2'), rejected('a1')])], NOTHING_BEFORE), {
    state: 'crash-looping',
    detail: 'service s_app has 3 failed tasks; last: Rejected',
  });
});

test('a crash loop in any service is reported even when another is settled', (t) => {
  const result = assessConvergence(
    [snapshot('s_app', 1, [running('a1')]), snapshot('s_db', 1, [failed('d3'), failed('d2'), failed('d1')])],
    NOTHING_BEFORE,
  );
  t.deepEqual(result, { state: 'crash-looping', detail: 'service s_db has 3 failed tasks; last: Failed (task: non-zero exit (1))' });
});

// a missing image: no restart brings it

for (const error of [
  'No such image: ccci-testbed/nope:1',
  "pull access denied for nope, repository does not exist or may require 'docker login'",
  'manifest unknown',
]) {
  test(`a task rejected with "${error.slice(0, 30)}…" is dead at the first task`, (t) => {
    t.deepEqual(assessConvergence([snapshot('s_app', 1, [rejected('a1', error)])], NOTHING_BEFORE), {
      state: 'dead',
      detail: `service s_app cannot start: its image is not available (task Rejected (${error}))`,
    });
  });
}

test('a missing image in a task from before the deploy is no evidence', (t) => {
  t.is(assessConvergence([snapshot('s_app', 1, [running('a2'), rejected('a1', 'No such image: x')])], new Set(['a1'])).state, 'converged');
});

// killed as unhealthy: the healthcheck failed its retries once, whatever the process then did

test('a task killed as unhealthy with a non-zero exit is never-healthy at the first kill, while swarm restarts it', (t) => {
  const unhealthy = failed('a1', 'task: non-zero exit (137): dockerexec: unhealthy container');
  t.deepEqual(assessConvergence([snapshot('s_app', 1, [delayed('a2'), unhealthy])], NOTHING_BEFORE), {
    state: 'never-healthy',
    detail:
      'service s_app was stopped by swarm as unhealthy: its healthcheck never passed (task Failed (task: non-zero exit (137): dockerexec: unhealthy container))',
  });
});

test('a process that exits 0 when killed as unhealthy: Complete, its container unhealthy, never restarted under on-failure', (t) => {
  t.deepEqual(assessConvergence([snapshot('s_app', 1, [complete('a1', UNHEALTHY)], { policy: ON_FAILURE })], NOTHING_BEFORE), {
    state: 'never-healthy',
    detail:
      'service s_app was stopped by swarm as unhealthy: its healthcheck never passed (task Complete, 3 failed probes in a row); its process exited 0, and restart_policy condition on-failure restarts only failures',
  });
});

test('only a failing streak makes an ended task an unhealthy kill: the engine marks every stopped container unhealthy', (t) => {
  t.false(wasKilledUnhealthy(complete('a1', { status: 'healthy', failingStreak: 0 })));
  t.false(wasKilledUnhealthy(complete('a1', STOPPED)));
  t.false(wasKilledUnhealthy({ ...failed('a1', 'task: non-zero exit (3)'), health: STOPPED }), 'a crash of a container with a healthcheck');
  t.true(wasKilledUnhealthy(complete('a1', UNHEALTHY)));
  t.false(wasKilledUnhealthy({ ...running('a1'), health: UNHEALTHY }), 'a running task is not killed yet');
});

test('an unhealthy kill before the deploy does not count', (t) => {
  const unhealthy = failed('a1', 'unhealthy container');
  t.is(assessConvergence([snapshot('s_app', 1, [starting('a2'), unhealthy])], new Set(['a1'])).state, 'settling');
});

// the last task ended and the restart policy will not start another

test('Complete (exit 0) under on-failure with no task left: dead, naming the policy', (t) => {
  t.deepEqual(assessConvergence([snapshot('s_app', 1, [complete('a1')], { policy: ON_FAILURE })], NOTHING_BEFORE), {
    state: 'dead',
    detail:
      'service s_app has no task running and will get none: its last task ended Complete; its process exited 0, and restart_policy condition on-failure restarts only failures',
  });
});

test('Complete under condition any is settling: swarm starts another', (t) => {
  t.is(assessConvergence([snapshot('s_app', 1, [complete('a1')], { policy: ANY })], NOTHING_BEFORE).state, 'settling');
});

test('a failure under condition none: dead at once', (t) => {
  t.deepEqual(assessConvergence([snapshot('s_app', 1, [failed('a1', 'exit 1')], { policy: NONE_POLICY })], NOTHING_BEFORE), {
    state: 'dead',
    detail:
      'service s_app has no task running and will get none: its last task ended Failed (exit 1); restart_policy condition none never restarts a task',
  });
});

test('max_attempts 1: the first failure waits for the restart, the second is dead', (t) => {
  const policy: RestartPolicy = { condition: 'on-failure', maxAttempts: 1 };
  t.is(assessConvergence([snapshot('s_app', 1, [failed('a1')], { policy })], NOTHING_BEFORE).state, 'settling');
  t.is(assessConvergence([snapshot('s_app', 1, [delayed('a2'), failed('a1')], { policy })], NOTHING_BEFORE).state, 'settling');
  t.deepEqual(assessConvergence([snapshot('s_app', 1, [failed('a2', 'exit 1'), failed('a1')], { policy })], NOTHING_BEFORE), {
    state: 'dead',
    detail:
      'service s_app has no task running and will get none: its last task ended Failed (exit 1); restart_policy condition on-failure, max_attempts 1: swarm gave up after 2 tasks',
  });
});

test('max_attempts 2: dead after the third task, before a crash loop would be called', (t) => {
  const policy: RestartPolicy = { condition: 'any', maxAttempts: 2 };
  t.is(assessConvergence([snapshot('s_app', 1, [failed('a2'), failed('a1')], { policy })], NOTHING_BEFORE).state, 'settling');
  t.is(assessConvergence([snapshot('s_app', 1, [failed('a3'), failed('a2'), failed('a1')], { policy })], NOTHING_BEFORE).state, 'dead');
});

test('a live task means swarm has not given up, whatever the policy', (t) => {
  for (const policy of [ANY, ON_FAILURE, NONE_POLICY, { condition: 'on-failure', maxAttempts: 1 } as const]) {
    t.is(
      assessConvergence([snapshot('s_app', 1, [starting('a2'), complete('a1')], { policy })], NOTHING_BEFORE).state,
      'settling',
      policy.condition,
    );
  }
});

test('a service scaled to 0 with ended tasks is not dead (nothing is wanted of it)', (t) => {
  t.not(assessConvergence([snapshot('s_app', 0, [complete('a1')], { policy: NONE_POLICY })], NOTHING_BEFORE).state, 'dead');
});

test('tasks shut down by an update before the deploy are not the last task of this deploy', (t) => {
  t.is(
    assessConvergence([snapshot('s_app', 1, [starting('a2'), shutdown('a1')], { policy: NONE_POLICY })], new Set(['a1'])).state,
    'settling',
  );
  t.is(assessConvergence([snapshot('s_app', 1, [shutdown('a1')], { policy: NONE_POLICY })], new Set(['a1'])).state, 'settling');
});

test('restartRefusal over every policy and last state', (t) => {
  const cases: [RestartPolicy, TaskStatus, number, boolean][] = [
    [ANY, complete('x'), 1, false],
    [ANY, failed('x'), 1, false],
    [ON_FAILURE, complete('x'), 1, true],
    [ON_FAILURE, failed('x'), 1, false],
    [ON_FAILURE, shutdown('x'), 1, false],
    [NONE_POLICY, complete('x'), 1, true],
    [NONE_POLICY, failed('x'), 1, true],
    [{ condition: 'any', maxAttempts: 1 }, failed('x'), 1, false],
    [{ condition: 'any', maxAttempts: 1 }, failed('x'), 2, true],
    [{ condition: 'on-failure', maxAttempts: 3 }, failed('x'), 3, false],
    [{ condition: 'on-failure', maxAttempts: 3 }, failed('x'), 4, true],
  ];
  for (const [policy, latest, ended, refuses] of cases) {
    t.is(
      restartRefusal(latest, ended, policy) !== undefined,
      refuses,
      `${policy.condition}/${policy.maxAttempts}, ${latest.currentState}, ${ended} ended`,
    );
  }
});

// rollbacks and precedence

const rolledBack = test.macro({
  exec(t, updateState: string) {
    t.deepEqual(assessConvergence([snapshot('s_app', 1, [running('a1')], { updateState })], NOTHING_BEFORE), {
      state: 'rolled-back',
      detail: `swarm rolled back the update of s_app (${updateState})`,
    });
  },
  title: (_providedTitle, updateState: string) => `update state ${updateState} is rolled-back`,
});

test(rolledBack, 'rollback_started');
test(rolledBack, 'rollback_completed');
test(rolledBack, 'rollback_paused');

test('a crash loop is reported before a rollback of the same service', (t) => {
  t.is(
    assessConvergence(
      [snapshot('s_app', 1, [failed('a3'), failed('a2'), failed('a1')], { updateState: 'rollback_completed' })],
      NOTHING_BEFORE,
    ).state,
    'crash-looping',
  );
});

test('a missing image is reported before a kill as unhealthy, and that before a crash loop', (t) => {
  const tasks = [failed('a3', 'unhealthy container'), failed('a2'), rejected('a1', 'No such image: x')];
  t.is(assessConvergence([snapshot('s_app', 1, tasks)], NOTHING_BEFORE).state, 'dead');
  t.is(assessConvergence([snapshot('s_app', 1, tasks.slice(0, 2))], NOTHING_BEFORE).state, 'never-healthy');
});

// task predicates

const failedTask = test.macro({
  exec(t, task: TaskStatus, expected: boolean) {
    t.is(isFailedTask(task), expected);
  },
  title: (_providedTitle, task: TaskStatus, expected: boolean) =>
    `a task ${task.currentState} (desired ${task.desiredState}, error "${task.error}") ${expected ? 'is' : 'is not'} failed`,
});

test(failedTask, { id: 't', currentState: 'Failed 1 second ago', desiredState: 'Shutdown', error: '' }, true);
test(failedTask, { id: 't', currentState: 'Rejected 1 second ago', desiredState: 'Shutdown', error: '' }, true);
test(failedTask, { id: 't', currentState: 'Shutdown 1 second ago', desiredState: 'Shutdown', error: 'OOM' }, true);
test(failedTask, { id: 't', currentState: 'Shutdown 1 second ago', desiredState: 'Shutdown', error: '' }, false);
test(failedTask, { id: 't', currentState: 'Complete 1 second ago', desiredState: 'Shutdown', error: '' }, false);
test(failedTask, { id: 't', currentState: 'Running 1 second ago', desiredState: 'Running', error: '' }, false);
test(failedTask, { id: 't', currentState: 'FailedX', desiredState: 'Running', error: '' }, false);

test('terminal states are the ones a task never leaves', (t) => {
  for (const state of ['Complete', 'Failed', 'Rejected', 'Shutdown', 'Orphaned', 'Remove'])
    t.true(isTerminalTask({ id: 't', currentState: `${state} 1 second ago`, desiredState: 'Shutdown', error: '' }), state);
  for (const state of ['New', 'Pending', 'Assigned', 'Accepted', 'Preparing', 'Ready', 'Starting', 'Running'])
    t.false(isTerminalTask({ id: 't', currentState: `${state} 1 second ago`, desiredState: 'Running', error: '' }), state);
});
