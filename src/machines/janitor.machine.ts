// The janitor machine (docs/concurrency.md#the-janitor-decision-table): one pass over the candidate
// domains. Per candidate it probes, asks `decideCandidate` what to do, and does only that: acquire,
// re-check identity, reap or remove the record, release. The table decides; the machine sequences;
// the actors do the I/O. Context is plain data (held locks live in the actors, keyed by domain).
import { assign, setup } from 'xstate';
import { decideCandidate, unprobed, type CandidateFacts, type JanitorStep } from '../domain/janitor-decision.js';
import {
  describeDecision,
  type CandidateEvidence,
  type JanitorAction,
  type JanitorDecision,
  type StackOwnerLabels,
} from '../domain/describe-janitor-decision.js';
import type { LockOwner } from '../domain/lock-owner.js';
import { unprovidedPromise } from './unprovided.js';

/** A candidate as listing found it: its domain, whether a stack of it is there, and whose the stack says it is. */
export interface JanitorCandidate {
  readonly domain: string;
  readonly stack: CandidateFacts['stack'];
  readonly stackOwner: CandidateFacts['stackOwner'];
  /** The owner labels of the stack's services, when they carry an instance label. */
  readonly stackLabels?: StackOwnerLabels;
}

export interface JanitorInput {
  readonly dryRun: boolean;
}

/** What a probe learns without taking anything. */
export interface ProbeOutput {
  readonly facts: Pick<CandidateFacts, 'lock' | 'owner' | 'ownerProcess' | 'age'>;
  readonly evidence: CandidateEvidence;
}

export interface IdentityOutput {
  readonly identity: 'ours' | 'replaced';
  readonly ownerNow?: CandidateEvidence['ownerNow'];
}

export interface JanitorContext {
  readonly dryRun: boolean;
  readonly candidates: readonly JanitorCandidate[];
  /** Index of the candidate being judged. */
  readonly index: number;
  readonly facts: CandidateFacts | null;
  readonly evidence: CandidateEvidence;
  /** Set when the candidate's course is run: what was done. */
  readonly action: JanitorAction | null;
  readonly decisions: readonly JanitorDecision[];
  /** The pass could not list candidates: why. */
  readonly error: string | null;
}

export type JanitorOutput = Pick<JanitorContext, 'decisions' | 'error'>;

type DomainInput = { readonly domain: string };

