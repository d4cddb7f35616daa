// The record of a killed run, built from what it left at its start and what the janitor found.
import test from 'ava';
import { buildKilledResults, RunStart } from '../../../src/results/killed-run.js';
import { Results } from '../../../src/results/schema.js';

const start = RunStart.parse({
  runId: '20261203T101010Z-abcdef-p4242',
  recipe: 'web',
  ref: 'pr/1',
  pr: '7',
  domain: 'web-abcdef.ci.test',
  startedAt: '2026-12-03T10:10:10.000Z',
});
const owner = {
  runId: start.runId,
  pid: 4242,
  host: 'ci1',
  startedAt: '2026-12-03T10:10:11.000Z',
  runDir: '/var/lib/cc-ci/runs/20261203T101010Z-abcdef-p4242',
};
const facts = {
  start,
  owner,
  reapedBy: 'the janitor pass 20261203T102000Z-012345-p99',
  reapedAt: new Date('2026-12-03T10:20:00.000Z'),
  leftovers: [],
  deploys: ['web-abcdef.ci.test'],
  logFile: 'run.log',
};

test('a killed run is an error with exit code 3, abort reason killed, every rung unverified, and says who found it', (t) => {
  const results = Results.parse(buildKilledResults(facts));
  t.like(results, {
    runId: start.runId,
    recipe: 'web',
    ref: 'pr/1',
    pr: '7',
    domain: 'web-abcdef.ci.test',
    startedAt: '2026-12-03T10:10:10.000Z',
    finishedAt: '2026-12-03T10:20:00.000Z',
    verdict: 'error',
    exitCode: 3,
    abortReason: 'killed',
    level: 0,
    teardown: { ran: true, complete: true, leftovers: [], errors: [] },
    flags: { cleanTeardown: true, noSecretLeak: false },
    secretScan: { scanned: [], leaked: [] },
    deploys: { expected: 1, actual: 1 },
    artifacts: { log: 'run.log', card: null, screenshot: null, problems: [] },
  });
  t.is(
    results.abortDetail,
    'run 20261203T101010Z-abcdef-p4242 (pid 4242 on ci1, since 2026-12-03T10:10:11.000Z) died without finishing: its process was gone and its lock stale when the janitor pass 20261203T102000Z-012345-p99 found it at 2026-12-03T10:20:00.000Z; its app was reaped',
  );
  for (const name of ['install', 'upgrade', 'backup_restore', 'functional'] as const) {
    t.deepEqual(
      results.rungs[name],
      { status: 'unver', reason: 'unverified: the run was killed before it recorded this rung', cause: 'aborted' },
      name,
    );
  }
});

test('what the reap could not remove is in the detail and the teardown, and the teardown is not clean', (t) => {
  const results = Results.parse(buildKilledResults({ ...facts, leftovers: ['volume web-abcdef_ci_test_content'] }));
  t.regex(results.abortDetail ?? '', /; its app was reaped, leaving volume web-abcdef_ci_test_content$/);
  t.deepEqual(results.teardown, { ran: true, complete: true, leftovers: ['volume web-abcdef_ci_test_content'], errors: [] });
  t.false(results.flags.cleanTeardown);
});

test("a run asked for its source's HEAD records HEAD as its ref", (t) => {
  t.is(buildKilledResults({ ...facts, start: { ...start, ref: null } }).ref, 'HEAD');
});
