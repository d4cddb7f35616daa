// results.json's schema: a full record survives JSON unchanged; anything unknown or malformed is rejected.
import test from 'ava';
import { LintResult, TestResult, TierResult } from '../../../src/domain/tier-result.js';
import { Results, RESULTS_SCHEMA_VERSION } from '../../../src/results/schema.js';

function fullResults(): Results {
  return {
    schema: 1,
    runId: '20240305T070809Z-0a1b2c-p4242',
    recipe: 'keycloak',
    ref: 'a'.repeat(40),
    pr: '42',
    domain: 'keyc-0a1b2c.ci.example.org',
    baseVersion: { kind: 'version', value: '1.2.0+2.0', reason: "newest release older than the head's 1.3.0+2.0" },
    headVersion: '1.3.0+2.0',
    startedAt: '2024-03-05T07:08:09.123Z',
    finishedAt: '2024-03-05T07:18:09.456Z',
    verdict: 'error',
    exitCode: 3,
    abortReason: null,
    level: 2,
    rungs: {
      install: { status: 'pass', reason: '3 tests passed' },
      upgrade: { status: 'pass', reason: '3 tests passed' },
      backup_restore: { status: 'unver', reason: 'timed out after 900 s', cause: 'timeout' },
      functional: { status: 'skip', reason: 'declared in EXPECTED_NA: no UI' },
      lint: { status: 'fail', reason: 'rules failed: R011' },
    },
    tiers: [
      {
        name: 'install',
        status: 'pass',
        reason: '3 tests passed',
        ms: 1234,
        tests: [
          { name: 'serves HEALTH_PATH', status: 'pass', ms: 10 },
          { name: 'no crash loop', status: 'skip', ms: 0, message: 'not applicable' },
          { name: 'replicas', status: 'fail', ms: 5, message: 'expected 1 got 0' },
        ],
      },
      { name: 'backup', status: 'unver', reason: 'timed out after 900 s', ms: 900000, tests: [] },
    ],
    deploys: { expected: 1, actual: 1 },
    lint: { status: 'fail', rulesFailed: ['R011'], warnings: ['R002', 'R003'], detail: 'critical errors present' },
    flags: { cleanTeardown: true, noSecretLeak: true },
    secretScan: { scanned: ['run.log', 'results.json'], leaked: [] },
    teardown: { ran: true, complete: true, leftovers: [], errors: [] },
    customization: {
      tree: '/etc/cc-ci/recipes/keycloak',
      metaFile: null,
      nonDefaultKeys: { DEPLOY_TIMEOUT: 900 },
      composeOverlay: false,
      functionalTests: 0,
    },
    artifacts: { log: 'run.log', card: null, screenshot: 'screenshot.png', problems: [] },
  };
}

test('the results schema version is 1', (t) => {
  t.is(RESULTS_SCHEMA_VERSION, 1);
});

test('a full valid results record round-trips through JSON unchanged', (t) => {
  const results = fullResults();
  const reparsed = Results.parse(JSON.parse(JSON.stringify(results)));
  t.deepEqual(reparsed, results);
});

test('a results record with a skip base and an abort round-trips too', (t) => {
  const results: Results = {
    ...fullResults(),
    baseVersion: { kind: 'skip', value: null, reason: 'no predecessor' },
    pr: null,
    headVersion: null,
    abortReason: 'deadline',
    exitCode: 142,
  };
  t.deepEqual(Results.parse(JSON.parse(JSON.stringify(results))), results);
});

test('an unknown top-level key is rejected', (t) => {
  const parsed = Results.safeParse({ ...fullResults(), extra: true });
  t.false(parsed.success);
  t.deepEqual(
    parsed.error?.issues.map((issue) => [issue.code, issue.path]),
    [['unrecognized_keys', []]],
  );
});

test('an unknown nested key is rejected', (t) => {
  const results = fullResults();
  const parsed = Results.safeParse({ ...results, flags: { ...results.flags, fast: true } });
  t.false(parsed.success);
  t.deepEqual(
    parsed.error?.issues.map((issue) => [issue.code, issue.path]),
    [['unrecognized_keys', ['flags']]],
  );
});

const rejects = test.macro({
  exec(t, change: (results: Record<string, unknown>) => void, path: readonly PropertyKey[]) {
    const results = JSON.parse(JSON.stringify(fullResults())) as Record<string, unknown>;
    change(results);
    const parsed = Results.safeParse(results);
    t.false(parsed.success);
    t.deepEqual(parsed.error?.issues[0]?.path, [...path]);
  },
  title: (providedTitle = '') => `a results record with ${providedTitle} is rejected`,
});

test('schema 2', rejects, (results) => (results.schema = 2), ['schema']);
test('level 6', rejects, (results) => (results.level = 6), ['level']);
test('level 1.5', rejects, (results) => (results.level = 1.5), ['level']);
test('an unknown verdict', rejects, (results) => (results.verdict = 'flaky'), ['verdict']);
test('a start time that is not ISO', rejects, (results) => (results.startedAt = '5 March 2024'), ['startedAt']);
test('a missing rung', rejects, (results) => delete (results.rungs as Record<string, unknown>).lint, ['rungs', 'lint']);
test('a negative tier duration', rejects, (results) => ((results.tiers as { ms: number }[])[0]!.ms = -1), ['tiers', 0, 'ms']);
test('a missing artifacts.card', rejects, (results) => delete (results.artifacts as Record<string, unknown>).card, ['artifacts', 'card']);

test('the parts of results have their own strict schemas', (t) => {
  t.true(TestResult.safeParse({ name: 'x', status: 'pass', ms: 0 }).success);
  t.false(TestResult.safeParse({ name: 'x', status: 'unver', ms: 0 }).success);
  t.false(TierResult.safeParse({ name: 'lint', status: 'pass', reason: '', ms: 0, tests: [] }).success);
  t.false(LintResult.safeParse({ status: 'skip', rulesFailed: [], warnings: [], detail: '' }).success);
});
