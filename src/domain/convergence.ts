// Reading a stack's state: converged, still settling, or already dead — said as soon as it is, not
// after DEPLOY_TIMEOUT. Only tasks of this deploy count (ids not in `before`).
import type { ContainerHealth, RestartPolicy, ServiceStatus, TaskStatus } from './swarm-state.js';

/** A task as observed, with its container's health when it ended (when the container was still there to ask). */
export interface ObservedTask extends TaskStatus {
  readonly health?: ContainerHealth | undefined;
}

export interface ServiceSnapshot {
  readonly service: ServiceStatus;
  /** Newest first. */
  readonly tasks: readonly ObservedTask[];
  readonly updateState: string | undefined;
  readonly policy: RestartPolicy;
}

export type Convergence =
  | { readonly state: 'converged' }
  | { readonly state: 'settling'; readonly detail: string }
  | { readonly state: 'dead'; readonly detail: string }
  | { readonly state: 'crash-looping'; readonly detail: string }
  | { readonly state: 'never-healthy'; readonly detail: string }
  | { readonly state: 'rolled-back'; readonly detail: string };

/** Failed tasks needed before we call it a crash loop rather than a slow start (swarm is still restarting it). */
export const CRASH_LOOP_FAILURES = 3;

const TERMINAL = /^(Complete|Failed|Rejected|Shutdown|Orphaned|Remove)\b/;
/** What the engine says when an image cannot be had: no restart brings it. */
const MISSING_IMAGE = /No such image|pull access denied|manifest unknown|repository does not exist|not found: manifest/i;

export function isTerminalTask(task: TaskStatus): boolean {
  return TERMINAL.test(task.currentState);
}

export function isFailedTask(task: TaskStatus): boolean {
  return /^(Failed|Rejected)\b/.test(task.currentState) || (task.desiredState === 'Shutdown' && task.error !== '');
}

/** Killed by swarm because its healthcheck failed: the error says so, or (exit 0 on SIGTERM) only the container's health does. */
export function wasKilledUnhealthy(task: ObservedTask): boolean {
  return isTerminalTask(task) && (task.error.includes('unhealthy') || failedItsHealthcheck(task));
}

function failedItsHealthcheck(task: ObservedTask): boolean {
  return task.health?.status === 'unhealthy' && task.health.failingStreak > 0;
}

/** A task swarm still means to run (a restart waits its delay as a task desired Ready). */
function isLive(task: TaskStatus): boolean {
  return (task.desiredState === 'Running' || task.desiredState === 'Ready') && !isTerminalTask(task);
}

/** "Failed (task: non-zero exit (3))": the state without its age, the error without docker's quotes. */
function describeTask(task: TaskStatus): string {
  const state = task.currentState.replace(/\s+\d+\s+\w+\s+ago$|\s+(about|less than)\s.*ago$/, '');
  const error = task.error.replace(/^"(.*)"$/, '$1');
  return `${state}${error === '' ? '' : ` (${error})`}`;
}

function describePolicy(policy: RestartPolicy): string {
  return `restart_policy condition ${policy.condition}${policy.maxAttempts > 0 ? `, max_attempts ${policy.maxAttempts}` : ''}`;
}

/** Why swarm will not start another task after `latest`, or undefined while it still may. */
export function restartRefusal(latest: TaskStatus, endedTasks: number, policy: RestartPolicy): string | undefined {
  if (policy.condition === 'none') return `${describePolicy(policy)} never restarts a task`;
  if (policy.condition === 'on-failure' && /^Complete\b/.test(latest.currentState)) {
    return `its process exited 0, and ${describePolicy(policy)} restarts only failures`;
  }
  if (policy.maxAttempts > 0 && endedTasks > policy.maxAttempts)
    return `${describePolicy(policy)}: swarm gave up after ${endedTasks} tasks`;
  return undefined;
}

