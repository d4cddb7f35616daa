// The janitor machine, model-based: every complete path xstate/graph finds over every probe outcome,
// acquire outcome, identity outcome and reap outcome, for a candidate with and without an app, in a
// normal pass and a dry run. On each: a reap only while holding the lock and after the identity
// re-check said ours; a fresh lock never tried; every lock taken is released (or, when replaced,
// abandoned) exactly once; the recorded row is the decision table's.
import test from 'ava';
import { getSimplePaths } from 'xstate/graph';
import { decideCandidate, type CandidateFacts } from '../../src/domain/janitor-decision.js';
import { ROW_FACTS } from '../../src/domain/janitor-table-doc.js';
import {
  janitorMachine,
  reapInputOf,
  type JanitorCandidate,
  type JanitorContext,
  type ProbeOutput,
} from '../../src/machines/janitor.machine.js';

const owner = { runId: 'r', pid: 1, host: 'h', startedAt: '2026-01-01T00:00:00.000Z' };
function probe(lock: CandidateFacts['lock'], ownerProcess: CandidateFacts['ownerProcess'], age: CandidateFacts['age']): ProbeOutput {
  const recorded = ownerProcess !== 'unknown';
  return {
    facts: { lock, owner: recorded ? 'recorded' : 'missing', ownerProcess, age },
    evidence: recorded ? { owner, heldMs: 1, staleAt: owner.startedAt } : {},
  };
}

const PROBES: ProbeOutput[] = [
  probe('free', 'unknown', 'unknown'),
  probe('free', 'dead', 'within'),
  probe('stale', 'alive', 'within'),
  probe('stale', 'dead', 'over'),
  probe('fresh', 'alive', 'within'),
  probe('fresh', 'dead', 'within'),
  probe('fresh', 'elsewhere', 'over'),
  probe('fresh', 'unknown', 'unknown'),
];

const done = (id: string, output?: unknown) => ({ type: `xstate.done.actor.${id}`, output });
const failed = (id: string) => ({ type: `xstate.error.actor.${id}`, error: new Error(`${id} failed`) });

function alphabet(candidates: JanitorCandidate[]) {
  return [
    done('checkLockDir'),
    failed('checkLockDir'),
    done('listCandidates', candidates),
    failed('listCandidates'),
    ...PROBES.map((output) => done('probeCandidate', output)),
    failed('probeCandidate'),
    done('acquireLock', 'acquired'),
    done('acquireLock', 'refused'),
    failed('acquireLock'),
    done('checkIdentity', { identity: 'ours' }),
    done('checkIdentity', { identity: 'replaced', ownerNow: owner }),
    failed('checkIdentity'),
    done('reapApp', { leftovers: [] }),
    done('reapApp', { leftovers: ['service x_app'] }),
    failed('reapApp'),
    done('removeRecord'),
    failed('removeRecord'),
    done('releaseLock'),
    failed('releaseLock'),
    done('abandonLock'),
  ] as never[];
}

type Path = ReturnType<typeof getSimplePaths<typeof janitorMachine>>[number];

const SCENARIOS = [
  { name: 'with an app of this instance', candidates: [{ domain: 'a-000000.ci.test', stack: 'present', stackOwner: 'this-instance' }] },
  { name: 'with an unlabelled app', candidates: [{ domain: 'c-000000.ci.test', stack: 'present', stackOwner: 'unlabelled' }] },
  {
    name: 'with an app of another instance',
    candidates: [
      {
        domain: 'd-000000.ci.test',
        stack: 'present',
        stackOwner: 'other-instance',
        stackLabels: { instance: 'other', runId: 'r2', host: 'h2' },
      },
    ],
  },
  { name: 'record only', candidates: [{ domain: 'b-000000.ci.test', stack: 'absent', stackOwner: 'none' }] },
] as const;

const generated = SCENARIOS.flatMap(({ name, candidates }) =>
  [false, true].flatMap((dryRun) =>
    getSimplePaths(janitorMachine, {
      input: { dryRun },
      events: alphabet([...candidates]),
      toState: (snapshot) => snapshot.status === 'done',
    }).map((path) => ({ name, dryRun, path })),
  ),
);

const valueOf = (step: Path['steps'][number]) => String(step.state.value);
const events = (path: Path) => path.steps.map((step) => step.event.type.replace('xstate.', '')).join(' > ');

test('the paths reach every state of the machine and every row of the decision table', (t) => {
  const rows = new Set(generated.flatMap(({ path }) => (path.state.context as JanitorContext).decisions.map((decision) => decision.row)));
  t.deepEqual([...rows].sort(), [...Object.keys(ROW_FACTS), 'lock-dir-missing'].sort());
  const seen = new Set(generated.flatMap(({ path }) => path.steps.map(valueOf)));
  for (const state of Object.keys(janitorMachine.config.states!)) {
    // transient states (always) are passed through, never rested in
    if (['nextCandidate', 'deciding', 'dryRunStop', 'recording'].includes(state)) continue;
    t.true(seen.has(state), `no path rests in ${state}`);
  }
});

