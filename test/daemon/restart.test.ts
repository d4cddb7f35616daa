// A `kill -9` of the daemon with one run going and one waiting: the run notices its parent is gone and
// tears down; the restarted daemon reports it honestly as interrupted, runs it again once, then runs
// the waiting one. Nothing is left on the swarm or in the lock dir; statuses and comments end true.
import test from 'ava';
import { readdir } from 'node:fs/promises';
import { stackName } from '../../src/domain/identity.js';
import {
  botCommentsOnce,
  byMessage,
  daemonForTest,
  eventually,
  reachedStage,
  runResults,
  testmeStatuses,
  triggeredPulls,
} from '../helpers/daemon-harness.js';
import { bedConfig, stackLeftovers } from '../helpers/test-bed.js';

const REPO = 'recipes/web';

test('kill -9 with one run going and one waiting: the cut run is reported interrupted and re-run, the waiting one runs, nothing is left', async (t) => {
  t.timeout(15 * 60_000);
  const first = await daemonForTest(t, { repositories: [REPO], maxTests: 1 });
  const [cut, waiting] = await triggeredPulls(t, 'web', 2);
  await first.waitForLog(byMessage('request queued', { pull: waiting!.number }), 'the second request queued');
  const cutRunId = String((await first.waitForLog(byMessage('run starting'), 'the first run starting')).runId);
  // kill it while the app is deployed: the run is past its lock and in a tier
  await reachedStage(first, cutRunId, 'install');
  await first.stop('SIGKILL');

  const second = await daemonForTest(t, { repositories: [REPO], maxTests: 1, reuse: first });
  const interrupted = await second.waitForLog(byMessage('a run was cut off by a daemon restart'), 'the cut run recorded as interrupted');
  t.is(interrupted.runId, cutRunId);
  t.is(interrupted.requeue, true);

  for (const pull of [cut!, waiting!]) {
    await eventually(
      async () => ((await testmeStatuses(pull)).at(-1)?.startsWith('success') ? true : undefined),
      `success on #${pull.number}`,
      10 * 60_000,
    );
  }
  t.deepEqual(await testmeStatuses(cut!), [
    'pending: queued: position 1',
    'pending: running',
    'error: interrupted by a daemon restart; queued again',
    'pending: running (attempt 2)',
    'success: L5 · success',
  ]);
  t.deepEqual(await testmeStatuses(waiting!), ['pending: queued: position 1', 'pending: running', 'success: L5 · success']);

  const results = await runResults(second);
  const ofCut = results
    .filter((entry) => entry.pr === String(cut!.number))
    .sort((left, right) => left.startedAt.localeCompare(right.startedAt));
  t.is(ofCut.length, 2, 'the cut run and its re-run');
  t.is(ofCut[0]?.runId, cutRunId);
  t.is(ofCut[0]?.abortReason, 'parent-gone', 'the orphaned run noticed its parent was gone');
  t.is(ofCut[0]?.teardown.ran, true);
  t.deepEqual(ofCut[0]?.teardown.leftovers, []);
  t.is(ofCut[1]?.verdict, 'success');
  const ofWaiting = results.filter((entry) => entry.pr === String(waiting!.number));
  t.is(ofWaiting.length, 1);
  t.true(Date.parse(ofCut[1]!.finishedAt) <= Date.parse(ofWaiting[0]!.startedAt), 'the re-run went first, then the waiting one');

  for (const pull of [cut!, waiting!]) {
    const mine = await botCommentsOnce(pull, /\*\*L5 · success\*\*/);
    t.is(mine.length, 1, `one bot comment on #${pull.number}`);
    t.regex(mine[0]?.body ?? '', /\*\*L5 · success\*\*/);
    if (pull === cut) t.regex(mine[0]?.body ?? '', new RegExp(`Run \\[${cutRunId}\\]\\([^)]+\\) was interrupted by a daemon restart`));
  }

  const locks = await readdir((await bedConfig()).lockDir);
  for (const entry of [...ofCut, ...ofWaiting]) {
    t.deepEqual(await stackLeftovers(stackName(entry.domain)), [], `nothing of ${entry.domain} on the swarm`);
    t.deepEqual(
      locks.filter((name) => name.startsWith(entry.domain)),
      [],
      `no lock of ${entry.domain} left`,
    );
  }
});
