// The run machine's context is plain data in every state it can reach (xstate/graph shortest paths
// over every driving event, the install's fact reports and aborts): it survives a JSON round trip
// unchanged and holds no function, class instance or undefined. From every final state, results.json
// is built from the machine's output alone and validates against its schema.
import test from 'ava';
import { getShortestPaths } from 'xstate/graph';
import { runMachine, type RunContext, type RunEvent } from '../../src/machines/run.machine.js';
import { buildResults } from '../../src/results/build-results.js';
import { Results } from '../../src/results/schema.js';
import { DRIVING_EVENTS, ENDING, INSTALL_REPORTS, prepared, RUN_INPUT } from '../helpers/run-machine-model.js';

const EVENTS = [
  ...DRIVING_EVENTS,
  ...INSTALL_REPORTS,
  { type: 'xstate.done.actor.prepareRun', output: prepared('version', true, 1, 1) },
  { type: 'run.abort', reason: 'sigterm' },
] as RunEvent[];

/** Lists grow with every report: two of each already make every shape, and keep the graph finite. */
function capped(context: RunContext): unknown {
  return {
    ...context,
    deploys: context.deploys.slice(0, 2),
    readyDependencies: context.readyDependencies.slice(0, 2),
    unreadyDependencies: context.unreadyDependencies.slice(0, 2),
    abortsIgnored: Math.min(context.abortsIgnored, 1),
  };
}

const paths = getShortestPaths(runMachine, {
  input: RUN_INPUT,
  events: EVENTS,
  serializeState: (snapshot) => JSON.stringify([snapshot.value, capped(snapshot.context as RunContext)]),
});

/** Where in `value` something is not plain JSON data, if anywhere. */
function notPlainData(value: unknown, at = 'context'): string | undefined {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : `${at} is ${value}`;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = notPlainData(item, `${at}[${index}]`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (typeof value === 'object') {
    const prototype = Object.getPrototypeOf(value);
    if (prototype !== Object.prototype && prototype !== null) return `${at} is a ${prototype?.constructor?.name ?? 'class'} instance`;
    for (const [key, item] of Object.entries(value)) {
      const found = notPlainData(item, `${at}.${key}`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  return `${at} is ${typeof value}`;
}

test('the graph reaches every stage, with facts reported, dependencies and aborts', (t) => {
  t.true(paths.length > 200, `${paths.length} states`);
  const contexts = paths.map((path) => path.state.context as RunContext);
  t.true(
    contexts.some(
      (context) => context.deploys.length > 0 && context.readyDependencies.length > 0 && context.unreadyDependencies.length > 0,
    ),
  );
  t.true(contexts.some((context) => context.backup !== null));
  t.true(contexts.some((context) => context.failure !== null));
  t.true(contexts.some((context) => context.abortReason !== null));
  t.true(paths.some((path) => path.state.status === 'done'));
});

test('in every reachable state the context is plain data and survives a JSON round trip unchanged', (t) => {
  for (const path of paths) {
    const context = path.state.context as RunContext;
    const where = path.steps.map((step) => step.event.type).join(' > ');
    t.is(notPlainData(context), undefined, where);
    t.deepEqual(JSON.parse(JSON.stringify(context)), context, where);
  }
});

test('the plain-data check finds a function, a class instance and an undefined (it is not vacuous)', (t) => {
  t.is(notPlainData({ a: [{ hook: () => 1 }] }), 'context.a[0].hook is function');
  t.is(notPlainData({ when: new Date(0) }), 'context.when is a Date instance');
  t.is(notPlainData({ gone: undefined }), 'context.gone is undefined');
});

test('from every final state, results.json is built from the output alone and is valid', (t) => {
  let finals = 0;
  for (const path of paths) {
    if (path.state.status !== 'done') continue;
    finals++;
    const where = path.steps.map((step) => step.event.type).join(' > ');
    const output = path.state.output!;
    const results = Results.parse(buildResults(output, ENDING));
    t.is(results.runId, RUN_INPUT.identity.runId, where);
    t.is(results.deploys.actual, output.deploys.length, where);
    t.deepEqual(results.tiers, output.tiers, where);
  }
  t.true(finals > 20, `${finals} final states`);
});
