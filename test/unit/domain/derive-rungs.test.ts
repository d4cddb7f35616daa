// deriveRungs: tier outcomes, structural facts and EXPECTED_NA become the five rungs (docs/results.md).
import test from 'ava';
import { deriveRungs } from '../../../src/domain/derive-rungs.js';
import type { Rungs } from '../../../src/domain/rungs.js';
import type { LintResult, PreparedFacts, RunRecord, StageFailure, TierName, TierResult } from '../../../src/domain/run-types.js';
import { TIER_ORDER } from '../../../src/domain/run-types.js';
import { describeIssues } from '../../../src/domain/describe-issues.js';
import { RecipeMeta } from '../../../src/recipes/schema.js';

function prepared(overrides: Partial<PreparedFacts> = {}): PreparedFacts {
  return {
    recipe: 'web',
    recipeDir: '/runs/x/abra/recipes/web',
    headSha: 'a'.repeat(40),
    headVersion: '1.3.0+2.0',
    base: { kind: 'version', value: '1.2.0+2.0', reason: "newest release older than the head's 1.3.0+2.0" },
    backupCapable: true,
    backupCapableReason: 'backupbot.backup=true label found',
    expectedNa: {},
    functionalTests: ['/customization/web/custom/login.test.ts'],
    manifest: {},
    dependencies: [],
    ...overrides,
  };
}

function tier(name: TierName, status: TierResult['status'], reason = `${name} ${status}`, cause?: TierResult['cause']): TierResult {
  return { name, status, reason, ms: 10, tests: [], ...(cause === undefined ? {} : { cause }) };
}

const LINT_PASS: LintResult = { status: 'pass', rulesFailed: [], warnings: ['R002'], detail: 'no error-level rule failed' };

function record(overrides: Partial<RunRecord> = {}): RunRecord {
  return {
    prepared: prepared(),
    failure: null,
    tiers: TIER_ORDER.map((name) => tier(name, 'pass')),
    lint: LINT_PASS,
    teardown: { ran: true, complete: true, leftovers: [], errors: [] },
    abortReason: null,
    lockLost: null,
    deploys: ['web-abcdef.ci.test'],
    unreadyDependencies: [],
    screenshot: null,
    ...overrides,
  };
}

const GREEN: Rungs = {
  install: { status: 'pass', reason: 'install pass' },
  upgrade: { status: 'pass', reason: 'upgrade pass' },
  backup_restore: { status: 'pass', reason: 'backup and restore passed (backup pass; restore pass)' },
  functional: { status: 'pass', reason: 'functional pass' },
  lint: { status: 'pass', reason: 'no error-level rule failed' },
};

const NOT_RUN_AFTER_INSTALL = { status: 'unver', reason: 'not run: install did not pass', cause: 'not-run' } as const;

test('the tier order is install, upgrade, backup, restore, functional', (t) => {
  t.deepEqual([...TIER_ORDER], ['install', 'upgrade', 'backup', 'restore', 'functional']);
});

test('a fully green run passes every rung', (t) => {
  t.deepEqual(deriveRungs(record()), GREEN);
});

test('a failed install tier leaves the other rungs unverified, cause not-run', (t) => {
  t.deepEqual(deriveRungs(record({ tiers: [tier('install', 'fail', '1 of 3 tests failed')] })), {
    install: { status: 'fail', reason: '1 of 3 tests failed' },
    upgrade: NOT_RUN_AFTER_INSTALL,
    backup_restore: NOT_RUN_AFTER_INSTALL,
    functional: NOT_RUN_AFTER_INSTALL,
    lint: GREEN.lint,
  });
});

test('a failed install without functional tests still says not-run for functional, not no-tests', (t) => {
  const rungs = deriveRungs(record({ prepared: prepared({ functionalTests: [] }), tiers: [tier('install', 'fail')] }));
  t.deepEqual(rungs.functional, NOT_RUN_AFTER_INSTALL);
});

test('an upgrade base of kind skip skips the upgrade rung with the base reason', (t) => {
  const base = {
    kind: 'skip',
    value: null,
    reason: 'no predecessor: no release older than 1.0.0 and the target branch tip is the head',
  } as const;
  const rungs = deriveRungs(
    record({ prepared: prepared({ base }), tiers: TIER_ORDER.filter((name) => name !== 'upgrade').map((name) => tier(name, 'pass')) }),
  );
  t.deepEqual(rungs, { ...GREEN, upgrade: { status: 'skip', reason: base.reason } });
});