test('on every path, reaping happens only while holding the lock and after the identity re-check said ours', (t) => {
  let reaps = 0;
  for (const { path } of generated) {
    let holding = false;
    let ours = false;
    for (const step of path.steps) {
      const { type } = step.event;
      const output = (step.event as { output?: unknown }).output;
      if (type === 'xstate.done.actor.acquireLock' && output === 'acquired') holding = true;
      if (type === 'xstate.done.actor.checkIdentity') ours = (output as { identity: string }).identity === 'ours';
      if (type.endsWith('.actor.releaseLock') || type.endsWith('.actor.abandonLock')) holding = false;
      if (valueOf(step) === 'reaping' || valueOf(step) === 'removingRecord') {
        reaps++;
        t.true(holding && ours, events(path));
      }
    }
  }
  t.true(reaps > 0);
});

test('on every path, a reap records the run as killed exactly when its owner record names a pid that is gone on this host', (t) => {
  const seen = new Set<string>();
  for (const { path } of generated) {
    for (const step of path.steps) {
      if (valueOf(step) !== 'reaping') continue;
      const context = step.state.context as JanitorContext;
      const { deadOwner } = reapInputOf(context);
      const dead = context.facts!.owner === 'recorded' && context.facts!.ownerProcess === 'dead';
      t.is(deadOwner, dead ? owner : null, events(path));
      seen.add(String(dead));
    }
  }
  t.deepEqual([...seen].sort(), ['false', 'true'], 'reaps of both kinds are on the paths');
});

test('on every path, a candidate probed with a fresh lock is never tried, so a live owner is never reaped', (t) => {
  let fresh = 0;
  for (const { path } of generated) {
    const probeAt = path.steps.findIndex(
      (step) =>
        step.event.type === 'xstate.done.actor.probeCandidate' &&
        (step.event as unknown as { output: ProbeOutput }).output.facts.lock === 'fresh',
    );
    if (probeAt === -1) continue;
    fresh++;
    const after = path.steps.slice(probeAt).map(valueOf);
    t.false(
      after.some((state) => ['acquiring', 'checkingIdentity', 'reaping', 'removingRecord', 'releasing', 'abandoning'].includes(state)),
      events(path),
    );
  }
  t.true(fresh > 0);
});

test('on every path, a lock taken is let go exactly once: released when it was ours, abandoned when replaced', (t) => {
  for (const { path } of generated) {
    const taken = path.steps.filter(
      (step) => step.event.type === 'xstate.done.actor.acquireLock' && (step.event as { output?: unknown }).output === 'acquired',
    ).length;
    const released = path.steps.filter((step) => valueOf(step) === 'releasing').length;
    const abandoned = path.steps.filter((step) => valueOf(step) === 'abandoning').length;
    t.is(released + abandoned, taken, events(path));
    const identity = path.steps.find((step) => step.event.type.endsWith('.actor.checkIdentity'));
    if (
      identity !== undefined &&
      identity.event.type.startsWith('xstate.done') &&
      (identity.event as unknown as { output: { identity: string } }).output.identity === 'ours'
    )
      t.is(released, 1, events(path));
    else t.is(released, 0, events(path));
  }
});

test('a dry run takes no lock and touches nothing; it says what it would do', (t) => {
  for (const { dryRun, path } of generated.filter((entry) => entry.dryRun)) {
    t.true(dryRun);
    t.false(
      path.steps.some((step) => ['acquiring', 'reaping', 'removingRecord', 'releasing', 'abandoning'].includes(valueOf(step))),
      events(path),
    );
  }
  const actions = new Set(
    generated
      .filter((entry) => entry.dryRun)
      .flatMap(({ path }) => (path.state.context as JanitorContext).decisions.map((decision) => decision.action)),
  );
  t.true(actions.has('would-reap') && actions.has('would-remove-record'), [...actions].join(', '));
});

test('every complete path records one decision per candidate, with the row the decision table gives for what was learnt', (t) => {
  for (const { path } of generated) {
    const context = path.state.context as JanitorContext;
    if (context.error !== null || context.decisions[0]?.row === 'lock-dir-missing') {
      t.true(context.decisions.length <= 1, events(path));
      continue;
    }
    t.is(context.decisions.length, context.candidates.length, events(path));
    t.is(context.decisions[0]!.row as string, decideCandidate(context.facts!).row as string, events(path));
    t.is(context.decisions[0]!.domain, context.candidates[0]!.domain);
  }
});
