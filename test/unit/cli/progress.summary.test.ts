// What a maintainer reads at the end of a run, as plain functions: the customization in a few lines
// (none for a default tree), a failure said once with the rungs pointing to it, hints, count words,
// and log warnings as one readable line.
import test from 'ava';
import { runHints } from '../../../src/cli/hints.js';
import { rungReason } from '../../../src/cli/progress.js';
import { counted } from '../../../src/domain/count-words.js';
import type { Rungs } from '../../../src/domain/rungs.js';
import { humanLogLine } from '../../../src/io/log.js';
import { customizationManifest, summarizeCustomization } from '../../../src/recipes/manifest.js';
import { Results } from '../../../src/results/schema.js';
import { zeroCustomization } from '../../helpers/customization.js';

test('count words agree with their numbers', (t) => {
  t.deepEqual(
    [0, 1, 2].map((count) => counted(count, 'test')),
    ['0 tests', '1 test', '2 tests'],
  );
  t.is(counted(1, 'repository', 'repositories'), '1 repository');
  t.is(counted(3, 'repository', 'repositories'), '3 repositories');
});

test('a default tree prints no customization lines', (t) => {
  t.deepEqual(summarizeCustomization(customizationManifest(zeroCustomization('web'))), []);
});

test('a customized tree prints one readable line per customized thing', (t) => {
  const base = zeroCustomization('web');
  const manifest = {
    ...customizationManifest(base),
    nonDefaultKeys: { HEALTH_PATH: '/health', EXTRA_ENV: 'hook (ctx)' },
    ops: { preBackup: 'cc-ci', preRestore: 'repo-local' },
    installSteps: 'cc-ci',
    composeOverlay: true,
    previousOverlays: 1,
    overlays: {
      install: ['generic', 'cc-ci'],
      upgrade: ['generic'],
      backup: 'not run: not backup-capable',
      restore: ['generic', 'repo-local'],
    },
    functionalTests: { 'cc-ci': 1, 'repo-local': 2 },
    repoLocal: { present: true, trusted: false, detail: 'not run: web is not on the allowlist /etc/cc-ci/allowlist' },
  };
  t.deepEqual(summarizeCustomization(manifest), [
    'meta: HEALTH_PATH="/health", EXTRA_ENV (hook)',
    'op hooks: preBackup (cc-ci), preRestore (repo-local)',
    'install_steps.sh (cc-ci)',
    'CI compose overlay compose.ccci.yml',
    '1 base-only repair overlay in previous/',
    'assertion overlays: install (cc-ci), restore (repo-local)',
    'functional tests: 1 from cc-ci, 2 repo-local',
    'repository .ccci/ tree: not run: web is not on the allowlist /etc/cc-ci/allowlist',
  ]);
  t.deepEqual(
    summarizeCustomization({
      ...manifest,
      nonDefaultKeys: {},
      ops: {},
      installSteps: null,
      composeOverlay: false,
      previousOverlays: 2,
      overlays: {},
      functionalTests: { 'cc-ci': 0, 'repo-local': 0 },
      repoLocal: { present: true, trusted: true, detail: 'web is on the allowlist /a' },
    }),
    ['2 base-only repair overlays in previous/', 'repository .ccci/ tree: trusted (web is on the allowlist /a)'],
  );
});

test('a failure printed on its stage line is pointed to from the rungs, not repeated', (t) => {
  const shown = { stage: 'prepare', message: 'ref "nosuch" does not exist in /recipes/web' };
  t.is(
    rungReason('not run: prepare failed: ref "nosuch" does not exist in /recipes/web', shown),
    'not run: prepare failed (see prepare above)',
  );
  t.is(
    rungReason('install failed: crash-looping: 3 failed tasks', { stage: 'deploy', message: 'crash-looping: 3 failed tasks' }),
    'install failed (see deploy above)',
  );
  t.is(rungReason('not run: prepare failed', shown), 'not run: prepare failed', 'a reason without the message stays');
  t.is(rungReason('3 tests passed', undefined), '3 tests passed');
});

const PASS = { status: 'pass' as const, reason: 'ok' };
const ALL_PASS: Rungs = { install: PASS, upgrade: PASS, backup_restore: PASS, functional: PASS, lint: PASS };

