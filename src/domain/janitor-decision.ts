// The janitor's decision table as one pure function: the facts known about one candidate domain in,
// the row and the next step out. The janitor machine calls it after every step that learns a fact
// (probe, acquire, identity re-check), so the table alone decides what happens; docs/concurrency.md
// shows the table this file generates.
import * as z from 'zod';

export const CandidateFacts = z.object({
  stack: z.enum(['present', 'absent']).describe('a stack, service, volume, secret or config of the domain is on the engine'),
  stackOwner: z
    .enum(['this-instance', 'other-instance', 'unlabelled', 'none'])
    .describe(
      "the `ccci.instance` label on the stack's services: this cc-ci instance's, another instance's, none (no services, or not labelled by cc-ci), or there is no stack",
    ),
  lock: z
    .enum(['free', 'fresh', 'stale', 'unreadable'])
    .describe('the lock dir: absent, refreshed within the staleness window, not refreshed for longer, or not stat-able'),
  owner: z.enum(['recorded', 'missing']).describe('an owner record (run id, pid, host, since) is in the lock dir'),
  ownerProcess: z
    .enum(['alive', 'dead', 'elsewhere', 'unknown'])
    .describe(
      "the owner's pid on this host: alive, gone (no such process, or a zombie nobody reaped), or the owner ran on another host, or no record",
    ),
  age: z.enum(['within', 'over', 'unknown']).describe("the owner's start versus twice the deadline"),
  acquire: z.enum(['not-tried', 'acquired', 'refused', 'failed']).describe('taking the lock (a stale one is taken over)'),
  identity: z
    .enum(['unchecked', 'ours', 'replaced'])
    .describe('after acquiring: the owner record is ours, or someone replaced the lock meanwhile'),
});
export type CandidateFacts = z.infer<typeof CandidateFacts>;

export type JanitorRow =
  | 'owner-gone'
  | 'other-instance'
  | 'unowned-stack'
  | 'live'
  | 'dead-owner-lock-fresh'
  | 'possible-leaked-run'
  | 'lock-record-without-app'
  | 'gone-meanwhile'
  | 'taken-while-acquiring'
  | 'replaced-while-acquiring'
  | 'lock-unreadable'
  | 'lock-dir-missing';

/** What the janitor does next for the candidate; `leave` and `skip` end it without touching anything. */
export type JanitorStep = 'acquire' | 'check-identity' | 'reap' | 'remove-record' | 'leave' | 'skip';

export interface JanitorVerdict {
  readonly row: JanitorRow;
  readonly step: JanitorStep;
}

/** Facts before anything is probed (what listing the candidates found): the machine fills them in as it learns them. */
export function unprobed(stack: CandidateFacts['stack'], stackOwner: CandidateFacts['stackOwner']): CandidateFacts {
  return {
    stack,
    stackOwner,
    lock: 'free',
    owner: 'missing',
    ownerProcess: 'unknown',
    age: 'unknown',
    acquire: 'not-tried',
    identity: 'unchecked',
  };
}

export function decideCandidate(facts: CandidateFacts): JanitorVerdict {
  if (facts.lock === 'unreadable') return { row: 'lock-unreadable', step: 'skip' };
  if (facts.lock === 'fresh') {
    // someone refreshes this lock: it is never stolen, whatever else is known
    if (facts.age === 'over') return { row: 'possible-leaked-run', step: 'leave' };
    if (facts.owner === 'recorded' && facts.ownerProcess === 'dead') return { row: 'dead-owner-lock-fresh', step: 'leave' };
    return { row: 'live', step: 'leave' };
  }
  // another instance keeps its locks in its own lock dir: nothing in ours says its run is over
  if (facts.stackOwner === 'other-instance') return { row: 'other-instance', step: 'leave' };
  // no label of ours and no record of ours: nothing says it is this instance's
  if (facts.stack === 'present' && facts.stackOwner !== 'this-instance' && facts.owner === 'missing')
    return { row: 'unowned-stack', step: 'leave' };
  // free, or stale (its holder stopped refreshing it): the owner is gone
  if (facts.acquire === 'failed') return { row: 'lock-unreadable', step: 'skip' };
  if (facts.stack === 'absent' && facts.owner === 'missing') return { row: 'gone-meanwhile', step: 'leave' };
  const row: JanitorRow = facts.stack === 'present' ? 'owner-gone' : 'lock-record-without-app';
  if (facts.acquire === 'not-tried') return { row, step: 'acquire' };
  if (facts.acquire === 'refused') return { row: 'taken-while-acquiring', step: 'leave' };
  if (facts.identity === 'unchecked') return { row, step: 'check-identity' };
  if (facts.identity === 'replaced') return { row: 'replaced-while-acquiring', step: 'skip' };
  return { row, step: facts.stack === 'present' ? 'reap' : 'remove-record' };
}

/**
 * Whether the janitor can ever hold these facts together: a stack has an owner label fact (and no
 * stack has none), an owner record comes with its process and age facts (and none without it), the
 * lock is only tried when the table said acquire, and identity is only re-checked after acquiring.
 * The docs table walks these; the tests walk all.
 */
export function isReachable(facts: CandidateFacts): boolean {
  if ((facts.stack === 'absent') !== (facts.stackOwner === 'none')) return false;
  if ((facts.owner === 'missing') !== (facts.ownerProcess === 'unknown')) return false;
  if ((facts.owner === 'missing') !== (facts.age === 'unknown')) return false;
  if (facts.acquire !== 'not-tried' && decideCandidate({ ...facts, acquire: 'not-tried', identity: 'unchecked' }).step !== 'acquire')
    return false;
  return facts.identity === 'unchecked' || facts.acquire === 'acquired';
}

/** Every combination of facts, reachable or not, in schema order. */
export function everyCandidateFacts(): CandidateFacts[] {
  const keys = Object.keys(CandidateFacts.shape) as (keyof CandidateFacts)[];
  return keys.reduce<CandidateFacts[]>(
    (partial, key) =>
      partial.flatMap((facts) => CandidateFacts.shape[key].options.map((value) => ({ ...facts, [key]: value }) as CandidateFacts)),
    [{} as CandidateFacts],
  );
}
