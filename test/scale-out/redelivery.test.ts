// A worker SIGKILLed mid-run (3-node NATS cluster, daemon, two workers on the one test swarm): its run
// notices its parent is gone and tears down; JetStream gives the request to the other worker once the
// ack wait lapses; that attempt waits on the domain lock until the orphan is done, then runs. The pull
// request ends with one true report naming the cut-off attempt; nothing is left on the swarm.
import test from 'ava';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stackName } from '../../src/domain/identity.js';
import { Results } from '../../src/results/schema.js';
import {
  botCommentsOnce,
  byMessage,
  daemonForTest,
  eventually,
  runResults,
  testmeStatuses,
  triggeredPulls,
} from '../helpers/daemon-harness.js';
import { startNatsCluster } from '../helpers/nats-cluster.js';
import { bedConfig, stackLeftovers } from '../helpers/test-bed.js';
import { workerForTest, type WorkerUnderTest } from '../helpers/worker-harness.js';

const ACK_WAIT_SECONDS = 10;

async function resultsIn(runsDir: string, runId: string): Promise<Results | undefined> {
  const text = await readFile(join(runsDir, runId, 'results.json'), 'utf8').catch(() => undefined);
  return text === undefined ? undefined : Results.parse(JSON.parse(text));
}

test('SIGKILL of the worker running a request: redelivered to the other worker, one true report, nothing left', async (t) => {
  t.timeout(15 * 60_000);
  const cluster = await startNatsCluster(3);
  t.teardown(() => cluster.stop());
  const nats = { servers: [...cluster.servers], replicas: 3, ackWaitSeconds: ACK_WAIT_SECONDS };
  const daemon = await daemonForTest(t, { repositories: ['recipes/web'], maxTests: 1, nats });
  const workers = [
    await workerForTest(t, { name: 'ci-a', maxTests: 1, nats }),
    await workerForTest(t, { name: 'ci-b', maxTests: 1, nats }),
  ];
  const [pull] = await triggeredPulls(t, 'web', 1);

  const taken = await Promise.race(
    workers.map((worker) => worker.waitForLog(byMessage('run taken'), `${worker.name} took the run`, 5 * 60_000).then(() => worker)),
  );
  const other = workers.find((worker) => worker !== taken)!;
  const cutRunId = String(taken.logs.find(byMessage('run taken'))!.runId);
  // killed while the app is deployed: past its lock, in a tier
  await eventually(
    async () =>
      (await readFile(join(taken.runsDir, cutRunId, 'events.jsonl'), 'utf8').catch(() => '')).includes('"stage":"install"')
        ? true
        : undefined,
    `run ${cutRunId} reached install`,
    3 * 60_000,
  );
  const killedAt = Date.now();
  await taken.stop('SIGKILL');

  const again = await other.waitForLog(
    (line) => line.msg === 'run taken' && line.delivery === 2,
    `${other.name} took the request again`,
    2 * 60_000,
  );
  const redeliveredMs = Number(again.time) - killedAt;
  t.log(
    `${taken.name} SIGKILLed; ${other.name} took the request again ${(redeliveredMs / 1000).toFixed(1)} s later (ack wait ${ACK_WAIT_SECONDS} s)`,
  );
  t.true(redeliveredMs >= (ACK_WAIT_SECONDS * 1000) / 3, 'not before the hold could have lapsed');
  const redelivered = await daemon.waitForLog(byMessage('run redelivered'), 'the daemon records the new attempt');
  t.is(redelivered.cutOff, cutRunId);
  const newRunId = String(again.runId);
  t.is(redelivered.runId, newRunId);
  t.not(newRunId, cutRunId, 'the new attempt is a run of its own');

  await eventually(
    async () => ((await testmeStatuses(pull!)).at(-1)?.startsWith('success') ? true : undefined),
    `success on #${pull!.number}`,
    10 * 60_000,
  );
  t.deepEqual(await testmeStatuses(pull!), [
    'pending: queued: position 1',
    'pending: waiting for a worker',
    `pending: running on ${taken.name}`,
    `pending: ${taken.name} stopped answering; running again`,
    `pending: running on ${other.name} (attempt 2)`,
    'success: L5 · success',
  ]);
  const comments = await botCommentsOnce(pull!, /\*\*L5 · success\*\*/);
  t.is(comments.length, 1, 'one bot comment');
  t.regex(comments[0]!.body, new RegExp(`Run \\[${cutRunId}\\]\\([^)]+\\) was cut off: its worker ${taken.name} stopped answering`));

  // the orphan of the killed worker tore its app down itself; the new attempt ran only after that
  const orphan = await eventually(() => resultsIn(taken.runsDir, cutRunId), 'the orphaned run wrote its results', 5 * 60_000);
  t.is(orphan.abortReason, 'parent-gone');
  t.is(orphan.teardown.ran, true);
  t.deepEqual(orphan.teardown.leftovers, []);
  const rerun = (await resultsIn(other.runsDir, newRunId))!;
  t.is(rerun.verdict, 'success');
  t.is(rerun.domain, orphan.domain, 'the same pull request and commit: the same domain');
  const lockWaits = (await readFile(join(other.runsDir, newRunId, 'run.log'), 'utf8')).includes('lock-wait');
  t.log(`the new attempt ${lockWaits ? 'waited on the domain lock the orphan held' : 'found the domain lock free'}`);
  t.true(Date.parse(orphan.finishedAt) <= Date.parse(rerun.finishedAt));

  // the daemon holds the finished attempt's results, copied from the worker
  const atDaemon = (await runResults(daemon)).filter((entry) => entry.pr === String(pull!.number));
  t.deepEqual(
    atDaemon.map((entry) => entry.runId),
    [newRunId],
  );
  const locks = await readdir((await bedConfig()).lockDir);
  t.deepEqual(await stackLeftovers(stackName(orphan.domain)), [], 'nothing on the swarm');
  t.deepEqual(
    locks.filter((name) => name.startsWith(orphan.domain)),
    [],
    'no lock left',
  );
  for (const worker of workers as WorkerUnderTest[])
    t.log(`${worker.name}: ${worker.logs.filter(byMessage('run taken')).length} run(s) taken`);
});
