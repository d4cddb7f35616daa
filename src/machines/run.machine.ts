// The run machine (docs/architecture.md): one run, one machine. Pure: every side effect is an actor named in setup().
import { assign, setup } from 'xstate';
import type { AbortReason } from '../domain/verdict.js';
import type { LintResult, StageFailure, TeardownReport, TierName, TierResult } from '../domain/run-types.js';
import type { PreparedRun } from '../recipes/prepared-run.js';
import { supervisorMachine } from './supervisor.machine.js';
import { unprovidedCallback, unprovidedPromise } from './unprovided.js';

export interface RunContext {
  readonly prepared: PreparedRun | null;
  readonly failure: StageFailure | null;
  readonly lockHeld: boolean;
  /** Set when the held lock was taken over (says by whom): the domain is someone else's now, so it is never torn down. */
  readonly lockLost: string | null;
  readonly tiers: readonly TierResult[];
  readonly lint: LintResult | null;
  readonly teardown: TeardownReport | null;
  readonly abortReason: AbortReason | null;
  readonly abortsIgnored: number;
}

export type RunEvent =
  | { type: 'run.abort'; reason: AbortReason }
  | { type: 'lock.acquired' }
  | { type: 'lock.failed'; message: string }
  /** The held lock was compromised (this process stalled past the staleness window and another run took the domain). */
  | { type: 'lock.lost'; message: string };

export type RunOutput = RunContext;

/** Thrown by actors when the failure is not a plain crash: carries how to classify it. */
export interface StageError {
  readonly stageFailure: StageFailure;
}

function toStageFailure(stage: StageFailure['stage'], error: unknown): StageFailure {
  if (typeof error === 'object' && error !== null && 'stageFailure' in error) return (error as StageError).stageFailure;
  return { stage, kind: 'harness', message: error instanceof Error ? error.message : String(error) };
}

function tierFailed(context: RunContext, name: TierName): boolean {
  const tier = context.tiers.find((candidate) => candidate.name === name);
  return tier === undefined || tier.status === 'fail' || tier.status === 'unver';
}

