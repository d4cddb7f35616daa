// Shared by the run machine's model-based tests: the events that drive it and actors that never settle.
import { fromCallback, fromPromise } from 'xstate';
import type { TierName, TierResult } from '../../src/domain/run-types.js';
import type { PreparedRun } from '../../src/recipes/prepared-run.js';
import { runMachine, type RunEvent } from '../../src/machines/run.machine.js';
import { supervisorMachine } from '../../src/machines/supervisor.machine.js';
import { RecipeMeta } from '../../src/recipes/schema.js';
import { zeroCustomization } from './customization.js';

export function prepared(kind: 'version' | 'skip', backupCapable: boolean, functionalTests: number): PreparedRun {
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
    meta: RecipeMeta.parse({}),
    customization: zeroCustomization('web'),
    dependencies: [],
  };
}

export const TIERS: TierName[] = ['install', 'upgrade', 'backup', 'restore', 'functional'];

function tier(name: TierName, status: TierResult['status']): TierResult {
  return { name, status, reason: status, ms: 1, tests: [] };
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
    error: { stageFailure: { stage: 'prepare', kind: 'recipe', message: 'compose.yml:3: not valid YAML', headSha: 'b'.repeat(40) } },
  },
  { type: 'xstate.done.actor.lintRecipe', output: { status: 'pass', rulesFailed: [], warnings: [], detail: 'ok' } },
  { type: 'xstate.done.actor.installApp' },
  { type: 'xstate.error.actor.installApp', error: new Error('crash-looping') },
  ...TIERS.flatMap((name) =>
    (['pass', 'fail'] as const).map((status) => ({ type: `xstate.done.actor.runTier.${name}`, output: tier(name, status) })),
  ),
  ...DEPLOYING_TIERS.map((name) => ({ type: `xstate.done.actor.runTier.${name}`, output: { ...tier(name, 'fail'), appDead: true } })),
  { type: 'xstate.error.actor.runTier.install', error: new Error('runner crashed') },
  { type: 'xstate.done.actor.tearDownApp', output: { ran: true, leftovers: [], errors: [] } },
] as unknown as RunEvent[];

export const TEARDOWN_DONE = {
  type: 'xstate.done.actor.tearDownApp',
  output: { ran: true, leftovers: [], errors: [] },
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
      installApp: pendingForever(),
      runTier: pendingForever(),
      tearDownApp: pendingForever(onTeardown),
    },
  });
}
