// assessConvergence: converged, still settling, crash-looping or never healthy (3 new failed tasks) or rolled back.
import test from 'ava';
import { assessConvergence, CRASH_LOOP_FAILURES, isFailedTask, type ServiceSnapshot } from '../../src/domain/convergence.js';
import type { TaskStatus } from '../../src/io/docker.js';

const running = (id: string): TaskStatus => ({ id, currentState: 'Running 2 minutes ago', desiredState: 'Running', error: '' });
const starting = (id: string): TaskStatus => ({ id, currentState: 'Starting 1 second ago', desiredState: 'Running', error: '' });
const failed = (id: string, error = 'task: non-zero exit (1)'): TaskStatus => ({ id, currentState: 'Failed 5 seconds ago', desiredState: 'Shutdown', error });

function snapshot(name: string, desired: number, tasks: TaskStatus[], updateState?: string): ServiceSnapshot {
  return { service: { name, running: tasks.filter((task) => task.currentState.startsWith('Running')).length, desired }, tasks, updateState };
}

const NONE: ReadonlySet<string> = new Set();

test('crash-looping takes 3 failed tasks', (t) => {
  t.is(CRASH_LOOP_FAILURES, 3);
});

test('no services yet is settling', (t) => {
  t.deepEqual(assessConvergence([], NONE), { state: 'settling', detail: 'no services yet' });
});

test('every service at its desired replicas, all running, is converged', (t) => {
  t.deepEqual(
    assessConvergence([snapshot('s_app', 1, [running('a1')]), snapshot('s_db', 2, [running('d1'), running('d2')], 'completed')], NONE),
    { state: 'converged' },
  );
});

test('old failures of replaced tasks do not hold convergence back', (t) => {
  t.deepEqual(assessConvergence([snapshot('s_app', 1, [running('a2'), failed('a1')])], NONE), { state: 'converged' });
});

test('a service short of its replicas is settling, with the latest task named', (t) => {
  t.deepEqual(assessConvergence([snapshot('s_app', 1, [running('a1')]), snapshot('s_db', 2, [starting('d2'), running('d1')])], NONE), {
    state: 'settling',
    detail: 's_db 1/2, latest task: Starting 1 second ago',
  });
});

test('a service without tasks is settling', (t) => {
  t.deepEqual(assessConvergence([snapshot('s_app', 1, [])], NONE), { state: 'settling', detail: 's_app 0/1, latest task: no task yet' });
});

test('the latest task\'s error is part of the settling detail', (t) => {
  t.deepEqual(assessConvergence([snapshot('s_app', 1, [failed('a2', 'no such image'), failed('a1')])], NONE), {
    state: 'settling',
    detail: 's_app 0/1, latest task: Failed 5 seconds ago (no such image)',
  });
});

test('every unsettled service is listed', (t) => {
  t.deepEqual(assessConvergence([snapshot('s_app', 1, []), snapshot('s_db', 1, [starting('d1')])], NONE), {
    state: 'settling',
    detail: 's_app 0/1, latest task: no task yet; s_db 0/1, latest task: Starting 1 second ago',
  });
});

test('an update in progress is settling even at full replicas', (t) => {
  t.deepEqual(assessConvergence([snapshot('s_app', 1, [running('a1')], 'updating')], NONE), {
    state: 'settling',
    detail: 's_app 1/1, latest task: Running 2 minutes ago',
  });
});

test('more tasks wanted running than desired is settling', (t) => {
  t.deepEqual(assessConvergence([snapshot('s_app', 1, [starting('a2'), running('a1')])], NONE), {
    state: 'settling',
    detail: 's_app 1/1, latest task: Starting 1 second ago',
  });
});

test('exactly 3 new failed tasks is crash-looping, naming the latest error', (t) => {
  t.deepEqual(assessConvergence([snapshot('s_app', 1, [failed('a3', 'exit 3'), failed('a2', 'exit 2'), failed('a1', 'exit 1')])], NONE), {
    state: 'crash-looping',
    detail: 'service s_app has 3 failed tasks; last error: exit 3',
  });
});

test('2 new failed tasks is still settling', (t) => {
  t.deepEqual(assessConvergence([snapshot('s_app', 1, [starting('a3'), failed('a2'), failed('a1')])], NONE), {
    state: 'settling',
    detail: 's_app 0/1, latest task: Starting 1 second ago',
  });
});

