// After a failed health probe: whether waiting can still help. A stack that died fails with its own
// reason; an address that cannot resolve while every service runs fails at once, since only a change to
// the recipe's CI overlay (a published host port) or to DNS makes it reachable.
import type { Convergence } from './convergence.js';

/** Probe errors that no amount of waiting mends once the stack runs. */
export const UNREACHABLE_CODES: ReadonlySet<string> = new Set(['ENOTFOUND']);

/** Why the wait for the app to answer should end now, or undefined while it may still answer. */
export function hopelessProbe(convergence: Convergence, probeError: string, url: string): string | undefined {
  if (convergence.state !== 'converged' && convergence.state !== 'settling') return `${convergence.state}: ${convergence.detail}`;
  if (convergence.state === 'converged' && UNREACHABLE_CODES.has(probeError)) {
    return `${url} cannot be reached (${probeError}) although every service runs: the app publishes no host port and its domain does not resolve here; publish the app's port on the host in the CI overlay (compose.ccci.yml: ports: - target: <port>, mode: host)`;
  }
  return undefined;
}