test('an upgrade base of kind skip skips the upgrade rung even when install failed', (t) => {
  const base = { kind: 'skip', value: null, reason: 'upgrade declared in EXPECTED_NA: stateless' } as const;
  const rungs = deriveRungs(record({ prepared: prepared({ base }), tiers: [tier('install', 'fail')] }));
  t.deepEqual(rungs.upgrade, { status: 'skip', reason: 'upgrade declared in EXPECTED_NA: stateless' });
});

test('a recipe that is not backup-capable skips backup_restore with the reason', (t) => {
  const reason = 'not backup-capable: no backupbot.backup=true label in the compose files';
  const rungs = deriveRungs(
    record({
      prepared: prepared({ backupCapable: false, backupCapableReason: reason }),
      tiers: ['install', 'upgrade', 'functional'].map((name) => tier(name as TierName, 'pass')),
    }),
  );
  t.deepEqual(rungs, { ...GREEN, backup_restore: { status: 'skip', reason } });
});

test('a failed backup fails backup_restore with the backup reason and does not need the restore', (t) => {
  const rungs = deriveRungs(
    record({
      tiers: [tier('install', 'pass'), tier('upgrade', 'pass'), tier('backup', 'fail', 'no snapshot'), tier('functional', 'pass')],
    }),
  );
  t.deepEqual(rungs.backup_restore, { status: 'fail', reason: 'no snapshot' });
});

test('a failed restore fails backup_restore with the restore reason', (t) => {
  const rungs = deriveRungs(
    record({
      tiers: [
        tier('install', 'pass'),
        tier('upgrade', 'pass'),
        tier('backup', 'pass'),
        tier('restore', 'fail', 'marker missing'),
        tier('functional', 'pass'),
      ],
    }),
  );
  t.deepEqual(rungs.backup_restore, { status: 'fail', reason: 'marker missing' });
});

test('a passed backup whose restore never ran is unverified, cause harness', (t) => {
  const rungs = deriveRungs(
    record({ tiers: [tier('install', 'pass'), tier('upgrade', 'pass'), tier('backup', 'pass'), tier('functional', 'pass')] }),
  );
  t.deepEqual(rungs.backup_restore, { status: 'unver', reason: 'not run: the restore tier did not run', cause: 'harness' });
});

test('an unverified tier that timed out gives cause timeout; otherwise harness', (t) => {
  const rungs = deriveRungs(
    record({
      tiers: [
        tier('install', 'pass'),
        tier('upgrade', 'unver', 'timed out after 900 s', 'timeout'),
        tier('backup', 'pass'),
        tier('restore', 'pass'),
        tier('functional', 'unver', 'the test runner crashed', 'harness'),
      ],
    }),
  );
  t.deepEqual(rungs.upgrade, { status: 'unver', reason: 'timed out after 900 s', cause: 'timeout' });
  t.deepEqual(rungs.functional, { status: 'unver', reason: 'the test runner crashed', cause: 'harness' });
});

test('no functional tests leaves functional unverified, cause no-tests', (t) => {
  const rungs = deriveRungs(
    record({
      prepared: prepared({ functionalTests: [] }),
      tiers: TIER_ORDER.filter((name) => name !== 'functional').map((name) => tier(name, 'pass')),
    }),
  );
  t.deepEqual(rungs, { ...GREEN, functional: { status: 'unver', reason: 'no functional tests', cause: 'no-tests' } });
});

test('functional declared in EXPECTED_NA is a skip with the declared reason', (t) => {
  const rungs = deriveRungs(
    record({
      prepared: prepared({ functionalTests: [], expectedNa: { functional: 'an API without a UI' } }),
      tiers: TIER_ORDER.filter((name) => name !== 'functional').map((name) => tier(name, 'pass')),
    }),
  );
  t.deepEqual(rungs, { ...GREEN, functional: { status: 'skip', reason: 'declared in EXPECTED_NA: an API without a UI' } });
});