test('failures from before the deploy do not count toward a crash loop', (t) => {
  const tasks = [starting('a5'), failed('a4'), failed('a3'), failed('a2'), failed('a1')];
  t.is(assessConvergence([snapshot('s_app', 1, tasks)], new Set(['a1', 'a2'])).state, 'settling');
  t.deepEqual(assessConvergence([snapshot('s_app', 1, tasks)], new Set(['a1'])), {
    state: 'crash-looping',
    detail: 'service s_app has 3 failed tasks; last error: task: non-zero exit (1)',
  });
});

test('a crash loop names the state when the failed task has no error', (t) => {
  const rejected = (id: string): TaskStatus => ({ id, currentState: 'Rejected 1 second ago', desiredState: 'Ready', error: '' });
  t.deepEqual(assessConvergence([snapshot('s_app', 1, [rejected('a3'), rejected('a2'), rejected('a1')])], NONE), {
    state: 'crash-looping',
    detail: 'service s_app has 3 failed tasks; last error: Rejected 1 second ago',
  });
});

test('a crash loop in any service is reported even when another is settled', (t) => {
  const result = assessConvergence([snapshot('s_app', 1, [running('a1')]), snapshot('s_db', 1, [failed('d3'), failed('d2'), failed('d1')])], NONE);
  t.deepEqual(result, { state: 'crash-looping', detail: 'service s_db has 3 failed tasks; last error: task: non-zero exit (1)' });
});

const rolledBack = test.macro({
  exec(t, updateState: string) {
    t.deepEqual(assessConvergence([snapshot('s_app', 1, [running('a1')], updateState)], NONE), {
      state: 'rolled-back',
      detail: `swarm rolled back the update of s_app (${updateState})`,
    });
  },
  title: (_providedTitle, updateState: string) => `update state ${updateState} is rolled-back`,
});

test(rolledBack, 'rollback_started');
test(rolledBack, 'rollback_completed');
test(rolledBack, 'rollback_paused');

test('3 new tasks killed as unhealthy is never-healthy', (t) => {
  const unhealthy = (id: string) => failed(id, 'task: non-zero exit (137): dockerexec: unhealthy container');
  t.deepEqual(assessConvergence([snapshot('s_app', 1, [unhealthy('a3'), unhealthy('a2'), unhealthy('a1')])], NONE), {
    state: 'never-healthy',
    detail: 'service s_app was killed as unhealthy 3 times (its healthcheck never passed); last error: task: non-zero exit (137): dockerexec: unhealthy container',
  });
});

test('2 tasks killed as unhealthy is still settling', (t) => {
  const unhealthy = (id: string) => failed(id, 'unhealthy container');
  t.is(assessConvergence([snapshot('s_app', 1, [starting('a3'), unhealthy('a2'), unhealthy('a1')])], NONE).state, 'settling');
});

test('unhealthy kills mixed with other failures are a crash loop', (t) => {
  const unhealthy = (id: string) => failed(id, 'unhealthy container');
  t.deepEqual(assessConvergence([snapshot('s_app', 1, [unhealthy('a3'), failed('a2', 'exit 1'), unhealthy('a1')])], NONE), {
    state: 'crash-looping',
    detail: 'service s_app has 3 failed tasks; last error: unhealthy container',
  });
});

test('unhealthy kills from before the deploy do not count', (t) => {
  const unhealthy = (id: string) => failed(id, 'unhealthy container');
  t.is(assessConvergence([snapshot('s_app', 1, [starting('a4'), unhealthy('a3'), unhealthy('a2'), unhealthy('a1')])], new Set(['a1'])).state, 'settling');
});

test('a crash loop is reported before a rollback of the same service', (t) => {
  t.is(assessConvergence([snapshot('s_app', 1, [failed('a3'), failed('a2'), failed('a1')], 'rollback_completed')], NONE).state, 'crash-looping');
});

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
test(failedTask, { id: 't', currentState: 'Running 1 second ago', desiredState: 'Running', error: '' }, false);
test(failedTask, { id: 't', currentState: 'FailedX', desiredState: 'Running', error: '' }, false);
