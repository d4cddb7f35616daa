// The rung vocabulary: ladder order, statuses, unver causes, and the strict rung record.
import test from 'ava';
import { Rung, RungName, RungStatus, Rungs, RUNG_NAMES, UnverCause } from '../../../src/domain/rungs.js';

test('the rungs are in ladder order: install, upgrade, backup_restore, functional, lint', (t) => {
  t.deepEqual([...RUNG_NAMES], ['install', 'upgrade', 'backup_restore', 'functional', 'lint']);
  t.deepEqual(RungName.options, [...RUNG_NAMES]);
});

test('a rung status is one of pass, fail, skip, unver', (t) => {
  t.deepEqual(RungStatus.options, ['pass', 'fail', 'skip', 'unver']);
  t.false(RungStatus.safeParse('error').success);
});

test('the unver causes are not-run, no-tests, aborted, infra, timeout, harness', (t) => {
  t.deepEqual(UnverCause.options, ['not-run', 'no-tests', 'aborted', 'infra', 'timeout', 'harness']);
});

test('a rung needs a status and a reason; the cause is optional', (t) => {
  t.deepEqual(Rung.parse({ status: 'pass', reason: 'ok' }), { status: 'pass', reason: 'ok' });
  t.deepEqual(Rung.parse({ status: 'unver', reason: 'x', cause: 'infra' }), { status: 'unver', reason: 'x', cause: 'infra' });
  t.false(Rung.safeParse({ status: 'pass' }).success);
  t.false(Rung.safeParse({ status: 'unver', reason: 'x', cause: 'bogus' }).success);
});

test('a rung with an unknown key is rejected', (t) => {
  t.false(Rung.safeParse({ status: 'pass', reason: 'ok', note: 'extra' }).success);
});

test('the rungs record needs all five rungs and nothing else', (t) => {
  const rung = { status: 'skip', reason: 'n/a' } as const;
  const all = { install: rung, upgrade: rung, backup_restore: rung, functional: rung, lint: rung };
  t.true(Rungs.safeParse(all).success);
  const { lint: _lint, ...withoutLint } = all;
  t.false(Rungs.safeParse(withoutLint).success);
  t.false(Rungs.safeParse({ ...all, smoke: rung }).success);
});
