// The run machine (docs/architecture.md): one run, one machine. Pure: every side effect is an actor named in setup().
import { assign, setup } from 'xstate';
import type { AbortReason } from '../domain/verdict.js';
import type {
  BackupFacts,
  DependencyRecord,
  LintResult,
  PreparedFacts,
  RunFacts,
  RunIdentity,
  ScreenshotFacts,
  StageFailure,
  TeardownReport,
  TierName,
  TierOutcome,
  UnreadyDependency,
} from '../domain/run-types.js';
import { stageFailureOf } from '../domain/stage-failure.js';
import { supervisorMachine } from './supervisor.machine.js';
import { unprovidedCallback, unprovidedPromise } from './unprovided.js';

/** The run's facts so far: plain data, JSON-serialisable in every state (the code a run loads lives outside, in LoadedRecipes). */
export type RunContext = RunFacts;

export interface RunInput {
  readonly identity: RunIdentity;
  /** When the run started (ISO 8601). */
  readonly startedAt: string;
}

export type RunEvent =
  | { type: 'run.abort'; reason: AbortReason }
  | { type: 'lock.acquired' }
  | { type: 'lock.failed'; message: string }
  /** The held lock was compromised (this process stalled past the staleness window and another run took the domain). */
  | { type: 'lock.lost'; message: string }
  /** The install's reports (src/actors/install-app.ts), as they happen. */
  | { type: 'install.deployAttempted'; domain: string }
  | { type: 'install.dependencyReady'; dependency: DependencyRecord }
  | { type: 'install.dependencyNotReady'; dependency: UnreadyDependency }
  | { type: 'install.ready'; baseUrl: string }
  | { type: 'install.failed'; failure: StageFailure };

/** The run's record: results.json is built from it alone (src/results/build-results.ts). */
export type RunOutput = RunContext;

function tierFailed(context: RunContext, name: TierName): boolean {
  const tier = context.tiers.find((candidate) => candidate.name === name);
  return tier === undefined || tier.status === 'fail' || tier.status === 'unver';
}

export const runMachine = setup({
  types: {
    context: {} as RunContext,
    events: {} as RunEvent,
    input: {} as RunInput,
    output: {} as RunOutput,
  },
  actors: {
    superviseRun: supervisorMachine,
    sweepLeftovers: unprovidedPromise<void, undefined>('sweepLeftovers'),
    prepareRun: unprovidedPromise<PreparedFacts, undefined>('prepareRun'),
    lintRecipe: unprovidedPromise<LintResult, { readonly headSha: string }>('lintRecipe'),
    holdDomainLock: unprovidedCallback<RunEvent, { readonly dependencyDomains: readonly string[] }>('holdDomainLock'),
    installApp: unprovidedCallback<RunEvent, { readonly prepared: PreparedFacts }>('installApp'),
    runTier: unprovidedPromise<
      TierOutcome,
      {
        readonly prepared: PreparedFacts;
        readonly tier: TierName;
        readonly readyDependencies: readonly DependencyRecord[];
        readonly backup: BackupFacts | null;
      }
    >('runTier'),
    captureScreenshot: unprovidedPromise<
      ScreenshotFacts,
      { readonly prepared: PreparedFacts; readonly baseUrl: string; readonly readyDependencies: readonly DependencyRecord[] }
    >('captureScreenshot'),
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
    recordTier: assign(({ context }, outcome: TierOutcome) => ({
      tiers: [...context.tiers, outcome.result],
      ...(outcome.backup === undefined ? {} : { backup: outcome.backup }),
    })),
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
  context: ({ input }) => ({
    identity: input.identity,
    startedAt: input.startedAt,
    prepared: null,
    failure: null,
    lockHeld: false,
    lockLost: null,
    deploys: [],
    readyDependencies: [],
    unreadyDependencies: [],
    tiers: [],
    backup: null,
    lint: null,
    teardown: null,
    baseUrl: null,
    screenshot: null,
    abortReason: null,
    abortsIgnored: 0,
  }),

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
        onError: { target: 'prepareFailed', actions: assign({ failure: ({ event }) => stageFailureOf('prepare', event.error) }) },
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
                  invoke: { id: 'installApp', src: 'installApp', input: ({ context }) => ({ prepared: context.prepared! }) },
                  on: {
                    'install.deployAttempted': { actions: assign({ deploys: ({ context, event }) => [...context.deploys, event.domain] }) },
                    'install.dependencyReady': {
                      actions: assign({ readyDependencies: ({ context, event }) => [...context.readyDependencies, event.dependency] }),
                    },
                    'install.dependencyNotReady': {
                      actions: assign({ unreadyDependencies: ({ context, event }) => [...context.unreadyDependencies, event.dependency] }),
                    },
                    'install.ready': { target: 'capturingScreenshot', actions: assign({ baseUrl: ({ event }) => event.baseUrl }) },
                    'install.failed': { target: 'tearingDown', actions: assign({ failure: ({ event }) => event.failure }) },
                  },
                },
                capturingScreenshot: {
                  description: 'The app as a visitor sees it, before any tier changes it; best effort, it never decides a rung.',
                  meta: { stage: 'screenshot' },
                  invoke: {
                    id: 'captureScreenshot',
                    src: 'captureScreenshot',
                    input: ({ context }) => ({
                      prepared: context.prepared!,
                      baseUrl: context.baseUrl!,
                      readyDependencies: context.readyDependencies,
                    }),
                    onDone: { target: 'installing', actions: assign({ screenshot: ({ event }) => event.output }) },
                    onError: {
                      target: 'installing',
                      actions: assign({
                        screenshot: ({ event }): ScreenshotFacts => ({ problem: `the screenshot failed: ${messageOf(event.error)}` }),
                      }),
                    },
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
                      // a teardown that crashed cannot vouch for anything: it is incomplete, so never clean
                      actions: assign({
                        teardown: ({ context, event }): TeardownReport => ({
                          ran: true,
                          complete: false,
                          leftovers: [],
                          errors: [{ domain: context.identity.domain, step: 'crash', message: messageOf(event.error) }],
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
          detail: `lint did not run: ${messageOf(event.error)}`,
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
      input: ({ context }: { context: RunContext }) => ({
        prepared: context.prepared!,
        tier,
        readyDependencies: context.readyDependencies,
        backup: context.backup,
      }),
      onDone: {
        target: next,
        actions: { type: 'recordTier' as const, params: ({ event }: { event: { output: TierOutcome } }) => event.output },
      },
      onError: {
        target: next,
        actions: { type: 'recordTier' as const, params: ({ event }: { event: { error: unknown } }) => harnessErrorTier(tier, event.error) },
      },
    },
  };
}

function harnessErrorTier(tier: TierName, error: unknown): TierOutcome {
  return { result: { name: tier, status: 'unver', cause: 'harness', reason: `harness error: ${messageOf(error)}`, ms: 0, tests: [] } };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