/** The verdict on one service from its tasks of this deploy, or undefined when it is not (yet) hopeless. */
export function judgeService(
  snapshot: ServiceSnapshot,
  before: ReadonlySet<string>,
): Exclude<Convergence, { state: 'converged' | 'settling' }> | undefined {
  const { service, policy } = snapshot;
  const tasks = snapshot.tasks.filter((task) => !before.has(task.id));
  const missingImage = tasks.find((task) => MISSING_IMAGE.test(task.error));
  if (missingImage !== undefined) {
    return {
      state: 'dead',
      detail: `service ${service.name} cannot start: its image is not available (task ${describeTask(missingImage)})`,
    };
  }
  const killedUnhealthy = tasks.find(wasKilledUnhealthy);
  if (killedUnhealthy !== undefined) {
    const ended = tasks.filter(isTerminalTask).length;
    const refusal = tasks.some(isLive) ? undefined : restartRefusal(killedUnhealthy, ended, policy);
    // when the task's error does not say so, the container's failing streak is the evidence: name it
    const streak =
      killedUnhealthy.error.includes('unhealthy') || !failedItsHealthcheck(killedUnhealthy)
        ? ''
        : `, ${killedUnhealthy.health!.failingStreak} failed probes in a row`;
    return {
      state: 'never-healthy',
      detail: `service ${service.name} was stopped by swarm as unhealthy: its healthcheck never passed (task ${describeTask(killedUnhealthy)}${streak})${refusal === undefined ? '' : `; ${refusal}`}`,
    };
  }
  const latest = tasks[0];
  if (service.desired > 0 && latest !== undefined && isTerminalTask(latest) && !tasks.some(isLive)) {
    const refusal = restartRefusal(latest, tasks.filter(isTerminalTask).length, policy);
    if (refusal !== undefined)
      return {
        state: 'dead',
        detail: `service ${service.name} has no task running and will get none: its last task ended ${describeTask(latest)}; ${refusal}`,
      };
  }
  const failures = tasks.filter(isFailedTask);
  if (failures.length >= CRASH_LOOP_FAILURES) {
    return {
      state: 'crash-looping',
      detail: `service ${service.name} has ${failures.length} failed tasks; last: ${describeTask(failures[0]!)}`,
    };
  }
  if (snapshot.updateState !== undefined && snapshot.updateState.startsWith('rollback')) {
    return { state: 'rolled-back', detail: `swarm rolled back the update of ${service.name} (${snapshot.updateState})` };
  }
  return undefined;
}

/** `before`: ids of the tasks that existed before this deploy started; they are not its evidence. */
export function assessConvergence(snapshots: readonly ServiceSnapshot[], before: ReadonlySet<string>): Convergence {
  if (snapshots.length === 0) return { state: 'settling', detail: 'no services yet' };
  const unsettled: string[] = [];
  for (const snapshot of snapshots) {
    const judged = judgeService(snapshot, before);
    if (judged !== undefined) return judged;
    const { service, tasks, updateState } = snapshot;
    const wanted = tasks.filter((task) => task.desiredState === 'Running');
    const running = wanted.filter((task) => task.currentState.startsWith('Running'));
    // a rolling update whose every wanted task is this deploy's, running, has only swarm's monitor
    // period left (update_config.monitor, 5 s by default); the stack watch goes on looking for a
    // rollback while the health probes run, so that period is not waited out here
    const replaced = running.every((task) => !before.has(task.id));
    const settled =
      service.desired > 0 &&
      running.length === service.desired &&
      wanted.length === service.desired &&
      (updateState !== 'updating' || replaced);
    if (!settled) {
      const latest = tasks[0];
      unsettled.push(
        `${service.name} ${running.length}/${service.desired}, latest task: ${latest === undefined ? 'no task yet' : describeTask(latest)}`,
      );
    }
  }
  return unsettled.length === 0 ? { state: 'converged' } : { state: 'settling', detail: unsettled.join('; ') };
}
