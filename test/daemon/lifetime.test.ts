// The daemon's own lifetime with runs going: a forge that goes away mid-run costs nothing (the run
// finishes and tears down; its reports wait and are delivered when the forge is back), a SIGTERM
// stops every run through its teardown, reports it cancelled, keeps what waits and exits 0, and a
// run longer than the per-run limit is stopped by the daemon before its own hard deadline.
import test from 'ava';
import { stackName } from '../../src/domain/identity.js';
import { openDaemonStore } from '../../src/io/daemon-store.js';
import {
  botComments,
  byMessage,
  daemonForTest,
  eventually,
  reachedStage,
  runResults,
  testmeStatuses,
  triggeredPulls,
} from '../helpers/daemon-harness.js';
import { startForge, stopForge } from '../helpers/forge-bed.js';
import { stackLeftovers } from '../helpers/test-bed.js';

const REPO = 'recipes/web';

test.serial(
  'Gitea stopped mid-run: the run finishes and tears down, the status and the comment are delivered once Gitea is back',
  async (t) => {
    t.timeout(10 * 60_000);
    t.teardown(startForge);
    const daemon = await daemonForTest(t, { repositories: [REPO] });
    const [pull] = await triggeredPulls(t, 'web', 1);
    const runId = String((await daemon.waitForLog(byMessage('run starting'), 'the run starting')).runId);
    await eventually(
      async () => ((await testmeStatuses(pull!)).includes('pending: running') ? true : undefined),
      'the running status delivered',
      60_000,
    );
    // the clone is done once the deploy starts; from here the run needs nothing of the forge
    await reachedStage(daemon, runId, 'deploy');
    await stopForge();
    const finished = await daemon.waitForLog(byMessage('request finished', { runId }), 'the run finished while Gitea was down');
    t.is(finished.verdict, 'success');
    await daemon.waitForLog(byMessage('the forge does not answer: reports wait until it does'), 'the reports waiting');
    const health = (await (await fetch(`${daemon.url}/healthz`)).json()) as { status: string; forgeBlocked: string | null; owed: number };
    t.is(health.status, 'ok', 'the daemon keeps serving');
    t.not(health.forgeBlocked, null);
    t.true(health.owed >= 2, `the result status and comment are owed (${health.owed})`);
    const [results] = (await runResults(daemon)).filter((entry) => entry.runId === runId);
    t.is(results?.verdict, 'success');
    t.is(results?.flags.cleanTeardown, true);
    t.deepEqual(await stackLeftovers(stackName(results!.domain)), []);

    await startForge();
    await daemon.waitForLog(byMessage('the forge answers again: waiting reports delivered'), 'the reports delivered', 2 * 60_000);
    t.deepEqual(await testmeStatuses(pull!), ['pending: queued: position 1', 'pending: running', 'success: L5 · success']);
    const mine = await botComments(pull!);
    t.is(mine.length, 1);
    t.regex(mine[0]?.body ?? '', /\*\*L5 · success\*\*/);
    // two daemons enrolling one repository would both answer the next test's comments
    t.is(await daemon.stop('SIGTERM'), 0);
  },
);

test.serial(
  'SIGTERM with a run going: the run tears down (143), its status says cancelled, the waiting request stays stored, the daemon exits 0',
  async (t) => {
    t.timeout(10 * 60_000);
    const daemon = await daemonForTest(t, { repositories: [REPO], maxTests: 1 });
    const [going, waiting] = await triggeredPulls(t, 'web', 2);
    const queued = await daemon.waitForLog(byMessage('request queued', { pull: waiting!.number }), 'the second request queued');
    const runId = String((await daemon.waitForLog(byMessage('run starting'), 'the run starting')).runId);
    await reachedStage(daemon, runId, 'install');

    t.is(await daemon.stop('SIGTERM'), 0);
    t.truthy(daemon.logs.find(byMessage('request kept waiting for the next start', { request: queued.request })));
    const [results] = (await runResults(daemon)).filter((entry) => entry.runId === runId);
    t.is(results?.exitCode, 143);
    t.is(results?.abortReason, 'sigterm');
    t.is(results?.teardown.ran, true);
    t.deepEqual(await stackLeftovers(stackName(results!.domain)), []);
    t.deepEqual(await testmeStatuses(going!), [
      'pending: queued: position 1',
      'pending: running',
      'error: cancelled: the daemon was stopped; the run tore down (exit 143)',
    ]);
    t.regex((await botComments(going!))[0]?.body ?? '', /\*\*cancelled: the daemon was stopped; the run tore down \(exit 143\)\*\*/);
    t.deepEqual(await testmeStatuses(waiting!), ['pending: queued: position 1']);
    const store = openDaemonStore(daemon.stateDir);
    try {
      t.deepEqual(
        store.requestsIn('queued').map((request) => request.pull),
        [waiting!.number],
        'the waiting request is kept for the next start',
      );
    } finally {
      store.close();
    }
  },
);

test.serial(
  'a run longer than the per-run limit is stopped by the daemon: it tears down and is reported as stopped at the limit',
  async (t) => {
    t.timeout(6 * 60_000);
    // 0.25 min: the daemon's limit strikes during the run's tiers, well before its own hard deadline
    const daemon = await daemonForTest(t, { repositories: [REPO], runLimitMinutes: 0.25 });
    const [pull] = await triggeredPulls(t, 'web', 1);
    const runId = String((await daemon.waitForLog(byMessage('run starting'), 'the run starting')).runId);
    await daemon.waitForLog(byMessage('run exceeded the per-run limit: stopping it', { runId }), 'the limit striking');
    const finished = await daemon.waitForLog(byMessage('request finished', { runId }), 'the stopped run recorded');
    t.is(finished.stoppedBy, 'run-limit');
    const [results] = (await runResults(daemon)).filter((entry) => entry.runId === runId);
    t.is(results?.exitCode, 143);
    t.is(results?.teardown.ran, true);
    t.deepEqual(await stackLeftovers(stackName(results!.domain)), []);
    await eventually(
      async () => ((await testmeStatuses(pull!)).at(-1)?.startsWith('error') ? true : undefined),
      'the error status delivered',
      60_000,
    );
    t.is((await testmeStatuses(pull!)).at(-1), 'error: stopped at the per-run limit of 15 s; the run tore down (exit 143)');
    t.is(await daemon.stop('SIGTERM'), 0);
  },
);
