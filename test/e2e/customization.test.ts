// End to end on the test bed: fixture recipes whose cc-ci customization uses each hook, overlay and
// key, each changing the run as docs/recipe-customization.md says (rungs, reasons, tests, deploys).
import test from 'ava';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dependencyDomain, stackName } from '../../src/domain/identity.js';
import type { Results } from '../../src/results/schema.js';
import { bedConfig, fixture, runCcci, stackLeftovers } from '../helpers/test-bed.js';

const runsDir = await mkdtemp(join(tmpdir(), 'ccci-e2e-customization-'));

async function runFixture(name: string): Promise<{ exitCode: number | undefined; results: Results }> {
  const run = await runCcci([fixture(name), '--ref', 'pr/1', '--pr', '1'], { runsDir });
  if (run.results === undefined) throw new Error(`ccci run ${name} wrote no results (exit ${run.exitCode}):\n${run.stdout}\n${run.stderr}`);
  return { exitCode: run.exitCode, results: run.results };
}

function statuses(results: Results): Record<string, string> {
  return Object.fromEntries(Object.entries(results.rungs).map(([name, rung]) => [name, rung.status]));
}

function testsOf(results: Results, tier: string): Record<string, string> {
  return Object.fromEntries(
    (results.tiers.find((candidate) => candidate.name === tier)?.tests ?? []).map((entry) => [entry.name, entry.status]),
  );
}

test.serial(
  'seeded: ops seed a marker the restore brings back, overlays see EXTRA_ENV and install_steps.sh, BACKUP_VERIFY retries, EXPECTED_NA skips',
  async (t) => {
    const { exitCode, results } = await runFixture('seeded');
    t.is(exitCode, 0);
    t.deepEqual(statuses(results), { install: 'pass', upgrade: 'pass', backup_restore: 'pass', functional: 'skip', lint: 'pass' });
    t.is(results.rungs.functional.reason, 'declared in EXPECTED_NA: the seeded fixture has no functional tests of its own');
    t.is(results.level, 5);
    t.deepEqual(results.baseVersion, { kind: 'version', value: '1.0.0+1.35.0', reason: 'UPGRADE_BASE_VERSION set in the recipe meta' });
    t.deepEqual(results.deploys, { expected: 1, actual: 1 });
    t.like(testsOf(results, 'install'), {
      'cc-ci seeded/tests/install.test.ts: EXTRA_ENV was applied with ctx.op install': 'pass',
      'cc-ci seeded/tests/install.test.ts: UPGRADE_EXTRA_ENV is not applied before the upgrade': 'pass',
      'cc-ci seeded/tests/install.test.ts: install_steps.sh shaped the env file before the first deploy': 'pass',
      'cc-ci seeded/tests/install.test.ts: preInstall saw the base URL the tests get': 'pass',
      '/health.txt answers with an accepted status': 'pass',
    });
    t.like(testsOf(results, 'upgrade'), {
      'the deployed chaos version is the head commit': 'pass',
      'cc-ci seeded/tests/upgrade.test.ts: EXTRA_ENV was applied again with ctx.op upgrade': 'pass',
      'cc-ci seeded/tests/upgrade.test.ts: UPGRADE_EXTRA_ENV was applied to the head deploy': 'pass',
    });
    t.regex(results.tiers.find((tier) => tier.name === 'backup')!.reason, /; BACKUP_VERIFY held on backup 3 of 3$/);
    t.like(testsOf(results, 'restore'), {
      'the data markers of the backed-up volumes are restored': 'pass',
      'cc-ci seeded/tests/restore.test.ts: the seeded marker is back after the restore': 'pass',
    });
    t.like(results.customization, {
      ops: { preInstall: 'cc-ci', preBackup: 'cc-ci', preRestore: 'cc-ci' },
      installSteps: 'cc-ci',
      overlays: { install: ['generic', 'cc-ci'], upgrade: ['generic', 'cc-ci'], backup: ['generic'], restore: ['generic', 'cc-ci'] },
      nonDefaultKeys: { EXTRA_ENV: 'hook (ctx)', BACKUP_VERIFY: 'hook (ctx)', UPGRADE_EXTRA_ENV: { UPGRADE_NOTE: 'head deploy' } },
    });
    t.true(results.flags.cleanTeardown);
    t.deepEqual(await stackLeftovers(stackName(results.domain)), []);
  },
);

test.serial(
  'legacy: previous/ repairs the base only, a TCP READY_PROBE holds before the tiers, TIMEOUTS.functional ends the functional tier',
  async (t) => {
    const { exitCode, results } = await runFixture('legacy');
    t.deepEqual(statuses(results), { install: 'pass', upgrade: 'pass', backup_restore: 'skip', functional: 'unver', lint: 'pass' });
    t.is(results.rungs.functional.reason, 'timed out after 5s');
    t.is(results.level, 2);
    t.is(results.verdict, 'error');
    t.is(exitCode, 3);
    t.like(testsOf(results, 'install'), {
      'cc-ci legacy/tests/install.test.ts: the tcp service accepts a connection at once': 'pass',
      'cc-ci legacy/tests/install.test.ts: the base deploy ran with the previous/ overlay': 'pass',
    });
    t.like(testsOf(results, 'upgrade'), {
      'the deployed chaos version is the head commit': 'pass',
      'cc-ci legacy/tests/upgrade.test.ts: the head deploy ran without the previous/ overlay': 'pass',
      'cc-ci legacy/tests/upgrade.test.ts: the previous/ overlay left the checkout': 'pass',
    });
    t.like(results.customization, { previousOverlays: 1, composeOverlay: true });
    t.true(results.flags.cleanTeardown);
    t.deepEqual(await stackLeftovers(stackName(results.domain)), []);
  },
);

