// The janitor passes of the long-lived processes prune their own runs dir: the daemon (local mode) and
// a worker (scale-out, a real 3-node NATS cluster), each at its first pass, right after it starts.
import test from 'ava';
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { byMessage, daemonForTest } from '../helpers/daemon-harness.js';
import { startNatsCluster } from '../helpers/nats-cluster.js';
import { daysAgo, writeRunDir } from '../helpers/run-dirs.js';
import { workerForTest } from '../helpers/worker-harness.js';

const OLD = '20261001T120000Z-0a0b0c-p7';
const RECENT = '20261201T120000Z-0d0e0f-p8';

/** A runs dir with a run last written 40 days ago and one written now (the default retention is 30 days). */
async function runsDirWithOldAndRecentRun(): Promise<string> {
  const runsDir = await mkdtemp(join(tmpdir(), 'ccci-prune-runs-'));
  await writeRunDir(runsDir, OLD, daysAgo(40));
  await writeRunDir(runsDir, RECENT, new Date());
  return runsDir;
}

test('the daemon prunes run directories last written over runRetentionDays ago at its first janitor pass, and keeps a recent one', async (t) => {
  const runsDir = await runsDirWithOldAndRecentRun();
  const daemon = await daemonForTest(t, { repositories: ['recipes/web'], runsDir });
  const pruned = await daemon.waitForLog(byMessage('old run directories pruned'), 'the old run directory pruned', 60_000);
  t.deepEqual(pruned.runIds, [OLD]);
  t.is(pruned.retentionDays, 30);
  t.deepEqual(await readdir(runsDir), [RECENT]);
});

test('a worker prunes its own runs dir the same way', async (t) => {
  const cluster = await startNatsCluster(3);
  t.teardown(() => cluster.stop());
  const runsDir = await runsDirWithOldAndRecentRun();
  const worker = await workerForTest(t, { name: 'ci-a', maxTests: 1, nats: { servers: [...cluster.servers], replicas: 3 }, runsDir });
  const pruned = await worker.waitForLog(byMessage('old run directories pruned'), 'the old run directory pruned', 60_000);
  t.deepEqual(pruned.runIds, [OLD]);
  t.deepEqual(await readdir(runsDir), [RECENT]);
});
