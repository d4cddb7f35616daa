// The daemon's own lifetime with runs going: a forge that goes away mid-run costs nothing (the run
// finishes and tears down; its reports wait and are delivered when the forge is back), and a SIGTERM
// stops every run through its teardown, reports it cancelled, keeps what waits, and exits 0.
import test from 'ava';
import { join } from 'node:path';
import { COMMENT_MARKER } from '../../src/daemon/report.js';
import { stackName } from '../../src/domain/identity.js';
import { openDaemonStore } from '../../src/io/daemon-store.js';
import { byMessage, eventually, primed, runResults, startDaemon, type DaemonUnderTest } from '../helpers/daemon-harness.js';
import { closePull, comment, loginOf, openPullRequest, pullComments, startForge, statuses, stopForge, type OpenedPull } from '../helpers/forge-bed.js';
import { stackLeftovers } from '../helpers/test-bed.js';

const REPO = 'recipes/web';
const opened: OpenedPull[] = [];
const daemons: DaemonUnderTest[] = [];

test.after.always(async () => {
  await startForge();
  for (const daemon of daemons) await daemon.stop();
  for (const pull of opened) await closePull(pull.repo, pull.number);
});

async function ourStatuses(pull: OpenedPull): Promise<string[]> {
  return (await statuses(pull.repo, pull.sha)).filter((status) => status.context === 'cc-ci/testme').reverse().map((status) => `${status.status}: ${status.description}`);
}

async function botComment(pull: OpenedPull) {
  const bot = await loginOf('bot');
  return (await pullComments(pull.repo, pull.number)).filter((entry) => entry.author === bot && entry.body.includes(COMMENT_MARKER));
}

async function reachedStage(daemon: DaemonUnderTest, runId: string, stage: string): Promise<void> {
  const { readFile } = await import('node:fs/promises');
  await eventually(async () => ((await readFile(join(daemon.runsDir, runId, 'events.jsonl'), 'utf8').catch(() => '')).includes(`"stage":"${stage}"`) ? true : undefined), `run ${runId} reached ${stage}`, 3 * 60_000);
}

test.serial('Gitea stopped mid-run: the run finishes and tears down, the status and the comment are delivered once Gitea is back', async (t) => {
  t.timeout(10 * 60_000);
  const daemon = await startDaemon({ repositories: [REPO], pollIntervalSeconds: 2 });
  daemons.push(daemon);
  t.teardown(async () => void (await daemon.stop()));
  await primed(daemon, [REPO]);
  const pull = await openPullRequest('web');
  opened.push(pull);
  await comment('member', REPO, pull.number, '!testme');
  const started = await daemon.waitForLog(byMessage('run starting', { }), 'the run starting');
  const runId = String(started.runId);
  await eventually(async () => ((await ourStatuses(pull)).includes('pending: running') ? true : undefined), 'the running status delivered', 60_000);
  // the clone is done once the deploy starts; from here the run needs nothing of the forge
  await reachedStage(daemon, runId, 'deploy');
  await stopForge();
  const finished = await daemon.waitForLog(byMessage('request finished', { runId }), 'the run finished while Gitea was down');
  t.is(finished.verdict, 'success');
  await daemon.waitForLog(byMessage('the forge does not answer: reports wait until it does'), 'the reports waiting');
  const health = await (await fetch(`${daemon.url}/healthz`)).json() as { status: string; forgeBlocked: string | null; owed: number };
  t.is(health.status, 'ok', 'the daemon keeps serving');
  t.not(health.forgeBlocked, null);
  t.true(health.owed >= 2, `the result status and comment are owed (${health.owed})`);
  const [results] = (await runResults(daemon)).filter((entry) => entry.runId === runId);
  t.is(results!.verdict, 'success');
  t.true(results!.flags.cleanTeardown);
  t.deepEqual(await stackLeftovers(stackName(results!.domain)), []);

  await startForge();
  await daemon.waitForLog(byMessage('the forge answers again: waiting reports delivered'), 'the reports delivered', 2 * 60_000);
  t.deepEqual(await ourStatuses(pull), ['pending: queued: position 1', 'pending: running', 'success: L5 · success']);
  const mine = await botComment(pull);
  t.is(mine.length, 1);
  t.regex(mine[0]!.body, /\*\*L5 · success\*\*/);
  // two daemons enrolling one repository would both answer the next test's comments
  t.is(await daemon.stop('SIGTERM'), 0);
});

