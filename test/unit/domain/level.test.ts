// computeLevel over every one of the 4^5 rung-status combinations, against an independent statement of the rule in docs/results.md.
import test from 'ava';
import { computeLevel, type RungStatuses } from '../../../src/domain/level.js';
import type { RungStatus } from '../../../src/domain/rungs.js';

const STATUSES: readonly RungStatus[] = ['pass', 'fail', 'skip', 'unver'];
const LADDER = ['install', 'upgrade', 'backup_restore', 'functional', 'lint'] as const;

/** The rule, restated top-down: the first i from 5 to 1 whose rung passed and whose lower rungs are all pass or skip. */
function specLevel(ladder: readonly RungStatus[]): number {
  for (let i = ladder.length; i >= 1; i--) {
    const rung = ladder[i - 1];
    const below = ladder.slice(0, i - 1);
    if (rung === 'pass' && below.every((status) => status === 'pass' || status === 'skip')) return i;
  }
  return 0;
}

function statusesOf(ladder: readonly RungStatus[]): RungStatuses {
  return {
    install: ladder[0]!,
    upgrade: ladder[1]!,
    backup_restore: ladder[2]!,
    functional: ladder[3]!,
    lint: ladder[4]!,
  };
}

function allCombinations(): RungStatus[][] {
  let combinations: RungStatus[][] = [[]];
  for (let position = 0; position < LADDER.length; position++) {
    combinations = combinations.flatMap((prefix) => STATUSES.map((status) => [...prefix, status]));
  }
  return combinations;
}

test('the enumeration covers all 1024 distinct combinations', (t) => {
  const combinations = allCombinations();
  t.is(combinations.length, 1024);
  t.is(new Set(combinations.map((combination) => combination.join(','))).size, 1024);
});

test('computeLevel agrees with the documented definition on every combination', (t) => {
  const disagreements: string[] = [];
  const histogram = new Map<number, number>();
  for (const ladder of allCombinations()) {
    const expected = specLevel(ladder);
    const actual = computeLevel(statusesOf(ladder));
    histogram.set(actual, (histogram.get(actual) ?? 0) + 1);
    if (actual !== expected) disagreements.push(`${ladder.join(',')}: expected ${expected}, got ${actual}`);
  }
  t.deepEqual(disagreements, []);
  // Counted by hand: level i needs 2^(i-1) choices below rung i, and above it a run of skips that ends
  // in fail or unver (or the top): 1, 3, 11, 43, 171 choices for 0..4 rungs above.
  t.deepEqual(
    [0, 1, 2, 3, 4, 5].map((level) => histogram.get(level) ?? 0),
    [683, 1 * 171, 2 * 43, 4 * 11, 8 * 3, 16 * 1],
  );
});

test('computeLevel reads the rungs by name, not by object key order', (t) => {
  const reordered: RungStatuses = { lint: 'pass', functional: 'pass', backup_restore: 'pass', upgrade: 'fail', install: 'pass' };
  t.is(computeLevel(reordered), 1);
});

const named = test.macro({
  exec(t, ladder: readonly RungStatus[], expected: number) {
    t.is(computeLevel(statusesOf(ladder)), expected);
  },
  title(providedTitle = '', ladder: readonly RungStatus[], expected: number) {
    return `${providedTitle}: ${ladder.join(',')} is level ${expected}`;
  },
});

test('a failed rung blocks every rung above it', named, ['pass', 'fail', 'pass', 'pass', 'pass'], 1);
test('intentional skips let the ladder climb', named, ['pass', 'skip', 'skip', 'pass', 'pass'], 5);
test('an unverified rung blocks like a failure', named, ['pass', 'unver', 'pass', 'pass', 'pass'], 1);
test('an unverified lint rung leaves level 4', named, ['pass', 'pass', 'pass', 'pass', 'unver'], 4);
test('all rungs skipped is level 0', named, ['skip', 'skip', 'skip', 'skip', 'skip'], 0);
test('all rungs passed is level 5', named, ['pass', 'pass', 'pass', 'pass', 'pass'], 5);
test('a failed install is level 0 whatever passed above it', named, ['fail', 'pass', 'pass', 'pass', 'pass'], 0);
test('a skipped install does not earn level 1 but a pass above it climbs over it', named, ['skip', 'pass', 'fail', 'pass', 'pass'], 2);
test('a skip on top of passes keeps the level of the last pass', named, ['pass', 'pass', 'pass', 'skip', 'skip'], 3);
