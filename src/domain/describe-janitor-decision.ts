// One janitor decision as `ccci janitor` prints it and the log records it: domain, row, what was done
// and a detail that names the evidence (who holds the lock, since when, what was left).
import type { JanitorRow } from './janitor-decision.js';
import { describeOwner, type LockOwner } from './lock-owner.js';

export type JanitorAction = 'reaped' | 'would-reap' | 'left' | 'removed-record' | 'would-remove-record' | 'skipped' | 'failed';

export interface JanitorDecision {
  readonly domain: string;
  readonly row: JanitorRow;
  readonly action: JanitorAction;
  readonly detail: string;
}

/** The owner labels on a stack's services (docs/concurrency.md: per-run stacks are labelled with their run, host and instance). */
export interface StackOwnerLabels {
  readonly instance: string;
  readonly runId?: string;
  readonly host?: string;
}

function describeStackOwner(labels: StackOwnerLabels | undefined): string {
  if (labels === undefined) return 'an unknown instance';
  return [
    `instance ${labels.instance}`,
    labels.runId === undefined ? undefined : `run ${labels.runId}`,
    labels.host === undefined ? undefined : `on ${labels.host}`,
  ]
    .filter((part) => part !== undefined)
    .join(', ');
}

/** What the janitor learnt about one candidate on the way to its decision; plain data. */
export interface CandidateEvidence {
  /** The owner labels on the candidate's stack, when it has them. */
  readonly stackOwner?: StackOwnerLabels;
  readonly owner?: LockOwner;
  /** Milliseconds since the owner started. */
  readonly heldMs?: number;
  /** When the lock goes (or went) stale: its last refresh plus the staleness window. */
  readonly staleAt?: string;
  /** The owner record found right after acquiring, when it was not ours. */
  readonly ownerNow?: LockOwner;
  /** What a reap could not remove. */
  readonly leftovers?: readonly string[];
  /** The error that ended a probe, an acquire, a reap or a record removal. */
  readonly error?: string;
}

const unknownRun = 'an unknown run';

export function describeDecision(
  domain: string,
  row: JanitorRow,
  action: JanitorAction,
  evidence: CandidateEvidence,
  dryRun: boolean,
): JanitorDecision {
  const detail = (): string => {
    if (action === 'failed')
      return evidence.leftovers !== undefined && evidence.leftovers.length > 0
        ? `left: ${evidence.leftovers.join(', ')}`
        : `failed: ${evidence.error ?? 'unknown error'}`;
    switch (row) {
      case 'owner-gone':
        return `lock free: owner gone${dryRun ? ' (dry run)' : ''}`;
      case 'other-instance':
        return `the app of another cc-ci instance (${describeStackOwner(evidence.stackOwner)}): left to its janitor`;
      case 'unowned-stack':
        return "no cc-ci owner label and no lock record: not known to be this instance's; left (remove it by hand if it is a leftover)";
      case 'live':
        return `lock held by ${describeOwner(evidence.owner, unknownRun)}`;
      case 'dead-owner-lock-fresh':
        return `${describeOwner(evidence.owner, unknownRun)} is gone, but its lock is still fresh: reaped by the first pass after ${evidence.staleAt ?? 'the lock goes stale'}`;
      case 'possible-leaked-run':
        return `possible leaked run: lock held by ${describeOwner(evidence.owner, unknownRun)} for ${Math.round((evidence.heldMs ?? 0) / 60_000)} min, over twice the deadline; never stolen`;
      case 'lock-record-without-app':
        return `owner record of a run that left no app${dryRun ? ' (dry run)' : ''}`;
      case 'gone-meanwhile':
        return 'its run released the lock before the probe; nothing is left';
      case 'taken-while-acquiring':
        return 'another run or janitor took the lock first';
      case 'replaced-while-acquiring':
        return `the lock now belongs to ${describeOwner(evidence.ownerNow, unknownRun)}`;
      case 'lock-unreadable':
        return `cannot probe the lock: ${evidence.error ?? 'unknown error'}`;
      case 'lock-dir-missing':
        return evidence.error ?? 'the lock dir is missing or not writable';
    }
  };
  return { domain, row, action, detail: detail() };
}
