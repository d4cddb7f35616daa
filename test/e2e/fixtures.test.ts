// End to end on the test bed: real swarm, real abra-compatible CLI, real HTTP. Each fixture recipe
// gets its expected level, rungs and verdict, and leaves nothing of its domain behind.
import test from 'ava';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stackName } from '../../src/domain/identity.js';
import type { Results } from '../../src/results/schema.js';
import { fixture, runCcci, stackLeftovers, type CcciRun } from '../helpers/test-bed.js';

const runsDir = await mkdtemp(join(tmpdir(), 'ccci-e2e-'));

async function runFixture(name: string): Promise<CcciRun & { results: Results }> {
  const run = await runCcci([fixture(name), '--ref', 'pr/1', '--pr', '1'], { runsDir });
  if (run.results === undefined) throw new Error(`ccci run ${name} wrote no results (exit ${run.exitCode}):\n${run.stdout}\n${run.stderr}`);
  return { ...run, results: run.results };
}

test.serial('web reaches level 5 with one deploy, an upgrade from the newest older release, and a clean teardown', async (t) => {
  const { exitCode, results, events } = await runFixture('web');
  const resultsFile = String(events.find((event) => event.event === 'run.finished')!.results);
  t.is(exitCode, 0);
  t.is(results.verdict, 'success');
  t.is(results.level, 5);
  t.deepEqual(Object.fromEntries(Object.entries(results.rungs).map(([name, rung]) => [name, rung.status])), {
    install: 'pass',
    upgrade: 'pass',
    backup_restore: 'pass',
    functional: 'pass',
    lint: 'pass',
  });
  t.deepEqual(results.baseVersion, { kind: 'version', value: '1.1.0+1.35.0', reason: "newest release older than the head's 1.2.0+1.35.0" });
  t.is(results.headVersion, '1.2.0+1.35.0');
  t.deepEqual(results.deploys, { expected: 1, actual: 1 });
  t.deepEqual(
    results.tiers.map((tier) => [tier.name, tier.status]),
    [
      ['install', 'pass'],
      ['upgrade', 'pass'],
      ['backup', 'pass'],
      ['restore', 'pass'],
      ['functional', 'pass'],
    ],
  );
  const upgrade = results.tiers.find((tier) => tier.name === 'upgrade')!;
  t.true(upgrade.tests.some((test) => test.name === 'the deployed chaos version is the head commit' && test.status === 'pass'));
  const restore = results.tiers.find((tier) => tier.name === 'restore')!;
  t.true(restore.tests.some((test) => test.name === 'the data markers of the backed-up volumes are restored' && test.status === 'pass'));
  // web's repository has a .ccci/ tree, but web is not on the allowlist: none of it may run
  t.like(results.customization, { repoLocal: { present: true, trusted: false }, functionalTests: { 'cc-ci': 1, 'repo-local': 0 } });
  const functional = results.tiers.find((tier) => tier.name === 'functional')!;
  t.deepEqual(
    functional.tests.map((test) => test.name),
    [
      'cc-ci web/custom/serving.test.ts: / answers 200 with the web heading',
      'cc-ci web/custom/serving.test.ts: a missing page answers 404',
    ],
  );
  t.true(results.flags.cleanTeardown);
  t.true(results.flags.noSecretLeak);
  const runLog = await readFile(join(resultsFile, '..', results.artifacts.log), 'utf8');
  t.regex(runLog, /\| token\s+\| \[REDACTED\]/, 'the secret abra generated is masked in the run log');
  t.is(results.artifacts.card, 'card.png');
  const card = await readFile(join(resultsFile, '..', 'card.png'));
  t.deepEqual([...card.subarray(1, 4)], [0x50, 0x4e, 0x47], 'the summary card is a PNG');
  t.deepEqual(await stackLeftovers(stackName(results.domain)), []);
});

