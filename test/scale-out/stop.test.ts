// Stopping in scale-out, on real processes (3-node NATS cluster, daemon, a worker on the test swarm):
// a daemon SIGTERM cancels the run a worker holds (it tears down, reports, is acknowledged) and takes
// back the request no worker took yet; a worker SIGTERM tears its run down, reports and acknowledges
// it before the worker exits 0. Either way the work queue ends empty and nothing is left behind.
// Serial: both daemons poll recipes/web, so side by side each would also take the other's triggers.
import test from 'ava';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stackName } from '../../src/domain/identity.js';
import { RUNS_STREAM } from '../../src/domain/scale-out.js';
import { Results } from '../../src/results/schema.js';
import { byMessage, daemonForTest, eventually, testmeStatuses, triggeredPulls } from '../helpers/daemon-harness.js';
import { startNatsCluster, type NatsCluster } from '../helpers/nats-cluster.js';
import { bedConfig, stackLeftovers } from '../helpers/test-bed.js';
import { heldRuns, workerForTest, type WorkerUnderTest } from '../helpers/worker-harness.js';

async function queuedRequests(cluster: NatsCluster): Promise<number> {
  const connection = await connect({ servers: [...cluster.servers] });
  try {
    return (await (await jetstreamManager(connection)).streams.info(RUNS_STREAM)).state.messages;
  } finally {
    await connection.close();
  }
}

async function inInstall(worker: WorkerUnderTest, runId: string): Promise<void> {
  await eventually(
    async () =>
      (await readFile(join(worker.runsDir, runId, 'events.jsonl'), 'utf8').catch(() => '')).includes('"stage":"install"')
        ? true
        : undefined,
    `run ${runId} reached install`,
    3 * 60_000,
  );
}

async function nothingLeft(t: import('ava').ExecutionContext, results: Results): Promise<void> {
  t.is(results.teardown.ran, true);
  t.deepEqual(results.teardown.leftovers, []);
  t.deepEqual(await stackLeftovers(stackName(results.domain)), [], `nothing of ${results.domain} on the swarm`);
  const locks = await readdir((await bedConfig()).lockDir);
  t.deepEqual(
    locks.filter((name) => name.startsWith(results.domain)),
    [],
    `no lock of ${results.domain} left`,
  );
}

test.serial('daemon SIGTERM: the run a worker holds is cancelled and torn down, the request nobody took is taken back', async (t) => {
  t.timeout(10 * 60_000);
  const cluster = await startNatsCluster(3);
  t.teardown(() => cluster.stop());
  const nats = { servers: [...cluster.servers], replicas: 3, ackWaitSeconds: 15 };
  const daemon = await daemonForTest(t, { repositories: ['recipes/web'], maxTests: 2, nats });
  const worker = await workerForTest(t, { name: 'ci-a', maxTests: 1, nats });
  const pulls = await triggeredPulls(t, 'web', 2);
  const taken = await worker.waitForLog(byMessage('run taken'), 'the worker took a run', 5 * 60_000);
  await eventually(
    async () => (daemon.logs.filter(byMessage('run request published to the workers')).length === 2 ? true : undefined),
    'both requests published',
  );
  await inInstall(worker, String(taken.runId));

  t.is(await daemon.stop('SIGTERM'), 0, 'the daemon stops cleanly');
  t.truthy(worker.logs.find((line) => line.msg === 'stopping the run' && line.reason === 'the daemon stopped it'));
  await worker.waitForLog(byMessage('run finished and acknowledged', { runId: taken.runId }), 'the cancelled run acknowledged');
  t.is(await queuedRequests(cluster), 0, 'the work queue is empty: one acknowledged, one taken back');
  t.is(heldRuns(worker).length, 1, 'the worker never took the request that was taken back');

  const ran = Results.parse(JSON.parse(await readFile(join(worker.runsDir, String(taken.runId), 'results.json'), 'utf8')));
  t.is(ran.abortReason, 'sigterm');
  await nothingLeft(t, ran);
  // the two requests are published concurrently, so which one the worker took is read from its results
  const running = pulls.find((pull) => String(pull.number) === ran.pr)!;
  const waiting = pulls.find((pull) => pull !== running)!;
  t.is((await testmeStatuses(running)).at(-1), 'error: cancelled: the daemon was stopped; the run tore down (exit 143)');
  t.is((await testmeStatuses(waiting)).at(-1), 'error: cancelled: the daemon was stopped');
});

test.serial('worker SIGTERM: its run tears down, is reported and acknowledged, then the worker exits 0', async (t) => {
  t.timeout(10 * 60_000);
  const cluster = await startNatsCluster(3);
  t.teardown(() => cluster.stop());
  const nats = { servers: [...cluster.servers], replicas: 3, ackWaitSeconds: 15 };
  await daemonForTest(t, { repositories: ['recipes/web'], maxTests: 1, nats });
  const worker = await workerForTest(t, { name: 'ci-a', maxTests: 1, nats });
  const [pull] = await triggeredPulls(t, 'web', 1);
  const taken = await worker.waitForLog(byMessage('run taken'), 'the worker took the run', 5 * 60_000);
  await inInstall(worker, String(taken.runId));

  t.is(await worker.stop('SIGTERM'), 0, 'the worker stops cleanly');
  t.truthy(worker.logs.find(byMessage('run finished and acknowledged', { runId: taken.runId })), 'acknowledged before it exited');
  t.is(await queuedRequests(cluster), 0, 'nothing left in the work queue');
  const ran = Results.parse(JSON.parse(await readFile(join(worker.runsDir, String(taken.runId), 'results.json'), 'utf8')));
  t.is(ran.abortReason, 'sigterm');
  await nothingLeft(t, ran);
  await eventually(async () => ((await testmeStatuses(pull!)).at(-1)?.startsWith('error') ? true : undefined), 'the final status', 60_000);
  t.is((await testmeStatuses(pull!)).at(-1), `error: L${ran.level} · error: the run was aborted (sigterm)`);
});
