// What the engine reports about a stack's services, tasks and containers, as the convergence rules read it.

export interface ServiceStatus {
  readonly name: string;
  readonly running: number;
  readonly desired: number;
}

export interface TaskStatus {
  readonly id: string;
  readonly currentState: string;
  readonly desiredState: string;
  readonly error: string;
}

/** Swarm's restart policy of a service (`deploy.restart_policy`); maxAttempts 0 means no limit. */
export interface RestartPolicy {
  readonly condition: 'any' | 'on-failure' | 'none';
  readonly maxAttempts: number;
}

/**
 * A container's health: its status and how many probes in a row failed. The engine marks every stopped
 * container `unhealthy`, so only a failing streak says the healthcheck itself failed.
 */
export interface ContainerHealth {
  readonly status: string;
  readonly failingStreak: number;
}
