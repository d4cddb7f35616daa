// After a failed health probe: whether waiting can still help. A stack that died fails with its own
// reason. An address that cannot resolve while every service runs fails at once, and one that keeps
// refusing connections while the app's own healthcheck passes fails after a few probes: only a change
// to the recipe's CI overlay (a published host port, the right target port) or to DNS mends either.
import type { Convergence } from './convergence.js';

/** Probe errors that no amount of waiting mends once the stack runs. */
export const UNREACHABLE_CODES: ReadonlySet<string> = new Set(['ENOTFOUND']);

/**
 * Refusals in a row, each while the app's container reported healthy, before the address counts as
 * wrong: one refusal may be a listener restarting, three a second apart are not.
 */
export const REFUSALS_WHILE_HEALTHY = 3;

export interface ProbeFacts {
  readonly convergence: Convergence;
  /** The last probe's error (a code such as ECONNREFUSED, or a description); '' while probes are answered. */
  readonly probeError: string;
  /** The address that probe tried. */
  readonly url: string;
  /** Probes refused in a row while the app's container reported healthy per its own healthcheck. */
  readonly refusedWhileHealthy: number;
}

/** Facts of a look at the stack alone, when no probe has failed. */
export function stackOnly(convergence: Convergence): ProbeFacts {
  return { convergence, probeError: '', url: '', refusedWhileHealthy: 0 };
}

/** Why the wait for the app to answer should end now, or undefined while it may still answer. */
export function hopelessProbe(facts: ProbeFacts): string | undefined {
  const { convergence, probeError, url } = facts;
  if (convergence.state !== 'converged' && convergence.state !== 'settling') return `${convergence.state}: ${convergence.detail}`;
  if (convergence.state !== 'converged') return undefined;
  if (UNREACHABLE_CODES.has(probeError)) {
    return `${url} cannot be reached (${probeError}) although every service runs: the app publishes no host port and its domain does not resolve here; publish the app's port on the host in the CI overlay (compose.ccci.yml: ports: - target: <port>, mode: host)`;
  }
  if (probeError === 'ECONNREFUSED' && facts.refusedWhileHealthy >= REFUSALS_WHILE_HEALTHY) {
    return `${url} refused ${facts.refusedWhileHealthy} connections in a row (ECONNREFUSED) while every service runs and the app's healthcheck passes: nothing listens behind that address; check that the CI overlay publishes the port the app listens on (compose.ccci.yml: ports: - target: <port the app listens on>, mode: host)`;
  }
  return undefined;
}
