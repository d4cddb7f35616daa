// The janitor decision table over every combination of facts (reachable or not), against independent
// statements of its safety rules; the row patterns of the docs table against the function; and the
// generated table in docs/concurrency.md against its source.
import test from 'ava';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import {
  CandidateFacts,
  decideCandidate,
  everyCandidateFacts,
  isReachable,
  unprobed,
  type JanitorRow,
} from '../../../src/domain/janitor-decision.js';
import { CONCURRENCY_DOC, matchesPattern, renderJanitorSections, ROW_FACTS, stepsOfRow } from '../../../src/domain/janitor-table-doc.js';

const all = everyCandidateFacts();
const reachable = all.filter(isReachable);
const describe = (facts: CandidateFacts) => JSON.stringify(facts);
/** Facts under which the janitor would try the lock at all: something of this instance's is there. */
const triable = (facts: CandidateFacts) =>
  facts.owner === 'recorded' ? facts.stackOwner !== 'other-instance' : facts.stack === 'present' && facts.stackOwner === 'this-instance';

test('every combination of facts is enumerated once, and each is a valid set of facts', (t) => {
  const size = Object.values(CandidateFacts.shape).reduce((product, fact) => product * fact.options.length, 1);
  t.is(all.length, size);
  t.is(new Set(all.map(describe)).size, size);
  for (const facts of all) t.true(CandidateFacts.safeParse(facts).success);
  t.true(reachable.length > 50 && reachable.length < size, `${reachable.length} reachable of ${size}`);
});

test("reap only this instance's app, holding the lock, after the identity re-check said ours, with the app present and the lock not refreshed by anyone", (t) => {
  for (const facts of all) {
    const { step } = decideCandidate(facts);
    // ours: labelled by this instance, or unlabelled with our own owner record; never another instance's
    const ours = facts.stackOwner === 'this-instance' || (facts.stackOwner !== 'other-instance' && facts.owner === 'recorded');
    const mayReap =
      facts.stack === 'present' &&
      ours &&
      (facts.lock === 'free' || facts.lock === 'stale') &&
      facts.acquire === 'acquired' &&
      facts.identity === 'ours';
    t.is(step === 'reap', mayReap, describe(facts));
    const mayRemove =
      facts.stack === 'absent' &&
      facts.stackOwner !== 'other-instance' &&
      facts.owner === 'recorded' &&
      (facts.lock === 'free' || facts.lock === 'stale') &&
      facts.acquire === 'acquired' &&
      facts.identity === 'ours';
    t.is(step === 'remove-record', mayRemove, describe(facts));
  }
});

test('a fresh lock is never tried, never stolen, whatever its owner looks like', (t) => {
  for (const facts of all.filter((candidate) => candidate.lock === 'fresh')) {
    const { row, step } = decideCandidate(facts);
    t.is(step, 'leave', describe(facts));
    t.true((['live', 'dead-owner-lock-fresh', 'possible-leaked-run'] as JanitorRow[]).includes(row), describe(facts));
  }
});

test("another instance's app, or an unlabelled one with no record here, is never tried: reported and left", (t) => {
  for (const facts of all.filter((candidate) => candidate.lock === 'free' || candidate.lock === 'stale')) {
    const { row, step } = decideCandidate(facts);
    if (facts.stackOwner === 'other-instance') t.deepEqual({ row, step }, { row: 'other-instance', step: 'leave' }, describe(facts));
    if (
      facts.stack === 'present' &&
      facts.stackOwner !== 'this-instance' &&
      facts.stackOwner !== 'other-instance' &&
      facts.owner === 'missing'
    )
      t.deepEqual({ row, step }, { row: 'unowned-stack', step: 'leave' }, describe(facts));
  }
});