const negatives: { name: string; rung: keyof Results['rungs']; reason: RegExp; level: number }[] = [
  {
    name: 'never-healthy',
    rung: 'install',
    reason: /never-healthy: service \S+ was stopped by swarm as unhealthy: its healthcheck never passed \(task Failed \(.*unhealthy/,
    level: 0,
  },
  {
    name: 'exits-clean',
    rung: 'install',
    reason:
      /never-healthy: service \S+ was stopped by swarm as unhealthy: its healthcheck never passed \(task Complete, \d+ failed probes in a row\); its process exited 0, and restart_policy condition on-failure restarts only failures/,
    level: 0,
  },
  {
    name: 'crash-loop',
    rung: 'install',
    reason: /crash-looping: service \S+ has 3 failed tasks; last: Failed \(task: non-zero exit \(3\)\)/,
    level: 0,
  },
  {
    name: 'gives-up',
    rung: 'install',
    reason:
      /dead: service \S+ has no task running and will get none: its last task ended Failed \(task: non-zero exit \(3\)\); restart_policy condition on-failure, max_attempts 1: swarm gave up after 2 tasks/,
    level: 0,
  },
  {
    name: 'no-image',
    rung: 'install',
    reason: /dead: service \S+ cannot start: its image is not available \(task Rejected \(No such image: ccci-testbed\/no-such-image:1/,
    level: 0,
  },
  { name: 'catch-all', rung: 'install', reason: /answers every path alike/, level: 0 },
  {
    name: 'unpublished',
    rung: 'install',
    reason: /https:\/\/\S+\.ci\.test\/ cannot be reached \(ENOTFOUND\) although every service runs/,
    level: 0,
  },
  { name: 'lossy-restore', rung: 'backup_restore', reason: /is missing after restore: the restore lost data/, level: 1 },
];

for (const negative of negatives) {
  test.serial(
    `${negative.name} fails the ${negative.rung} rung, lands at level ${negative.level}, and leaves nothing behind`,
    async (t) => {
      const { exitCode, results } = await runFixture(negative.name);
      t.is(results.rungs[negative.rung].status, 'fail', JSON.stringify(results.rungs, null, 2));
      t.regex(results.rungs[negative.rung].reason, negative.reason);
      t.is(results.level, negative.level);
      t.is(results.verdict, 'failure');
      t.is(exitCode, 1);
      t.is(results.deploys.actual, 1);
      t.true(results.flags.cleanTeardown);
      t.deepEqual(await stackLeftovers(stackName(results.domain)), []);
    },
  );
}

test.serial('an upgrade that finds the app dead is the last tier: backup, restore and functional are not run, and say why', async (t) => {
  const { exitCode, results } = await runFixture('dies-on-upgrade');
  t.is(results.rungs.install.status, 'pass');
  t.is(results.rungs.upgrade.status, 'fail');
  t.regex(
    results.rungs.upgrade.reason,
    /^upgrade op failed: never-healthy: service \S+ was stopped by swarm as unhealthy: its healthcheck never passed/,
  );
  t.deepEqual(results.rungs.backup_restore, { status: 'unver', reason: 'not run: the upgrade tier found the app dead', cause: 'not-run' });
  t.deepEqual(results.rungs.functional, { status: 'unver', reason: 'not run: the upgrade tier found the app dead', cause: 'not-run' });
  t.deepEqual(
    results.tiers.map((tier) => [tier.name, tier.status, tier.appDead ?? false]),
    [
      ['install', 'pass', false],
      ['upgrade', 'fail', true],
    ],
  );
  t.is(results.level, 1);
  t.is(results.verdict, 'failure');
  t.is(exitCode, 1);
  t.true(results.flags.cleanTeardown);
  t.deepEqual(await stackLeftovers(stackName(results.domain)), []);
});

// recipe defects (docs/results.md#failure-or-error): the recipe's own files are broken at the tested
// commit. Install fails naming the file and line, nothing is deployed, lint still runs on that commit.
const defects: { name: string; install: RegExp; lint: { status: 'pass' | 'fail'; reason: RegExp } }[] = [
  {
    name: 'broken-yaml',
    install: /^install failed: compose\.yml:8: not valid YAML: Tabs are not allowed as indentation/,
    lint: { status: 'fail', reason: /^abra recipe lint refused the recipe: unable to validate recipe: compose\.yml: / },
  },
  {
    name: 'bad-version',
    install: /^install failed: compose\.yml:15: version label "coop-cloud\.\$\{STACK_NAME\}\.version=next" is not a recipe version/,
    lint: { status: 'pass', reason: /^no error-level rule failed/ },
  },
  {
    name: 'imageless',
    install: /^install failed: compose\.yml:16: service "worker" has no image$/,
    lint: { status: 'fail', reason: /^rules failed: R011$/ },
  },
  {
    name: 'no-env-sample',
    install: /^install failed: \.env\.sample: missing: abra app new copies it into the app's env file$/,
    lint: { status: 'fail', reason: /^rules failed: R008$/ },
  },
];

for (const defect of defects) {
  test.serial(
    `${defect.name}: a recipe defect fails install with the file and line (verdict failure, exit 1), deploys nothing, and lint still reports`,
    async (t) => {
      const { exitCode, results } = await runFixture(defect.name);
      t.is(results.rungs.install.status, 'fail', JSON.stringify(results.rungs, null, 2));
      t.regex(results.rungs.install.reason, defect.install);
      t.is(results.rungs.lint.status, defect.lint.status, results.rungs.lint.reason);
      t.regex(results.rungs.lint.reason, defect.lint.reason);
      for (const name of ['upgrade', 'backup_restore', 'functional'] as const)
        t.deepEqual(results.rungs[name], { status: 'unver', reason: 'not run: prepare failed', cause: 'not-run' });
      t.is(results.verdict, 'failure');
      t.is(exitCode, 1);
      t.is(results.level, 0);
      t.is(results.deploys.actual, 0);
      t.deepEqual(await stackLeftovers(stackName(results.domain)), []);
    },
  );
}

test.serial('bad input exits 2 and deploys nothing', async (t) => {
  const run = await runCcci([fixture('web'), '--ref', 'no-such-branch'], { runsDir });
  t.is(run.exitCode, 2);
  t.is(run.results?.verdict, 'bad-input', "its own verdict: neither the recipe's failure nor cc-ci's error");
  t.is(run.results?.deploys.actual, 0);
  t.regex(run.results?.rungs.install.reason ?? '', /ref "no-such-branch" does not exist/);
  t.deepEqual(await stackLeftovers(stackName(run.results!.domain)), []);
});