for (const status of ['fail', 'pass'] as const) {
  test(`EXPECTED_NA never hides a functional ${status}`, (t) => {
    const rungs = deriveRungs(
      record({
        prepared: prepared({ expectedNa: { functional: 'declared anyway' } }),
        tiers: [
          ...TIER_ORDER.filter((name) => name !== 'functional').map((name) => tier(name, 'pass')),
          tier('functional', status, `functional ${status}ed`),
        ],
      }),
    );
    t.deepEqual(rungs.functional, { status, reason: `functional ${status}ed` });
  });
}

test('EXPECTED_NA never hides a failed backup', (t) => {
  const rungs = deriveRungs(
    record({
      prepared: prepared({ expectedNa: { backup_restore: 'no state' } }),
      tiers: [tier('install', 'pass'), tier('upgrade', 'pass'), tier('backup', 'fail', 'no snapshot'), tier('functional', 'pass')],
    }),
  );
  t.deepEqual(rungs.backup_restore, { status: 'fail', reason: 'no snapshot' });
});

test('EXPECTED_NA does not turn an unverified timeout into a skip', (t) => {
  const rungs = deriveRungs(
    record({
      prepared: prepared({ expectedNa: { functional: 'declared' } }),
      tiers: [
        ...TIER_ORDER.filter((name) => name !== 'functional').map((name) => tier(name, 'pass')),
        tier('functional', 'unver', 'timed out after 60 s', 'timeout'),
      ],
    }),
  );
  t.deepEqual(rungs.functional, { status: 'unver', reason: 'timed out after 60 s', cause: 'timeout' });
});

test('EXPECTED_NA replaces the reason of a structural skip', (t) => {
  const rungs = deriveRungs(
    record({
      prepared: prepared({ backupCapable: false, backupCapableReason: 'no label', expectedNa: { backup_restore: 'stateless' } }),
      tiers: ['install', 'upgrade', 'functional'].map((name) => tier(name as TierName, 'pass')),
    }),
  );
  t.deepEqual(rungs.backup_restore, { status: 'skip', reason: 'declared in EXPECTED_NA: stateless' });
});

test('an aborted run leaves the unreached rungs unverified, cause aborted', (t) => {
  const aborted = { status: 'unver', reason: 'not run: the run was aborted (sigterm)', cause: 'aborted' } as const;
  const rungs = deriveRungs(
    record({
      prepared: prepared({ expectedNa: { functional: 'declared' } }),
      tiers: [tier('install', 'pass'), tier('upgrade', 'pass')],
      lint: null,
      abortReason: 'sigterm',
    }),
  );
  t.deepEqual(rungs, {
    install: GREEN.install,
    upgrade: GREEN.upgrade,
    backup_restore: aborted,
    functional: aborted,
    lint: aborted,
  });
});

test('an aborted run without functional tests is aborted, not no-tests', (t) => {
  const rungs = deriveRungs(
    record({ prepared: prepared({ functionalTests: [] }), tiers: [tier('install', 'pass')], abortReason: 'deadline' }),
  );
  t.deepEqual(rungs.functional, { status: 'unver', reason: 'not run: the run was aborted (deadline)', cause: 'aborted' });
});

test('a lint that could not run in an aborted run is unverified, cause aborted', (t) => {
  const rungs = deriveRungs(
    record({ lint: { status: 'unver', rulesFailed: [], warnings: [], detail: 'abra was killed' }, abortReason: 'sigint' }),
  );
  t.deepEqual(rungs.lint, { status: 'unver', reason: 'abra was killed', cause: 'aborted' });
});

test('a lint that could not run is unverified, cause infra', (t) => {
  const rungs = deriveRungs(record({ lint: { status: 'unver', rulesFailed: [], warnings: [], detail: 'abra printed no rule table' } }));
  t.deepEqual(rungs.lint, { status: 'unver', reason: 'abra printed no rule table', cause: 'infra' });
});

test('a failed lint names the failed rules', (t) => {
  const rungs = deriveRungs(record({ lint: { status: 'fail', rulesFailed: ['R011', 'R014'], warnings: [], detail: 'critical' } }));
  t.deepEqual(rungs.lint, { status: 'fail', reason: 'rules failed: R011, R014' });
});

