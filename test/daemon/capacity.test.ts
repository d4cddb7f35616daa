// maxTests is the one capacity knob: with 1, three pull requests triggered together run one after the
// other, in the order of their comments — judged from the runs' own start and end times.
import test from 'ava';
import { byMessage, daemonForTest, eventually, runResults, testmeStatuses, triggeredPulls } from '../helpers/daemon-harness.js';

test('maxTests 1: three pull requests triggered together never run at once, in FIFO order', async (t) => {
  t.timeout(12 * 60_000);
  const daemon = await daemonForTest(t, { repositories: ['recipes/web'], maxTests: 1 });
  const pulls = await triggeredPulls(t, 'web', 3);
  for (const pull of pulls) {
    await eventually(
      async () => ((await testmeStatuses(pull)).at(-1)?.startsWith('success') ? true : undefined),
      `success on #${pull.number}`,
      10 * 60_000,
    );
  }
  const queued = pulls.map((pull) => daemon.logs.find(byMessage('request queued', { pull: pull.number })));
  t.deepEqual(
    queued.map((line) => line?.position),
    [1, 1, 2],
    'the first starts at once; the others wait in line',
  );

  const numbers = new Set(pulls.map((pull) => String(pull.number)));
  const runs = (await runResults(daemon))
    .filter((entry) => entry.pr !== null && numbers.has(entry.pr))
    .sort((left, right) => left.startedAt.localeCompare(right.startedAt));
  t.deepEqual(
    runs.map((entry) => entry.pr),
    pulls.map((pull) => String(pull.number)),
    'runs started in the order of the comments',
  );
  for (let index = 1; index < runs.length; index++) {
    t.true(
      Date.parse(runs[index - 1]!.finishedAt) <= Date.parse(runs[index]!.startedAt),
      `run ${index + 1} started after run ${index} ended`,
    );
  }
  // the daemon's own view agrees: never two run processes alive at once
  let alive = 0;
  let most = 0;
  for (const line of daemon.logs) {
    if (line.msg === 'run process started') most = Math.max(most, ++alive);
    if (line.msg === 'run process ended') alive--;
  }
  t.is(most, 1);
});
