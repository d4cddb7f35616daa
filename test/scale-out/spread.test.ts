// Scale-out on real processes: a 3-node NATS JetStream cluster on loopback, one daemon (the forge side,
// publishing run requests) and two workers with one slot each, on the one test swarm. Four pull
// requests triggered together spread over both workers, no worker ever holds more than its capacity,
// and a NATS node SIGKILLed while runs go changes nothing: every pull request ends with one true report.
import test from 'ava';
import { readdir } from 'node:fs/promises';
import { stackName } from '../../src/domain/identity.js';
import { botCommentsOnce, daemonForTest, eventually, runResults, testmeStatuses, triggeredPulls } from '../helpers/daemon-harness.js';
import { startNatsCluster } from '../helpers/nats-cluster.js';
import { bedConfig, stackLeftovers } from '../helpers/test-bed.js';
import { heldRuns, mostHeldAtOnce, workerForTest } from '../helpers/worker-harness.js';

test('4 triggers over 2 workers of capacity 1: spread over both, capacity kept, a NATS node killed mid-way, 4 true reports', async (t) => {
  t.timeout(20 * 60_000);
  const cluster = await startNatsCluster(3);
  t.teardown(() => cluster.stop());
  const nats = { servers: [...cluster.servers], replicas: 3, ackWaitSeconds: 15 };
  const daemon = await daemonForTest(t, { repositories: ['recipes/web'], maxTests: 4, nats });
  const workers = [
    await workerForTest(t, { name: 'ci-a', maxTests: 1, nats }),
    await workerForTest(t, { name: 'ci-b', maxTests: 1, nats }),
  ];
  const pulls = await triggeredPulls(t, 'web', 4);

  // both workers busy, then one of the three NATS nodes goes
  for (const worker of workers) await worker.waitForLog((line) => line.msg === 'run taken', `${worker.name} took a run`, 5 * 60_000);
  const killedAt = Date.now();
  await cluster.nodes[0]!.kill();
  t.log(`NATS node ${cluster.nodes[0]!.name} SIGKILLed with both workers running`);

  for (const pull of pulls) {
    await eventually(
      async () => ((await testmeStatuses(pull)).at(-1)?.startsWith('success') ? true : undefined),
      `success on #${pull.number}`,
      15 * 60_000,
    );
  }
  const perWorker = workers.map((worker) => heldRuns(worker).length);
  t.log(`runs per worker: ${workers.map((worker, index) => `${worker.name} ${perWorker[index]}`).join(', ')}`);
  t.log(
    `after the node was killed: ${workers.map((w) => heldRuns(w).filter((run) => run.taken > killedAt).length).join(' + ')} runs taken`,
  );
  t.deepEqual(
    perWorker.reduce((sum, count) => sum + count, 0),
    4,
    'every request was taken exactly once',
  );
  for (const [index, worker] of workers.entries()) {
    t.true(perWorker[index]! >= 1, `${worker.name} took at least one run`);
    t.is(mostHeldAtOnce(worker), 1, `${worker.name} never held more than its one slot`);
    t.true(
      heldRuns(worker).every((run) => run.released !== undefined),
      `${worker.name} acknowledged every run it took`,
    );
  }
  t.true(
    workers.some((worker) => heldRuns(worker).some((run) => run.taken > killedAt)),
    'runs were taken after the NATS node died',
  );

  for (const pull of pulls) {
    const statuses = await testmeStatuses(pull);
    t.deepEqual(statuses.slice(0, 2), ['pending: queued: position 1', 'pending: waiting for a worker'], `#${pull.number}`);
    t.regex(statuses[2] ?? '', /^pending: running on ci-[ab]$/, `#${pull.number} names its worker`);
    t.deepEqual(statuses.slice(3), ['success: L5 · success'], `#${pull.number}`);
    const comments = await botCommentsOnce(pull, /\*\*L5 · success\*\*/);
    t.is(comments.length, 1, `one bot comment on #${pull.number}`);
  }
  // the daemon holds each run's results (sent back by the worker) as if it had run them
  const results = (await runResults(daemon)).filter((entry) => pulls.some((pull) => String(pull.number) === entry.pr));
  t.is(results.length, 4);
  const locks = await readdir((await bedConfig()).lockDir);
  for (const entry of results) {
    t.is(entry.verdict, 'success');
    t.deepEqual(await stackLeftovers(stackName(entry.domain)), [], `nothing of ${entry.domain} on the swarm`);
    t.deepEqual(
      locks.filter((name) => name.startsWith(entry.domain)),
      [],
      `no lock of ${entry.domain} left`,
    );
  }
});
