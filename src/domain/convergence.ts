// Reading a stack's state: converged, still settling, or crash-looping (fail fast, not after the timeout).
import type { ServiceStatus, TaskStatus } from '../io/docker.js';

export interface ServiceSnapshot {
  readonly service: ServiceStatus;
  readonly tasks: readonly TaskStatus[];
  readonly updateState: string | undefined;
}

export type Convergence =
  | { readonly state: 'converged' }
  | { readonly state: 'settling'; readonly detail: string }
  | { readonly state: 'crash-looping'; readonly detail: string }
  | { readonly state: 'never-healthy'; readonly detail: string }
  | { readonly state: 'rolled-back'; readonly detail: string };

/** Failed tasks needed before we call it a crash loop rather than a slow start. */
export const CRASH_LOOP_FAILURES = 3;

export function isFailedTask(task: TaskStatus): boolean {
  return /^(Failed|Rejected)\b/.test(task.currentState) || (task.desiredState === 'Shutdown' && task.error !== '');
}

/** `baselineFailures`: ids of tasks that had already failed before this deploy started. */
export function assessConvergence(snapshots: readonly ServiceSnapshot[], baselineFailures: ReadonlySet<string>): Convergence {
  if (snapshots.length === 0) return { state: 'settling', detail: 'no services yet' };
  const unsettled: string[] = [];
  for (const { service, tasks, updateState } of snapshots) {
    const failures = tasks.filter((task) => isFailedTask(task) && !baselineFailures.has(task.id));
    if (failures.length >= CRASH_LOOP_FAILURES) {
      const last = failures[0]!.error || failures[0]!.currentState;
      // swarm kills a container whose healthcheck keeps failing: that is a recipe that never gets healthy
      if (failures.every((task) => task.error.includes('unhealthy'))) {
        return { state: 'never-healthy', detail: `service ${service.name} was killed as unhealthy ${failures.length} times (its healthcheck never passed); last error: ${last}` };
      }
      return { state: 'crash-looping', detail: `service ${service.name} has ${failures.length} failed tasks; last error: ${last}` };
    }
    if (updateState !== undefined && updateState.startsWith('rollback')) {
      return { state: 'rolled-back', detail: `swarm rolled back the update of ${service.name} (${updateState})` };
    }
    const wanted = tasks.filter((task) => task.desiredState === 'Running');
    const running = wanted.filter((task) => task.currentState.startsWith('Running'));
    const settled = service.desired > 0 && running.length === service.desired && wanted.length === service.desired && updateState !== 'updating';
    if (!settled) {
      const latest = tasks[0];
      const last = latest === undefined ? 'no task yet' : `${latest.currentState}${latest.error === '' ? '' : ` (${latest.error})`}`;
      unsettled.push(`${service.name} ${running.length}/${service.desired}, latest task: ${last}`);
    }
  }
  return unsettled.length === 0 ? { state: 'converged' } : { state: 'settling', detail: unsettled.join('; ') };
}