/** A reap: the domain, and the owner record of a run that died on this host (its run is then recorded as killed). */
export interface ReapInput extends DomainInput {
  readonly deadOwner: LockOwner | null;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

function current(context: JanitorContext): JanitorCandidate {
  return context.candidates[context.index]!;
}

/** The reap of the current candidate: a run is recorded as killed only when its owner's pid is gone on this host. */
export function reapInputOf(context: JanitorContext): ReapInput {
  return {
    domain: current(context).domain,
    deadOwner: context.facts!.ownerProcess === 'dead' ? (context.evidence.owner ?? null) : null,
  };
}

function stepOf(context: JanitorContext): JanitorStep {
  return decideCandidate(context.facts!).step;
}

export const janitorMachine = setup({
  types: {
    input: {} as JanitorInput,
    context: {} as JanitorContext,
    output: {} as JanitorOutput,
  },
  actors: {
    checkLockDir: unprovidedPromise<void, undefined>('checkLockDir'),
    listCandidates: unprovidedPromise<JanitorCandidate[], undefined>('listCandidates'),
    probeCandidate: unprovidedPromise<ProbeOutput, DomainInput>('probeCandidate'),
    acquireLock: unprovidedPromise<'acquired' | 'refused', DomainInput>('acquireLock'),
    checkIdentity: unprovidedPromise<IdentityOutput, DomainInput>('checkIdentity'),
    reapApp: unprovidedPromise<{ leftovers: string[] }, ReapInput>('reapApp'),
    removeRecord: unprovidedPromise<void, DomainInput>('removeRecord'),
    releaseLock: unprovidedPromise<void, DomainInput>('releaseLock'),
    /** Drops a lock that is no longer ours without removing anything the new holder wrote. */
    abandonLock: unprovidedPromise<void, DomainInput>('abandonLock'),
  },
  actions: {
    learn: assign({
      facts: ({ context }, learnt: Partial<CandidateFacts>) => ({ ...context.facts!, ...learnt }),
    }),
    note: assign({
      evidence: ({ context }, learnt: CandidateEvidence) => ({ ...context.evidence, ...learnt }),
    }),
    act: assign({ action: (_, action: JanitorAction) => action }),
    record: assign({
      decisions: ({ context }) => {
        const { row } = decideCandidate(context.facts!);
        return [...context.decisions, describeDecision(current(context).domain, row, context.action!, context.evidence, context.dryRun)];
      },
      index: ({ context }) => context.index + 1,
    }),
  },
  guards: {
    allJudged: ({ context }) => context.index >= context.candidates.length,
    next: ({ context }, step: JanitorStep) => stepOf(context) === step,
    dryRun: ({ context }) => context.dryRun,
    /** Acquired, then found the record replaced: the lock handle must be dropped, not released. */
    holdsReplaced: ({ context }) => context.facts!.acquire === 'acquired' && context.facts!.identity === 'replaced',
  },
}).createMachine({
  id: 'janitor',
  context: ({ input }) => ({
    dryRun: input.dryRun,
    candidates: [],
    index: 0,
    facts: null,
    evidence: {},
    action: null,
    decisions: [],
    error: null,
  }),
  initial: 'checkingLockDir',
  states: {
    checkingLockDir: {
      invoke: {
        id: 'checkLockDir',
        src: 'checkLockDir',
        onDone: 'listing',
        onError: {
          target: 'done',
          actions: assign({
            decisions: ({ event }) => [describeDecision('*', 'lock-dir-missing', 'skipped', { error: messageOf(event.error) }, false)],
          }),
        },
      },
    },
    listing: {
      invoke: {
        id: 'listCandidates',
        src: 'listCandidates',
        onDone: { target: 'nextCandidate', actions: assign({ candidates: ({ event }) => event.output }) },
        onError: { target: 'done', actions: assign({ error: ({ event }) => `cannot list candidates: ${messageOf(event.error)}` }) },
      },
    },
    nextCandidate: {
      always: [
        { guard: 'allJudged', target: 'done' },
        {
          target: 'probing',
          actions: assign({
            facts: ({ context }) => unprobed(current(context).stack, current(context).stackOwner),
            evidence: ({ context }) => (current(context).stackLabels === undefined ? {} : { stackOwner: current(context).stackLabels }),
            action: null,
          }),
        },
      ],
    },
    probing: {
      invoke: {
        id: 'probeCandidate',
        src: 'probeCandidate',
        input: ({ context }) => ({ domain: current(context).domain }),
        onDone: {
          target: 'deciding',
          actions: [
            { type: 'learn', params: ({ event }) => event.output.facts },
            { type: 'note', params: ({ event }) => event.output.evidence },
          ],
        },
        onError: {
          target: 'deciding',
          actions: [
            { type: 'learn', params: { lock: 'unreadable' } },
            { type: 'note', params: ({ event }) => ({ error: messageOf(event.error) }) },
          ],
        },
      },
    },
    deciding: {
      always: [
        { guard: { type: 'next', params: 'acquire' }, target: 'dryRunStop' },
        { guard: { type: 'next', params: 'check-identity' }, target: 'checkingIdentity' },
        { guard: { type: 'next', params: 'reap' }, target: 'reaping' },
        { guard: { type: 'next', params: 'remove-record' }, target: 'removingRecord' },
        { guard: 'holdsReplaced', target: 'abandoning', actions: { type: 'act', params: 'skipped' } },
        { guard: { type: 'next', params: 'leave' }, target: 'recording', actions: { type: 'act', params: 'left' } },
        { target: 'recording', actions: { type: 'act', params: 'skipped' } },
      ],
    },
    dryRunStop: {
      description: 'A dry run says what it would do and takes nothing.',
      always: [
        {
          guard: 'dryRun',
          target: 'recording',
          actions: { type: 'act', params: ({ context }) => (current(context).stack === 'present' ? 'would-reap' : 'would-remove-record') },
        },
        { target: 'acquiring' },
      ],
    },
    acquiring: {
      invoke: {
        id: 'acquireLock',
        src: 'acquireLock',
        input: ({ context }) => ({ domain: current(context).domain }),
        onDone: { target: 'deciding', actions: { type: 'learn', params: ({ event }) => ({ acquire: event.output }) } },
        onError: {
          target: 'deciding',
          actions: [
            { type: 'learn', params: { acquire: 'failed' } },
            { type: 'note', params: ({ event }) => ({ error: messageOf(event.error) }) },
          ],
        },
      },
    },
    checkingIdentity: {
      invoke: {
        id: 'checkIdentity',
        src: 'checkIdentity',
        input: ({ context }) => ({ domain: current(context).domain }),
        onDone: {
          target: 'deciding',
          actions: [
            { type: 'learn', params: ({ event }) => ({ identity: event.output.identity }) },
            { type: 'note', params: ({ event }) => ({ ownerNow: event.output.ownerNow }) },
          ],
        },
        // a record we cannot read right after writing it is not proof the lock is ours
        onError: {
          target: 'deciding',
          actions: [
            { type: 'learn', params: { identity: 'replaced' } },
            { type: 'note', params: ({ event }) => ({ error: messageOf(event.error) }) },
          ],
        },
      },
    },
    reaping: {
      description: 'Only ever entered holding the lock, after the identity re-check said it is ours.',
      invoke: {
        id: 'reapApp',
        src: 'reapApp',
        input: ({ context }) => reapInputOf(context),
        onDone: {
          target: 'releasing',
          actions: [
            { type: 'note', params: ({ event }) => ({ leftovers: event.output.leftovers }) },
            { type: 'act', params: ({ event }) => (event.output.leftovers.length === 0 ? 'reaped' : 'failed') },
          ],
        },
        onError: {
          target: 'releasing',
          actions: [
            { type: 'note', params: ({ event }) => ({ error: messageOf(event.error) }) },
            { type: 'act', params: 'failed' },
          ],
        },
      },
    },
    removingRecord: {
      invoke: {
        id: 'removeRecord',
        src: 'removeRecord',
        input: ({ context }) => ({ domain: current(context).domain }),
        onDone: { target: 'releasing', actions: { type: 'act', params: 'removed-record' } },
        onError: {
          target: 'releasing',
          actions: [
            { type: 'note', params: ({ event }) => ({ error: messageOf(event.error) }) },
            { type: 'act', params: 'failed' },
          ],
        },
      },
    },
    releasing: {
      invoke: {
        id: 'releaseLock',
        src: 'releaseLock',
        input: ({ context }) => ({ domain: current(context).domain }),
        onDone: 'recording',
        // the lock goes stale by itself; what was done stands
        onError: 'recording',
      },
    },
    abandoning: {
      invoke: {
        id: 'abandonLock',
        src: 'abandonLock',
        input: ({ context }) => ({ domain: current(context).domain }),
        onDone: 'recording',
        onError: 'recording',
      },
    },
    recording: {
      always: { target: 'nextCandidate', actions: 'record' },
    },
    done: { type: 'final' },
  },
  output: ({ context }) => ({ decisions: context.decisions, error: context.error }),
});
