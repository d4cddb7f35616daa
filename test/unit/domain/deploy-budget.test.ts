// judgeDeployBudget: 1 + N deploys for a complete run; a run that stopped early may have fewer, never more.
import test from 'ava';
import { judgeDeployBudget } from '../../../src/domain/deploy-budget.js';

test('a run that never deployed expects nothing and has nothing', (t) => {
  t.deepEqual(judgeDeployBudget({ attempted: false, dependencies: 2, recorded: 0, complete: false }), {
    expected: 0,
    actual: 0,
    kept: true,
  });
});

for (const dependencies of [0, 1, 3]) {
  for (let recorded = 0; recorded <= dependencies + 2; recorded++) {
    const expected = 1 + dependencies;
    test(`complete run, ${dependencies} dependencies, ${recorded} recorded: kept only at exactly ${expected}`, (t) => {
      t.deepEqual(judgeDeployBudget({ attempted: true, dependencies, recorded, complete: true }), {
        expected,
        actual: recorded,
        kept: recorded === expected,
      });
    });
    test(`stopped run, ${dependencies} dependencies, ${recorded} recorded: kept up to ${expected}`, (t) => {
      t.deepEqual(judgeDeployBudget({ attempted: true, dependencies, recorded, complete: false }), {
        expected,
        actual: recorded,
        kept: recorded <= expected,
      });
    });
  }
}

test('a deploy where none was planned breaks the budget even when the run stopped early', (t) => {
  t.false(judgeDeployBudget({ attempted: false, dependencies: 0, recorded: 1, complete: false }).kept);
});
