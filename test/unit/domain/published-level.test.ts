// publishedRun: over every sequence of up to four verdicts, the published run is the newest success
// or failure; error and bad-input runs never change it.
import test from 'ava';
import { publishedRun, publishes, type JudgedRun } from '../../../src/domain/published-level.js';
import { Verdict } from '../../../src/domain/verdict.js';

const VERDICTS = Verdict.options;

function sequences(length: number): Verdict[][] {
  if (length === 0) return [[]];
  return sequences(length - 1).flatMap((rest) => VERDICTS.map((verdict) => [verdict, ...rest]));
}

test('every sequence of up to four runs publishes its newest success or failure', (t) => {
  let checked = 0;
  for (let length = 0; length <= 4; length++) {
    for (const verdicts of sequences(length)) {
      const runs: JudgedRun[] = verdicts.map((verdict, index) => ({ runId: `r${index}`, verdict, level: index, finishedAt: `t${index}` }));
      const expected = runs.find((run) => run.verdict === 'success' || run.verdict === 'failure');
      t.is(publishedRun(runs), expected, verdicts.join(' > '));
      checked++;
    }
  }
  t.is(checked, 1 + 4 + 16 + 64 + 256);
});

test('a success at L5 then an error run: L5 stays published', (t) => {
  const runs: JudgedRun[] = [
    { runId: 'newer', verdict: 'error', level: 0, finishedAt: '2026-12-04T02:00:00Z' },
    { runId: 'older', verdict: 'success', level: 5, finishedAt: '2026-12-04T01:00:00Z' },
  ];
  t.is(publishedRun(runs)?.level, 5);
});

test('only success and failure publish', (t) => {
  t.deepEqual(
    VERDICTS.filter((verdict) => publishes(verdict)),
    ['success', 'failure'],
  );
});

test('the history is read only as far as the published run', (t) => {
  let read = 0;
  function* history(): Generator<JudgedRun> {
    for (let index = 0; index < 1000; index++) {
      read++;
      yield { runId: `r${index}`, verdict: index < 2 ? 'error' : 'success', level: 3, finishedAt: `t${index}` };
    }
  }
  t.is(publishedRun(history())?.runId, 'r2');
  t.is(read, 3);
});