test('a lint that never reported without a stage failure is unverified, cause harness', (t) => {
  t.deepEqual(deriveRungs(record({ lint: null })).lint, { status: 'unver', reason: 'lint did not run', cause: 'harness' });
});

test('a prepare failure of kind bad-input leaves every rung unverified', (t) => {
  const failure: StageFailure = { stage: 'prepare', kind: 'bad-input', message: 'ref "nope" does not exist in /src/web' };
  const notRun = { status: 'unver', reason: 'not run: prepare failed: ref "nope" does not exist in /src/web', cause: 'infra' } as const;
  t.deepEqual(
    deriveRungs({
      prepared: null,
      failure,
      tiers: [],
      lint: null,
      teardown: null,
      abortReason: null,
      lockLost: null,
      deploys: [],
      unreadyDependencies: [],
      screenshot: null,
    }),
    {
      install: notRun,
      upgrade: notRun,
      backup_restore: notRun,
      functional: notRun,
      lint: { status: 'unver', reason: 'not run: prepare failed', cause: 'not-run' },
    },
  );
});

const stageFailureCause = test.macro({
  exec(t, kind: StageFailure['kind'], cause: string) {
    const failure: StageFailure = { stage: 'lock', kind, message: 'boom' };
    const rungs = deriveRungs({
      prepared: null,
      failure,
      tiers: [],
      lint: null,
      teardown: null,
      abortReason: null,
      lockLost: null,
      deploys: [],
      unreadyDependencies: [],
      screenshot: null,
    });
    t.deepEqual(rungs.install, { status: 'unver', reason: 'not run: lock failed: boom', cause });
  },
  title: (_providedTitle, kind: StageFailure['kind'], cause: string) => `a lock failure of kind ${kind} gives cause ${cause}`,
});

test(stageFailureCause, 'infra', 'infra');
test(stageFailureCause, 'timeout', 'timeout');
test(stageFailureCause, 'harness', 'harness');

test("a deploy failure that is the recipe's fault fails install and leaves the rest not-run", (t) => {
  const failure: StageFailure = { stage: 'deploy', kind: 'recipe', message: 'crash-looping: exit 1' };
  const notRun = { status: 'unver', reason: 'not run: deploy failed', cause: 'not-run' } as const;
  t.deepEqual(deriveRungs(record({ failure, tiers: [], lint: LINT_PASS })), {
    install: { status: 'fail', reason: 'install failed: crash-looping: exit 1' },
    upgrade: notRun,
    backup_restore: notRun,
    functional: notRun,
    lint: GREEN.lint,
  });
});

test('a deploy timeout leaves install unverified, cause timeout', (t) => {
  const failure: StageFailure = { stage: 'deploy', kind: 'timeout', message: 'not converged after 600 s' };
  const rungs = deriveRungs(record({ failure, tiers: [] }));
  t.deepEqual(rungs.install, { status: 'unver', reason: 'not run: deploy failed: not converged after 600 s', cause: 'timeout' });
});

test('an abort outweighs a stage failure in the reason of unreached rungs', (t) => {
  const failure: StageFailure = { stage: 'deploy', kind: 'infra', message: 'docker gone' };
  const rungs = deriveRungs(record({ failure, tiers: [], abortReason: 'lock-lost', lint: null }));
  const aborted = { status: 'unver', reason: 'not run: the run was aborted (lock-lost)', cause: 'aborted' } as const;
  t.deepEqual(rungs, { install: aborted, upgrade: aborted, backup_restore: aborted, functional: aborted, lint: aborted });
});

test('a tier missing after a passed install is unverified, cause harness', (t) => {
  const rungs = deriveRungs(record({ tiers: TIER_ORDER.filter((name) => name !== 'upgrade').map((name) => tier(name, 'pass')) }));
  t.deepEqual(rungs.upgrade, { status: 'unver', reason: 'not run: the upgrade tier did not run', cause: 'harness' });
});

test('EXPECTED_NA cannot declare install or lint: the meta schema rejects them', (t) => {
  for (const rung of ['install', 'lint']) {
    const parsed = RecipeMeta.safeParse({ EXPECTED_NA: { [rung]: 'not applicable' } });
    t.false(parsed.success, rung);
    t.is(
      describeIssues(parsed.error!, RecipeMeta),
      `- unknown key "${rung}" at EXPECTED_NA; valid keys: upgrade, backup_restore, functional`,
    );
  }
});

