// Whose a per-run stack is: cc-ci labels the services of every app it deploys with the run, the host
// and the cc-ci instance (docs/concurrency.md), so a janitor can tell its own apps from another
// instance's on a shared swarm, even after a reboot has emptied its lock dir.
import { createHash } from 'node:crypto';
import type { CandidateFacts } from './janitor-decision.js';
import type { StackOwnerLabels } from './describe-janitor-decision.js';

export const OWNER_LABELS = { instance: 'ccci.instance', runId: 'ccci.run-id', host: 'ccci.host' } as const;

/**
 * The id of a cc-ci instance: its host and its lock dir, the one thing instances that coordinate
 * share. Stable across reboots (a lock dir on tmpfs is emptied, its path is not).
 */
export function instanceIdOf(host: string, lockDirRealPath: string): string {
  return createHash('sha256').update(`${host}\0${lockDirRealPath}`).digest('hex').slice(0, 12);
}

/** The labels a run puts on its app's services. */
export function ownerLabels(owner: { readonly instance: string; readonly runId: string; readonly host: string }): Record<string, string> {
  return { [OWNER_LABELS.instance]: owner.instance, [OWNER_LABELS.runId]: owner.runId, [OWNER_LABELS.host]: owner.host };
}

/** Whose a stack is, from the labels of each of its services (none when it has no services). */
export function stackOwnerOf(
  servicesLabels: readonly Readonly<Record<string, string>>[],
  instance: string,
): { readonly stackOwner: CandidateFacts['stackOwner']; readonly labels?: StackOwnerLabels } {
  const labelled = servicesLabels.find((labels) => labels[OWNER_LABELS.instance] !== undefined);
  if (labelled === undefined) return { stackOwner: 'unlabelled' };
  const labels: StackOwnerLabels = {
    instance: labelled[OWNER_LABELS.instance]!,
    ...(labelled[OWNER_LABELS.runId] === undefined ? {} : { runId: labelled[OWNER_LABELS.runId] }),
    ...(labelled[OWNER_LABELS.host] === undefined ? {} : { host: labelled[OWNER_LABELS.host] }),
  };
  // one service labelled by another instance makes the stack another's: never reap half of someone's app
  const other = servicesLabels.some((entry) => entry[OWNER_LABELS.instance] !== undefined && entry[OWNER_LABELS.instance] !== instance);
  return { stackOwner: other ? 'other-instance' : 'this-instance', labels };
}