test.serial('SIGTERM with a run going: the run tears down (143), its status says cancelled, the waiting request stays stored, the daemon exits 0', async (t) => {
  t.timeout(10 * 60_000);
  const daemon = await startDaemon({ repositories: [REPO], maxTests: 1, pollIntervalSeconds: 2 });
  daemons.push(daemon);
  t.teardown(async () => void (await daemon.stop()));
  await primed(daemon, [REPO]);
  const going = await openPullRequest('web');
  const waiting = await openPullRequest('web');
  opened.push(going, waiting);
  await comment('member', REPO, going.number, '!testme');
  await comment('member', REPO, waiting.number, '!testme');
  const queued = await daemon.waitForLog(byMessage('request queued', { pull: waiting.number }), 'the second request queued');
  const started = await daemon.waitForLog(byMessage('run starting', {}), 'the run starting');
  const runId = String(started.runId);
  await reachedStage(daemon, runId, 'install');

  const exitCode = await daemon.stop('SIGTERM');
  t.is(exitCode, 0);
  t.truthy(daemon.logs.find(byMessage('request kept waiting for the next start', { request: queued.request })));
  const [results] = (await runResults(daemon)).filter((entry) => entry.runId === runId);
  t.is(results!.exitCode, 143);
  t.is(results!.abortReason, 'sigterm');
  t.true(results!.teardown.ran);
  t.deepEqual(await stackLeftovers(stackName(results!.domain)), []);
  t.deepEqual(await ourStatuses(going), [
    'pending: queued: position 1',
    'pending: running',
    'error: cancelled: the daemon was stopped; the run tore down (exit 143)',
  ]);
  t.regex((await botComment(going))[0]!.body, /\*\*cancelled: the daemon was stopped; the run tore down \(exit 143\)\*\*/);
  t.deepEqual(await ourStatuses(waiting), ['pending: queued: position 1']);
  const store = openDaemonStore(daemon.stateDir);
  try {
    t.deepEqual(store.requestsIn('queued').map((request) => request.pull), [waiting.number], 'the waiting request is kept for the next start');
  } finally {
    store.close();
  }
});

test.serial('a run longer than the per-run limit is stopped by the daemon: it tears down and is reported as stopped at the limit', async (t) => {
  t.timeout(6 * 60_000);
  // 0.25 min: the daemon's limit strikes during the run's tiers, well before its own hard deadline
  const daemon = await startDaemon({ repositories: [REPO], pollIntervalSeconds: 2, runLimitMinutes: 0.25 });
  daemons.push(daemon);
  t.teardown(async () => void (await daemon.stop()));
  await primed(daemon, [REPO]);
  const pull = await openPullRequest('web');
  opened.push(pull);
  await comment('member', REPO, pull.number, '!testme');
  const started = await daemon.waitForLog(byMessage('run starting', {}), 'the run starting');
  const runId = String(started.runId);
  await daemon.waitForLog(byMessage('run exceeded the per-run limit: stopping it', { runId }), 'the limit striking');
  const finished = await daemon.waitForLog(byMessage('request finished', { runId }), 'the stopped run recorded');
  t.is(finished.stoppedBy, 'run-limit');
  const [results] = (await runResults(daemon)).filter((entry) => entry.runId === runId);
  t.is(results!.exitCode, 143);
  t.true(results!.teardown.ran);
  t.deepEqual(await stackLeftovers(stackName(results!.domain)), []);
  await eventually(async () => ((await ourStatuses(pull)).at(-1)?.startsWith('error') ? true : undefined), 'the error status delivered', 60_000);
  t.is((await ourStatuses(pull)).at(-1), 'error: stopped at the per-run limit of 15 s; the run tore down (exit 143)');
  t.is(await daemon.stop('SIGTERM'), 0);
});