function results(overrides: Partial<Results>): Results {
  return Results.parse({
    schema: 1,
    runId: 'r',
    recipe: 'web',
    ref: 'a'.repeat(40),
    pr: null,
    domain: 'web-abcdef.ci.test',
    baseVersion: { kind: 'version', value: '1.1.0+1', reason: 'newest release older than the head' },
    headVersion: '1.2.0+1',
    startedAt: '2026-12-02T00:00:00.000Z',
    finishedAt: '2026-12-02T00:01:00.000Z',
    verdict: 'success',
    exitCode: 0,
    abortReason: null,
    level: 5,
    rungs: ALL_PASS,
    tiers: [],
    deploys: { expected: 1, actual: 1 },
    lint: { status: 'pass', rulesFailed: [], warnings: [], detail: 'ok' },
    flags: { cleanTeardown: true, noSecretLeak: true },
    secretScan: { scanned: ['run.log', 'results.json'], leaked: [] },
    teardown: { ran: true, complete: true, leftovers: [], errors: [] },
    customization: { tree: '/etc/cc-ci/recipes/web' },
    artifacts: { log: 'run.log', card: null, screenshot: null, problems: [] },
    ...overrides,
  });
}

test('hints: a green L5 run with no lock wait has none', (t) => {
  t.deepEqual(runHints({ results: results({}) }), []);
});

test('hints: why the level is not higher, and what reaches the next one', (t) => {
  t.deepEqual(
    runHints({
      results: results({
        level: 3,
        rungs: { ...ALL_PASS, functional: { status: 'unver', reason: 'no functional tests', cause: 'no-tests' } },
      }),
    }),
    [
      'level 3, not 4: functional is unverified; add functional tests as /etc/cc-ci/recipes/web/custom/*.test.ts (docs/recipe-customization.md) to reach L4 and L5',
    ],
  );
  t.deepEqual(
    runHints({
      results: results({
        level: 4,
        rungs: { ...ALL_PASS, lint: { status: 'fail', reason: 'R011 failed' } },
        lint: { status: 'fail', rulesFailed: ['R011'], warnings: [], detail: 'R011' },
      }),
    }),
    ['level 4, not 5: lint failed; `abra recipe lint web` lists the rules (R011); fixing them reaches L5'],
  );
  t.deepEqual(
    runHints({
      results: results({
        level: 0,
        verdict: 'failure',
        exitCode: 1,
        rungs: { ...ALL_PASS, install: { status: 'fail', reason: 'install failed: x' } },
      }),
    }),
    [
      "level 0, not 1: install failed; nothing above L0 can pass until the recipe installs; the failed stage line above says why (prepare when the recipe's own files are broken, else deploy or install), the run log says more",
    ],
  );
  t.deepEqual(
    runHints({
      results: results({
        level: 1,
        verdict: 'failure',
        exitCode: 1,
        rungs: { ...ALL_PASS, upgrade: { status: 'fail', reason: 'upgrade failed' } },
      }),
    }),
    ['level 1, not 2: upgrade failed'],
  );
  t.deepEqual(
    runHints({
      results: results({
        level: 2,
        verdict: 'error',
        exitCode: 3,
        rungs: { ...ALL_PASS, backup_restore: { status: 'unver', reason: 'timed out', cause: 'timeout' } },
      }),
    }),
    [
      "level 2, not 3: backup_restore is unverified; the run did not finish that rung (verdict error): an error never lowers the recipe's published level; run again",
    ],
  );
});

test('hints: a run stopped early says so, and that an error never lowers the published level', (t) => {
  t.deepEqual(
    runHints({
      results: results({
        level: 1,
        verdict: 'error',
        exitCode: 143,
        abortReason: 'sigterm',
        rungs: { ...ALL_PASS, upgrade: { status: 'unver', reason: 'not run: the run was aborted (sigterm)', cause: 'aborted' } },
      }),
    }),
    [
      "level 1, not 2: upgrade is unverified; the run was stopped (sigterm) before it got there; its verdict is error, which never lowers the recipe's published level",
    ],
  );
});