export const runMachine = setup({
  types: {
    context: {} as RunContext,
    events: {} as RunEvent,
    output: {} as RunOutput,
  },
  actors: {
    superviseRun: supervisorMachine,
    sweepLeftovers: unprovidedPromise<void, undefined>('sweepLeftovers'),
    prepareRun: unprovidedPromise<PreparedRun, undefined>('prepareRun'),
    lintRecipe: unprovidedPromise<LintResult, { readonly headSha: string }>('lintRecipe'),
    holdDomainLock: unprovidedCallback<RunEvent, { readonly dependencyDomains: readonly string[] }>('holdDomainLock'),
    installApp: unprovidedPromise<void, { readonly prepared: PreparedRun }>('installApp'),
    runTier: unprovidedPromise<TierResult, { readonly prepared: PreparedRun; readonly tier: TierName }>('runTier'),
    tearDownApp: unprovidedPromise<
      TeardownReport,
      { readonly dependencies: readonly { readonly domain: string; readonly stack: string }[] }
    >('tearDownApp'),
  },
  actions: {
    recordAbort: assign({
      abortReason: ({ context, event }) => context.abortReason ?? (event.type === 'run.abort' ? event.reason : context.abortReason),
    }),
    recordLockLost: assign({
      lockLost: ({ event }) => (event.type === 'lock.lost' ? event.message : 'the domain lock was lost'),
      abortReason: ({ context }) => context.abortReason ?? 'lock-lost',
    }),
    countIgnoredAbort: assign({ abortsIgnored: ({ context }) => context.abortsIgnored + 1 }),
    recordLint: assign({ lint: (_, lint: LintResult) => lint }),
    recordTier: assign({
      tiers: ({ context }, tier: TierResult) => [...context.tiers, tier],
    }),
  },
  guards: {
    installFailed: ({ context }) => tierFailed(context, 'install'),
    upgradeDue: ({ context }) => context.prepared?.base.kind !== 'skip',
    backupDue: ({ context }) => context.prepared?.backupCapable === true,
    backupFailed: ({ context }) => tierFailed(context, 'backup'),
    functionalDue: ({ context }) => (context.prepared?.functionalTests.length ?? 0) > 0,
    appDead: ({ context }) => context.tiers.some((tier) => tier.appDead === true),
    checkedOut: ({ context }) => context.failure?.headSha !== undefined,
  },
}).createMachine({
  id: 'run',
  context: {
    prepared: null,
    failure: null,
    lockHeld: false,
    lockLost: null,
    tiers: [],
    lint: null,
    teardown: null,
    abortReason: null,
    abortsIgnored: 0,
  },
  // Stage 1: armed before any abra call or lock, alive until the machine stops.
  invoke: { id: 'superviseRun', src: 'superviseRun' },
  on: { 'run.abort': { actions: 'recordAbort' } },
  initial: 'sweeping',
  states: {
    sweeping: {
      description: 'Janitor pass: reap what dead runs left behind; never touches live runs.',
      meta: { stage: 'janitor' },
      invoke: { id: 'sweepLeftovers', src: 'sweepLeftovers', onDone: 'preparing', onError: 'preparing' },
      on: { 'run.abort': { target: 'reporting', actions: 'recordAbort' } },
    },
    preparing: {
      description: 'Per-run ABRA_DIR, clone, pinned checkout, customization, upgrade base.',
      meta: { stage: 'prepare' },
      invoke: {
        id: 'prepareRun',
        src: 'prepareRun',
        onDone: { target: 'testing', actions: assign({ prepared: ({ event }) => event.output }) },
        onError: { target: 'prepareFailed', actions: assign({ failure: ({ event }) => toStageFailure('prepare', event.error) }) },
      },
      on: { 'run.abort': { target: 'reporting', actions: 'recordAbort' } },
    },
    prepareFailed: {
      always: [{ guard: 'checkedOut', target: 'lintingBrokenRecipe' }, { target: 'reporting' }],
    },
    lintingBrokenRecipe: {
      description: 'The recipe is too broken to deploy at the tested commit; lint needs no deploy and still reports.',
      meta: { stage: 'lint' },
      invoke: lintInvoke('reporting', ({ context }) => context.failure!.headSha!),
      on: { 'run.abort': { target: 'reporting', actions: 'recordAbort' } },
    },
    testing: {
      type: 'parallel',
      onDone: 'reporting',
      states: {
        lint: {
          initial: 'linting',
          states: {
            linting: {
              description: 'abra recipe lint on a pristine clone at the tested ref; independent of the deployment.',
              meta: { stage: 'lint' },
              invoke: lintInvoke('linted', ({ context }) => context.prepared!.headSha),
              on: {
                'run.abort': {
                  target: 'linted',
                  actions: [
                    'recordAbort',
                    assign({ lint: { status: 'unver', rulesFailed: [], warnings: [], detail: 'aborted before lint finished' } }),
                  ],
                },
              },
            },
            linted: { type: 'final' },
          },
        },
        app: {
          initial: 'holdingDomain',
          states: {
            holdingDomain: {
              description: 'The per-domain lock is held for as long as this state is active.',
              invoke: {
                id: 'holdDomainLock',
                src: 'holdDomainLock',
                input: ({ context }) => ({
                  dependencyDomains: context.prepared?.dependencies.map((dependency) => dependency.domain) ?? [],
                }),
              },
              initial: 'waitingForLock',
              onDone: 'released',
              on: {
                'run.abort': { target: '.tearingDown', actions: 'recordAbort' },
                // whatever it was doing, teardown included: the app on that domain may be the new owner's now
                'lock.lost': { target: '#run.testing.app.released', actions: 'recordLockLost' },
              },
              states: {
                waitingForLock: {
                  meta: { stage: 'lock' },
                  on: {
                    'lock.acquired': { target: 'installingApp', actions: assign({ lockHeld: true }) },
                    'lock.failed': {
                      target: '#run.testing.app.released',
                      actions: assign({ failure: ({ event }) => ({ stage: 'lock', kind: 'infra', message: event.message }) }),
                    },
                    'run.abort': { target: '#run.testing.app.released', actions: 'recordAbort' },
                  },
                },
                installingApp: {
                  description: 'Dependencies, abra app new, env shaping, then the single deploy at the base; waits until ready.',
                  meta: { stage: 'deploy' },
                  invoke: {
                    id: 'installApp',
                    src: 'installApp',
                    input: ({ context }) => ({ prepared: context.prepared! }),
                    onDone: 'installing',
                    onError: { target: 'tearingDown', actions: assign({ failure: ({ event }) => toStageFailure('deploy', event.error) }) },
                  },
                },
                installing: tierState('install', 'afterInstall'),
                afterInstall: { always: [{ guard: 'installFailed', target: 'tearingDown' }, { target: 'upgrading' }] },
                upgrading: { always: [{ guard: 'upgradeDue', target: 'runningUpgrade' }, { target: 'backingUp' }] },
                runningUpgrade: tierState('upgrade', 'backingUp'),
                // a tier that found the app dead ends the tiers that need it: nothing waits for it twice
                backingUp: {
                  always: [
                    { guard: 'appDead', target: 'tearingDown' },
                    { guard: 'backupDue', target: 'runningBackup' },
                    { target: 'functionalTesting' },
                  ],
                },
                runningBackup: tierState('backup', 'afterBackup'),
                afterBackup: { always: [{ guard: 'backupFailed', target: 'functionalTesting' }, { target: 'restoring' }] },
                restoring: tierState('restore', 'functionalTesting'),
                functionalTesting: {
                  always: [
                    { guard: 'appDead', target: 'tearingDown' },
                    { guard: 'functionalDue', target: 'runningFunctional' },
                    { target: 'tearingDown' },
                  ],
                },
                runningFunctional: tierState('functional', 'tearingDown'),
                tearingDown: {
                  description: 'App first, then dependencies in reverse; volumes, secrets, configs and env file removed and verified gone.',
                  meta: { stage: 'teardown' },
                  invoke: {
                    id: 'tearDownApp',
                    src: 'tearDownApp',
                    input: ({ context }) => ({ dependencies: context.prepared?.dependencies ?? [] }),
                    onDone: { target: 'tornDown', actions: assign({ teardown: ({ event }) => event.output }) },
                    onError: {
                      target: 'tornDown',
                      // a teardown that crashed cannot vouch for anything: it counts as leaving something behind
                      actions: assign({
                        teardown: ({ event }) => ({
                          ran: true,
                          leftovers: [`teardown incomplete (${String((event.error as Error)?.message ?? event.error)})`],
                          errors: [],
                        }),
                      }),
                    },
                  },
                  on: { 'run.abort': { actions: ['recordAbort', 'countIgnoredAbort'] } },
                },
                tornDown: { type: 'final' },
              },
            },
            released: { type: 'final' },
          },
        },
      },
    },
    reporting: {
      description: 'Results are computed by the caller from the output; nothing here can change the verdict.',
      on: { 'run.abort': { actions: ['recordAbort', 'countIgnoredAbort'] } },
      always: 'finished',
    },
    finished: { type: 'final' },
  },
  output: ({ context }) => context,
});