const UNREADY = [{ recipe: 'kv', reason: 'crash-looping: service kv_app has 3 failed tasks' }];
const DEPS_RED = { status: 'fail', reason: 'dependencies not ready: kv (crash-looping: service kv_app has 3 failed tasks)' };

test('a dependency that is not ready fails functional although every functional test passed', (t) => {
  t.deepEqual(deriveRungs(record({ unreadyDependencies: UNREADY })).functional, DEPS_RED);
});

test('a dependency that is not ready fails functional when its only test skipped', (t) => {
  const tiers = [
    ...TIER_ORDER.slice(0, 4).map((name) => tier(name, 'pass')),
    tier('functional', 'unver', 'no test passed (all skipped or none ran)', 'harness'),
  ];
  t.deepEqual(deriveRungs(record({ tiers, unreadyDependencies: UNREADY })).functional, DEPS_RED);
});

test('a dependency that is not ready fails functional when the tier timed out', (t) => {
  const tiers = [...TIER_ORDER.slice(0, 4).map((name) => tier(name, 'pass')), tier('functional', 'unver', 'timed out after 5s', 'timeout')];
  t.deepEqual(deriveRungs(record({ tiers, unreadyDependencies: UNREADY })).functional, DEPS_RED);
});

test('EXPECTED_NA functional cannot hide a dependency that is not ready', (t) => {
  const rungs = deriveRungs(
    record({
      prepared: prepared({ expectedNa: { functional: 'no UI' }, functionalTests: [] }),
      tiers: TIER_ORDER.slice(0, 4).map((name) => tier(name, 'pass')),
      unreadyDependencies: UNREADY,
    }),
  );
  t.deepEqual(rungs.functional, DEPS_RED);
});

test('an aborted run with a dependency that is not ready stays unverified', (t) => {
  const rungs = deriveRungs(record({ tiers: [tier('install', 'pass')], abortReason: 'sigterm', unreadyDependencies: UNREADY }));
  t.is(rungs.functional.status, 'unver');
});

test('an upgrade that found the app dead: it fails, the tiers that needed the app are not run and point to it', (t) => {
  const upgrade: TierResult = {
    ...tier('upgrade', 'fail', 'upgrade op failed: never-healthy: service s_app was stopped by swarm as unhealthy'),
    appDead: true,
  };
  const rungs = deriveRungs(record({ tiers: [tier('install', 'pass'), upgrade] }));
  t.deepEqual(rungs.upgrade, { status: 'fail', reason: upgrade.reason });
  t.deepEqual(rungs.backup_restore, { status: 'unver', reason: 'not run: the upgrade tier found the app dead', cause: 'not-run' });
  t.deepEqual(rungs.functional, { status: 'unver', reason: 'not run: the upgrade tier found the app dead', cause: 'not-run' });
});

test('a restore that found the app dead: backup and restore fail on the restore, functional is not run', (t) => {
  const restore: TierResult = { ...tier('restore', 'fail', 'restore op failed: dead: service s_app cannot start'), appDead: true };
  const rungs = deriveRungs(record({ tiers: [tier('install', 'pass'), tier('upgrade', 'pass'), tier('backup', 'pass'), restore] }));
  t.deepEqual(rungs.backup_restore, { status: 'fail', reason: restore.reason });
  t.deepEqual(rungs.functional, { status: 'unver', reason: 'not run: the restore tier found the app dead', cause: 'not-run' });
});

test("an unverified tier's cause is the one it carries, whatever its reason's words", (t) => {
  const tiers = [tier('install', 'pass'), tier('upgrade', 'unver', 'timed out waiting for the runner to start', 'harness')];
  t.deepEqual(deriveRungs(record({ tiers })).upgrade, {
    status: 'unver',
    reason: 'timed out waiting for the runner to start',
    cause: 'harness',
  });
  const infra = [tier('install', 'pass'), tier('upgrade', 'unver', 'the swarm stopped answering', 'infra')];
  t.deepEqual(deriveRungs(record({ tiers: infra })).upgrade, { status: 'unver', reason: 'the swarm stopped answering', cause: 'infra' });
});