test('hints: no older release, a broken deploy budget, bad input, a lock wait', (t) => {
  t.deepEqual(
    runHints({
      results: results({
        baseVersion: { kind: 'skip', value: null, reason: 'no predecessor: none older' },
        rungs: { ...ALL_PASS, upgrade: { status: 'skip', reason: 'no predecessor: none older' } },
      }),
    }),
    ['no older release to upgrade from: the upgrade was not tested; tag a release older than the head or set UPGRADE_BASE_VERSION'],
  );
  t.deepEqual(
    runHints({
      results: results({
        baseVersion: { kind: 'skip', value: null, reason: 'declared' },
        rungs: { ...ALL_PASS, upgrade: { status: 'skip', reason: 'declared in EXPECTED_NA: stateless' } },
      }),
    }),
    [],
    'a declared skip needs no hint',
  );
  t.deepEqual(runHints({ results: results({ deploys: { expected: 1, actual: 2 }, verdict: 'failure', exitCode: 1 }) }), [
    'deploys 2/1: a run deploys once, plus once per dependency; the budget was broken',
  ]);
  t.deepEqual(runHints({ results: results({ level: 0, verdict: 'error', exitCode: 2, deploys: { expected: 0, actual: 0 } }) }), [
    'bad input: nothing was deployed; the failed stage above says what to fix',
  ]);
  t.deepEqual(runHints({ results: results({}), lockWait: { ms: 170_200, holder: 'run x (pid 1 on h, since t)' } }), [
    'waited 170 s for the domain lock, held by run x (pid 1 on h, since t)',
  ]);
  t.deepEqual(runHints({ results: results({}), lockWait: { ms: 20, holder: undefined } }), [], 'a wait under a second is not worth a line');
});

test('a log entry reads as one line: level, message, why', (t) => {
  t.is(
    humanLogLine(JSON.stringify({ level: 40, time: 1, reason: 'parent-gone', msg: 'run abort requested' })),
    'warning: run abort requested (parent-gone)',
  );
  t.is(
    humanLogLine(JSON.stringify({ level: 50, msg: 'janitor pass failed', err: { message: 'docker: no daemon\nat …' } })),
    'error: janitor pass failed (docker: no daemon)',
  );
  t.is(humanLogLine(JSON.stringify({ level: 40, msg: 'trigger denied', why: 'not a member' })), 'warning: trigger denied (not a member)');
  t.is(humanLogLine('plain text\n'), 'plain text');
});

test('on a terminal, each warning is one readable line, said once for the same cause', async (t) => {
  const { execa } = await import('execa');
  const script = [
    `import { createLogger } from '${new URL('../../../src/io/log.ts', import.meta.url).href}';`,
    "const log = createLogger({ stderrLevel: 'warn', stderrFormat: 'human' });",
    "for (let i = 0; i < 3; i++) log.warn({ reason: 'parent-gone' }, 'run abort requested');",
    "log.warn({ reason: 'deadline' }, 'run abort requested');",
    "log.info('not shown');",
  ].join('\n');
  const result = await execa('node', ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: new URL('../../..', import.meta.url),
  });
  t.is(result.stderr, '  warning: run abort requested (parent-gone)\n  warning: run abort requested (deadline)');
});

test('the janitor table aligns its columns and keeps the detail whole', async (t) => {
  const { janitorTable } = await import('../../../src/cli/janitor-table.js');
  t.deepEqual(janitorTable([]), ['no per-run apps or lock records found']);
  t.deepEqual(
    janitorTable([
      { domain: 'web-abcdef.ci.test', row: 'owner-gone', action: 'reaped', detail: 'lock free: owner gone' },
      {
        domain: 'kv-012345.ci.test',
        row: 'dead-owner-lock-fresh',
        action: 'left',
        detail: 'run r (pid 7 on h, since t) is gone, but its lock is still fresh: reaped by the first pass after 2026-12-02T16:00:30.000Z',
      },
    ]),
    [
      'DOMAIN              ROW                    ACTION  DETAIL',
      'web-abcdef.ci.test  owner-gone             reaped  lock free: owner gone',
      'kv-012345.ci.test   dead-owner-lock-fresh  left    run r (pid 7 on h, since t) is gone, but its lock is still fresh: reaped by the first pass after 2026-12-02T16:00:30.000Z',
    ],
  );
});