/** Lint on a pristine clone at the tested commit; a lint that could not run is recorded as unverified. */
function lintInvoke(next: string, headShaOf: (args: { context: RunContext }) => string) {
  return {
    id: 'lintRecipe',
    src: 'lintRecipe' as const,
    input: (args: { context: RunContext }) => ({ headSha: headShaOf(args) }),
    onDone: {
      target: next,
      actions: { type: 'recordLint' as const, params: ({ event }: { event: { output: LintResult } }) => event.output },
    },
    onError: {
      target: next,
      actions: {
        type: 'recordLint' as const,
        params: ({ event }: { event: { error: unknown } }): LintResult => ({
          status: 'unver',
          rulesFailed: [],
          warnings: [],
          detail: `lint did not run: ${String((event.error as Error)?.message ?? event.error)}`,
        }),
      },
    },
  };
}

/** One tier: run its op and assertions, record the result (a harness crash is recorded as unver), move on. */
function tierState(tier: TierName, next: string) {
  return {
    meta: { stage: tier },
    invoke: {
      id: `runTier.${tier}`,
      src: 'runTier' as const,
      input: ({ context }: { context: RunContext }) => ({ prepared: context.prepared!, tier }),
      onDone: {
        target: next,
        actions: { type: 'recordTier' as const, params: ({ event }: { event: { output: TierResult } }) => event.output },
      },
      onError: {
        target: next,
        actions: { type: 'recordTier' as const, params: ({ event }: { event: { error: unknown } }) => harnessErrorTier(tier, event.error) },
      },
    },
  };
}

function harnessErrorTier(tier: TierName, error: unknown): TierResult {
  const message = error instanceof Error ? error.message : String(error);
  return { name: tier, status: 'unver', reason: `harness error: ${message}`, ms: 0, tests: [] };
}