test('an unreadable lock or a failed acquire is skipped; a refused acquire is left to the winner; a replaced record is skipped', (t) => {
  for (const facts of all) {
    const { row, step } = decideCandidate(facts);
    if (facts.lock === 'unreadable' || (facts.lock !== 'fresh' && facts.acquire === 'failed' && triable(facts)))
      t.deepEqual({ row, step }, { row: 'lock-unreadable', step: 'skip' }, describe(facts));
    else if (facts.lock !== 'fresh' && facts.acquire === 'refused' && triable(facts))
      t.deepEqual({ row, step }, { row: 'taken-while-acquiring', step: 'leave' }, describe(facts));
    else if (facts.lock !== 'fresh' && facts.acquire === 'acquired' && facts.identity === 'replaced' && triable(facts))
      t.deepEqual({ row, step }, { row: 'replaced-while-acquiring', step: 'skip' }, describe(facts));
  }
});

test('the steps follow each other: acquire, then re-check, then act; never acting on facts not learnt yet', (t) => {
  for (const facts of all) {
    const { step } = decideCandidate(facts);
    if (step === 'acquire') t.is(facts.acquire, 'not-tried', describe(facts));
    if (step === 'check-identity') t.deepEqual([facts.acquire, facts.identity], ['acquired', 'unchecked'], describe(facts));
  }
  // before the probe nothing is known: a free lock with an app is acquired first, never reaped at once
  t.deepEqual(decideCandidate(unprobed('present', 'this-instance')), { row: 'owner-gone', step: 'acquire' });
  t.deepEqual(decideCandidate(unprobed('present', 'unlabelled')), { row: 'unowned-stack', step: 'leave' });
  t.deepEqual(decideCandidate(unprobed('present', 'other-instance')), { row: 'other-instance', step: 'leave' });
  t.deepEqual(decideCandidate(unprobed('absent', 'none')), { row: 'gone-meanwhile', step: 'leave' });
});

test('dead-owner-lock-fresh and possible-leaked-run: the leak warning wins over a dead owner, and neither steals', (t) => {
  const fresh = { ...unprobed('present', 'this-instance'), lock: 'fresh', owner: 'recorded' } as const;
  t.deepEqual(decideCandidate({ ...fresh, ownerProcess: 'dead', age: 'within' }), { row: 'dead-owner-lock-fresh', step: 'leave' });
  t.deepEqual(decideCandidate({ ...fresh, ownerProcess: 'dead', age: 'over' }), { row: 'possible-leaked-run', step: 'leave' });
  t.deepEqual(decideCandidate({ ...fresh, ownerProcess: 'elsewhere', age: 'within' }), { row: 'live', step: 'leave' });
  t.deepEqual(decideCandidate({ ...fresh, ownerProcess: 'alive', age: 'over' }), { row: 'possible-leaked-run', step: 'leave' });
});

test('the row patterns of the docs table partition the reachable facts, and each names the row the function gives', (t) => {
  for (const facts of reachable) {
    const matching = Object.entries(ROW_FACTS)
      .filter(([, patterns]) => patterns.some((pattern) => matchesPattern(facts, pattern)))
      .map(([row]) => row);
    t.deepEqual(matching, [decideCandidate(facts).row], describe(facts));
  }
  for (const row of Object.keys(ROW_FACTS) as JanitorRow[]) t.true(stepsOfRow(row).length > 0, `${row} is never reached`);
  t.deepEqual(stepsOfRow('owner-gone'), ['acquire', 'check-identity', 'reap']);
  t.deepEqual(stepsOfRow('lock-record-without-app'), ['acquire', 'check-identity', 'remove-record']);
});

test(`${CONCURRENCY_DOC} has the janitor table the function gives`, async (t) => {
  const doc = await readFile(fileURLToPath(new URL(`../../../${CONCURRENCY_DOC}`, import.meta.url)), 'utf8');
  t.is(
    doc,
    renderJanitorSections(doc),
    `${CONCURRENCY_DOC} is out of date with src/domain/janitor-decision.ts: run node --import tsx scripts/generate-schemas.ts`,
  );
});