test.serial(
  'with-deps: kv is deployed first, its credentials reach the tests and EXTRA_ENV, two deploys, both torn down; allowlisted repo-local tests run',
  async (t) => {
    const { exitCode, results } = await runFixture('with-deps');
    t.is(exitCode, 0);
    t.deepEqual(statuses(results), { install: 'pass', upgrade: 'pass', backup_restore: 'skip', functional: 'pass', lint: 'pass' });
    t.deepEqual(results.deploys, { expected: 2, actual: 2 });
    t.deepEqual(testsOf(results, 'functional'), {
      'cc-ci with-deps/custom/deps.test.ts: kv serves the password cc-ci recorded for it': 'pass',
      'cc-ci with-deps/custom/deps.test.ts: the app was deployed with the domain of kv': 'pass',
      'repo-local .ccci/custom/repo-local.test.ts: the app serves its index page': 'pass',
    });
    t.like(results.customization, { repoLocal: { present: true, trusted: true }, functionalTests: { 'cc-ci': 1, 'repo-local': 1 } });
    t.true(results.flags.cleanTeardown);
    const kvDomain = dependencyDomain(results.domain, 'kv', (await bedConfig()).ciDomain);
    t.deepEqual(await stackLeftovers(stackName(results.domain)), []);
    t.deepEqual(await stackLeftovers(stackName(kvDomain)), []);
    const runLog = await readFile(join(runsDir, results.runId, 'run.log'), 'utf8');
    const lines = runLog
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { msg?: string; domain?: string });
    const kvReady = lines.findIndex((line) => line.msg === 'dependency ready');
    t.is(lines[kvReady]?.domain, kvDomain, 'the log records kv ready on its own domain');
    t.true(kvReady < lines.findIndex((line) => line.msg === 'base deployed and ready'), 'kv was ready before the app was deployed');
    const tornDown = lines.filter((line) => line.msg === 'teardown finished').map((line) => line.domain);
    t.deepEqual(tornDown, [results.domain, kvDomain], 'the app is torn down first, then its dependency');
  },
);

test.serial('needs-dep: a dependency that never gets ready fails the functional tier although its only test skipped', async (t) => {
  const { exitCode, results } = await runFixture('needs-dep');
  t.is(exitCode, 1);
  t.is(results.verdict, 'failure');
  t.deepEqual(statuses(results), { install: 'pass', upgrade: 'skip', backup_restore: 'skip', functional: 'fail', lint: 'pass' });
  t.regex(results.rungs.functional.reason, /^dependencies not ready: crash-loop \(crash-looping: service \S+ has 3 failed tasks/);
  t.deepEqual(testsOf(results, 'functional'), { 'cc-ci needs-dep/custom/uses-dep.test.ts: talks to crash-loop': 'skip' });
  t.is(results.level, 1);
  t.deepEqual(results.deploys, { expected: 2, actual: 2 });
  t.true(results.flags.cleanTeardown);
  t.deepEqual(await stackLeftovers(stackName(results.domain)), []);
  t.deepEqual(await stackLeftovers(stackName(dependencyDomain(results.domain, 'crash-loop', (await bedConfig()).ciDomain))), []);
});

test.serial('failing-steps: install_steps.sh exits 4, so the install fails with its stderr tail before anything is deployed', async (t) => {
  const { exitCode, results } = await runFixture('failing-steps');
  t.is(exitCode, 1);
  t.is(results.verdict, 'failure');
  t.is(results.level, 0);
  const reason = results.rungs.install.reason.split('\n');
  t.regex(
    reason[0]!,
    /^install failed: install_steps\.sh \(cc-ci, \S+\/failing-steps\/install_steps\.sh\) exited with code 4; stderr tail:$/,
  );
  t.deepEqual(reason.slice(1), [
    ...Array.from({ length: 19 }, (_, index) => `step ${index + 7} of the wiring`),
    'cannot insert secret oidc_client: no such dependency',
  ]);
  t.deepEqual(results.tiers, []);
  t.deepEqual(results.deploys, { expected: 1, actual: 1 });
  const runLog = await readFile(join(runsDir, results.runId, 'run.log'), 'utf8');
  t.false(runLog.includes('app deploy'), 'abra app deploy never ran');
  t.true(results.flags.cleanTeardown);
  t.deepEqual(await stackLeftovers(stackName(results.domain)), []);
});

test.serial("stray-hook: a hook's unhandled rejection aborts the run through teardown (harness-crash, exit 3)", async (t) => {
  const { exitCode, results } = await runFixture('stray-hook');
  t.is(exitCode, 3);
  t.is(results.abortReason, 'harness-crash');
  t.is(results.verdict, 'error');
  t.true(results.flags.cleanTeardown);
  t.deepEqual(await stackLeftovers(stackName(results.domain)), []);
  const runLog = await readFile(join(runsDir, results.runId, 'run.log'), 'utf8');
  t.regex(runLog, /"msg":"uncaught error inside the cc-ci process"/);
});
