// Shared by the run machine's model-based tests: the events that drive it and actors that never settle.
import { fromCallback, fromPromise } from 'xstate';
import { StageFailureError } from '../../src/domain/stage-failure.js';
import type { PreparedFacts, TierName, TierOutcome, TierResult } from '../../src/domain/run-types.js';
import { runMachine, type RunEvent, type RunInput } from '../../src/machines/run.machine.js';
import { supervisorMachine } from '../../src/machines/supervisor.machine.js';

/** Who the modelled run is. */
export const RUN_INPUT: RunInput = {
  identity: {
    runId: '20261204T010000Z-0001-web',
    recipe: 'web',
    source: '/recipes/web',
    ref: null,
    pr: null,
    domain: 'web-abcdef.ci.test',
    stack: 'web-abcdef_ci_test',
    deadlineAt: 0,
  },
  startedAt: '2026-12-04T01:00:00.000Z',
};

/** How a modelled run ends, for building its results. */
export const ENDING = {
  finishedAt: new Date('2026-12-04T01:10:00.000Z'),
  logFile: 'run.log',
  secretScan: { scanned: ['run.log', 'results.json'], leaked: [] },
};

export function prepared(kind: 'version' | 'skip', backupCapable: boolean, functionalTests: number, dependencies = 0): PreparedFacts {
  return {
    recipe: 'web',
    recipeDir: '/nowhere',
    headSha: 'a'.repeat(40),
    headVersion: '1.2.0+1',
    base: { kind, value: kind === 'skip' ? null : '1.1.0+1', reason: 'test' },
    backupCapable,
    backupCapableReason: 'test',
    expectedNa: {},
    functionalTests: Array.from({ length: functionalTests }, (_, index) => `f${index}.test.ts`),
    manifest: {},
    dependencies: Array.from({ length: dependencies }, (_, index) => ({
      recipe: `dep${index}`,
      domain: `dep${index}-abcdef.ci.test`,
      stack: `dep${index}-abcdef_ci_test`,
      source: `/recipes/dep${index}`,
      recipeDir: `/runs/r/abra/recipes/dep${index}`,
      version: '1.0.0',
    })),
  };
}

export const TIERS: TierName[] = ['install', 'upgrade', 'backup', 'restore', 'functional'];

function tier(name: TierName, status: TierResult['status'], facts: Partial<TierResult> = {}): TierOutcome {
  const result: TierResult = { name, status, reason: status, ms: 1, tests: [], ...facts };
  return name === 'backup' && status === 'pass'
    ? {
        result,
        backup: {
          markers: [{ volume: 'v', file: '/m', content: 'c' }],
          snapshotId: 's1',
          attempt: 1,
          snapshots: ['s1'],
          verifiedOnAttempt: null,
        },
      }
    : { result };
}

/** The tiers whose op deploys and waits for the app: they can find it dead. */
export const DEPLOYING_TIERS: TierName[] = ['upgrade', 'restore'];

/**
 * Every event but the abort, including the done/error events of invoked actors (not in RunEvent:
 * the graph traversal and a live actor accept them like any other event).
 */
export const DRIVING_EVENTS = [
  { type: 'lock.acquired' },
  { type: 'lock.failed', message: 'lock dir unwritable' },
  { type: 'lock.lost', message: 'lost the lock of web-abcdef.ci.test; it is now held by run other' },
  { type: 'xstate.done.actor.sweepLeftovers' },
  { type: 'xstate.done.actor.prepareRun', output: prepared('version', true, 1) },
  { type: 'xstate.done.actor.prepareRun', output: prepared('skip', false, 0) },
  { type: 'xstate.error.actor.prepareRun', error: new Error('clone failed') },
  // a recipe too broken to deploy: prepare fails after the checkout, lint still runs on that commit
  {
    type: 'xstate.error.actor.prepareRun',
    error: StageFailureError.recipeDefect('compose.yml:3: not valid YAML', 'b'.repeat(40)),
  },
  { type: 'xstate.done.actor.lintRecipe', output: { status: 'pass', rulesFailed: [], warnings: [], detail: 'ok' } },
  { type: 'install.ready', baseUrl: 'http://127.0.0.1:8080' },
  { type: 'xstate.done.actor.captureScreenshot', output: { file: 'screenshot.png' } },
  { type: 'install.failed', failure: { stage: 'deploy', kind: 'recipe', message: 'crash-looping', appDead: true } },
  ...TIERS.flatMap((name) =>
    (['pass', 'fail'] as const).map((status) => ({ type: `xstate.done.actor.runTier.${name}`, output: tier(name, status) })),
  ),
  ...DEPLOYING_TIERS.map((name) => ({ type: `xstate.done.actor.runTier.${name}`, output: tier(name, 'fail', { appDead: true }) })),
  { type: 'xstate.error.actor.runTier.install', error: new Error('runner crashed') },
  { type: 'xstate.done.actor.tearDownApp', output: { ran: true, complete: true, leftovers: [], errors: [] } },
] as unknown as RunEvent[];

/**
 * The install's reports of facts as they happen: each adds to the context, so a graph over them needs a
 * state serialiser that caps the lists to stay finite.
 */
export const INSTALL_REPORTS: RunEvent[] = [
  { type: 'install.deployAttempted', domain: 'dep0-abcdef.ci.test' },
  {
    type: 'install.dependencyReady',
    dependency: {
      recipe: 'dep0',
      domain: 'dep0-abcdef.ci.test',
      stack: 'dep0-abcdef_ci_test',
      baseUrl: 'http://127.0.0.1:8081',
      secrets: { db_password: 'p4ssw0rd-generated' },
    },
  },
  { type: 'install.dependencyNotReady', dependency: { recipe: 'dep0', reason: 'services did not converge' } },
];

export const TEARDOWN_DONE = {
  type: 'xstate.done.actor.tearDownApp',
  output: { ran: true, complete: true, leftovers: [], errors: [] },
} as unknown as RunEvent;
export const LINT_DONE = {
  type: 'xstate.done.actor.lintRecipe',
  output: { status: 'pass', rulesFailed: [], warnings: [], detail: 'ok' },
} as unknown as RunEvent;

/** An actor that never settles: the test sends its done/error events itself. */
export function pendingForever(onStart: () => void = () => undefined) {
  // any: one placeholder stands in for every actor, whatever its input and output types
  return fromPromise<any, any>(() => {
    onStart();
    return new Promise(() => undefined);
  });
}

/** The real supervisor, watching nothing: the tests send run.abort (or its causes) themselves. */
const idleSupervisor = supervisorMachine.provide({ actors: { watchProcess: fromCallback(() => () => undefined) } });

/**
 * The run machine with every actor pending; `onTeardown` counts starts of the teardown actor, and
 * `supervisor` replaces the idle one (to watch what it reports).
 */
export function modelRunMachine(onTeardown: () => void = () => undefined, supervisor: typeof idleSupervisor = idleSupervisor) {
  return runMachine.provide({
    actors: {
      superviseRun: supervisor,
      sweepLeftovers: pendingForever(),
      prepareRun: pendingForever(),
      lintRecipe: pendingForever(),
      holdDomainLock: fromCallback(() => () => undefined),
      installApp: fromCallback(() => () => undefined),
      runTier: pendingForever(),
      captureScreenshot: pendingForever(),
      tearDownApp: pendingForever(onTeardown),
    },
  });
}
