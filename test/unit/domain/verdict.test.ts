// Verdict and exit code (docs/results.md): failures and broken budgets fail, some unverified rungs are errors, lint never counts.
import test from 'ava';
import type { Rung, Rungs, UnverCause } from '../../../src/domain/rungs.js';
import { EXIT_CODES } from '../../../src/domain/exit-codes.js';
import { computeVerdict, exitCodeFor, type AbortReason, type Verdict } from '../../../src/domain/verdict.js';

const PASS: Rung = { status: 'pass', reason: 'ok' };
const FAIL: Rung = { status: 'fail', reason: 'broken' };
const SKIP: Rung = { status: 'skip', reason: 'n/a' };
const unver = (cause: UnverCause): Rung => ({ status: 'unver', reason: 'not run', cause });

function rungs(overrides: Partial<Rungs> = {}): Rungs {
  return { install: PASS, upgrade: PASS, backup_restore: PASS, functional: PASS, lint: PASS, ...overrides };
}

const NON_LINT = ['install', 'upgrade', 'backup_restore', 'functional'] as const;
const ERROR_CAUSES: readonly UnverCause[] = ['aborted', 'infra', 'timeout', 'harness'];
const BENIGN_CAUSES: readonly UnverCause[] = ['not-run', 'no-tests'];

const verdictOf = test.macro({
  exec(t, overrides: Partial<Rungs>, budgetKept: boolean, expected: Verdict) {
    t.is(computeVerdict(rungs(overrides), budgetKept), expected);
  },
  title(providedTitle = '', _overrides: Partial<Rungs>, _budgetKept: boolean, expected: Verdict) {
    return `${providedTitle} → ${expected}`;
  },
});

test('all rungs passed and the budget kept', verdictOf, {}, true, 'success');
test('all rungs skipped', verdictOf, { install: SKIP, upgrade: SKIP, backup_restore: SKIP, functional: SKIP, lint: SKIP }, true, 'success');
test('all rungs passed but the deploy budget broken', verdictOf, {}, false, 'failure');
test('a broken budget outweighs an error cause', verdictOf, { upgrade: unver('infra') }, false, 'failure');
test('a failure outweighs an error cause on another rung', verdictOf, { install: FAIL, upgrade: unver('aborted') }, true, 'failure');
test('a failed lint alone', verdictOf, { lint: FAIL }, true, 'success');
test('a failed lint with a broken budget', verdictOf, { lint: FAIL }, false, 'failure');
test('lint unverified by infra', verdictOf, { lint: unver('infra') }, true, 'success');
test('lint unverified because aborted', verdictOf, { lint: unver('aborted') }, true, 'success');
test('an unver rung without a cause', verdictOf, { functional: { status: 'unver', reason: 'unknown' } }, true, 'success');

for (const rung of NON_LINT) {
  test(`a failed ${rung} rung`, verdictOf, { [rung]: FAIL }, true, 'failure');
  for (const cause of ERROR_CAUSES) test(`${rung} unverified with cause ${cause}`, verdictOf, { [rung]: unver(cause) }, true, 'error');
  for (const cause of BENIGN_CAUSES) test(`${rung} unverified with cause ${cause}`, verdictOf, { [rung]: unver(cause) }, true, 'success');
}

test('the exit codes are 0 success, 1 failure, 2 bad input, 3 error, 142 deadline, 143 cancelled', (t) => {
  t.deepEqual({ ...EXIT_CODES }, { success: 0, failure: 1, badInput: 2, error: 3, deadline: 142, cancelled: 143 });
});

const exitCode = test.macro({
  exec(t, verdict: Verdict, abortReason: AbortReason | undefined, expected: number) {
    t.is(exitCodeFor(verdict, abortReason), expected);
  },
  title(_providedTitle, verdict: Verdict, abortReason: AbortReason | undefined, expected: number) {
    return `verdict ${verdict} with ${abortReason === undefined ? 'no abort' : `abort reason ${abortReason}`} exits ${expected}`;
  },
});

test(exitCode, 'success', undefined, 0);
test(exitCode, 'failure', undefined, 1);
test(exitCode, 'error', undefined, 3);
for (const verdict of ['success', 'failure', 'error'] as const) {
  test(exitCode, verdict, 'deadline', 142);
  for (const reason of ['sigterm', 'sigint', 'sighup', 'parent-gone', 'cancel'] as const) test(exitCode, verdict, reason, 143);
  test(exitCode, verdict, 'harness-crash', 3);
  test(exitCode, verdict, 'lock-lost', 3);
}

test("a lost lock is an error whatever the rungs say: after the takeover the tiers may have looked at another run's app", (t) => {
  t.is(computeVerdict(rungs(), true, 'lock-lost'), 'error');
  t.is(computeVerdict(rungs({ install: FAIL }), true, 'lock-lost'), 'error');
  for (const reason of ['sigterm', 'deadline', 'cancel', 'harness-crash'] as const)
    t.is(computeVerdict(rungs(), true, reason), 'success', reason);
});
