// maxTests is the one capacity knob: with 1, three pull requests triggered together run one after the
// other, in the order of their comments — judged from the runs' own start and end times.
import test from 'ava';
import { byMessage, eventually, primed, runResults, startDaemon, type DaemonUnderTest } from '../helpers/daemon-harness.js';
import { closePull, comment, openPullRequest, statuses, type OpenedPull } from '../helpers/forge-bed.js';

const REPO = 'recipes/web';
const opened: OpenedPull[] = [];
let daemon: DaemonUnderTest | undefined;

test.after.always(async () => {
  await daemon?.stop();
  for (const pull of opened) await closePull(pull.repo, pull.number);
});

test('maxTests 1: three pull requests triggered together never run at once, in FIFO order', async (t) => {
  t.timeout(12 * 60_000);
  daemon = await startDaemon({ repositories: [REPO], maxTests: 1, pollIntervalSeconds: 2 });
  t.teardown(async () => void (await daemon?.stop()));
  await primed(daemon, [REPO]);
  for (let index = 0; index < 3; index++) opened.push(await openPullRequest('web'));
  for (const pull of opened) await comment('member', REPO, pull.number, '!testme');

  for (const pull of opened) {
    await eventually(async () => {
      const ours = (await statuses(pull.repo, pull.sha)).filter((status) => status.context === 'cc-ci/testme');
      return ours[0]?.status === 'success' ? true : undefined;
    }, `success on #${pull.number}`, 10 * 60_000);
  }
  const queued = opened.map((pull) => daemon!.logs.find(byMessage('request queued', { pull: pull.number })));
  t.deepEqual(queued.map((line) => line?.position), [1, 1, 2], 'the first starts at once; the others wait in line');

  const numbers = new Set(opened.map((pull) => String(pull.number)));
  const runs = (await runResults(daemon)).filter((entry) => entry.pr !== null && numbers.has(entry.pr)).sort((left, right) => left.startedAt.localeCompare(right.startedAt));
  t.deepEqual(runs.map((entry) => entry.pr), opened.map((pull) => String(pull.number)), 'runs started in the order of the comments');
  for (let index = 1; index < runs.length; index++) {
    t.true(Date.parse(runs[index - 1]!.finishedAt) <= Date.parse(runs[index]!.startedAt), `run ${index + 1} started after run ${index} ended`);
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
