// `!testme` on the real Gitea → a real daemon → real runs on the swarm → statuses and one edited
// comment per pull request; the webhook and the poller share one dedupe.
import test from 'ava';
import { createHmac } from 'node:crypto';
import { COMMENT_MARKER } from '../../src/daemon/report.js';
import { stackName } from '../../src/domain/identity.js';
import { byMessage, eventually, primed, runResults, startDaemon, type DaemonUnderTest } from '../helpers/daemon-harness.js';
import { addWebhook, closePull, comment, commentHistory, loginOf, openPullRequest, pullComments, removeWebhook, statuses, type OpenedPull } from '../helpers/forge-bed.js';
import { stackLeftovers } from '../helpers/test-bed.js';

const REPO = 'recipes/web';
const SECRET = 'webhook-secret-for-the-trigger-tests';
const opened: OpenedPull[] = [];
let daemon: DaemonUnderTest | undefined;
let hook: number | undefined;

test.after.always(async () => {
  await daemon?.stop();
  if (hook !== undefined) await removeWebhook(REPO, hook);
  for (const pull of opened) await closePull(pull.repo, pull.number);
});

async function openPull(): Promise<OpenedPull> {
  const pull = await openPullRequest('web');
  opened.push(pull);
  return pull;
}

async function botComments(pull: OpenedPull) {
  const bot = await loginOf('bot');
  return (await pullComments(pull.repo, pull.number)).filter((entry) => entry.author === bot && entry.body.includes(COMMENT_MARKER));
}

/** Commit statuses of our context, oldest first. */
async function ourStatuses(pull: OpenedPull) {
  return (await statuses(pull.repo, pull.sha)).filter((status) => status.context === 'cc-ci/testme').reverse();
}

test.serial('a member\'s !testme by webhook and by poll runs once: pending at once, then success, one bot comment queued → running → result', async (t) => {
  t.timeout(10 * 60_000);
  daemon = await startDaemon({ repositories: [REPO], maxTests: 1, pollIntervalSeconds: 2, webhookSecret: SECRET });
  hook = await addWebhook(REPO, `${daemon.url}/hook`, SECRET, ['issue_comment', 'pull_request_comment']);
  await primed(daemon, [REPO]);
  const first = await openPull();
  const second = await openPull();
  const firstComment = await comment('member', REPO, first.number, '!testme');
  const secondComment = await comment('member', REPO, second.number, '!testme');

  // both paths saw each comment; the second sighting was a duplicate
  for (const id of [firstComment, secondComment]) {
    await daemon.waitForLog(byMessage('comment already seen', { comment: id }), `the second delivery of comment ${id}`, 60_000);
    t.is(daemon.logs.filter(byMessage('trigger seen', { comment: id })).length, 1, `comment ${id} judged once`);
  }
  const pending = await eventually(async () => (await ourStatuses(first)).find((status) => status.status === 'pending'), 'a pending status on the first head', 30_000);
  t.regex(pending.description, /^queued: position 1$/);

  for (const pull of [first, second]) {
    await eventually(async () => ((await ourStatuses(pull)).at(-1)?.status === 'success' ? true : undefined), `success on #${pull.number}`, 5 * 60_000);
  }
  for (const pull of [first, second]) t.is(daemon.logs.filter(byMessage('request queued', { pull: pull.number })).length, 1, `one request for #${pull.number}`);

  for (const pull of [first, second]) {
    t.deepEqual((await ourStatuses(pull)).map((status) => `${status.status}: ${status.description}`), [
      // the first started at once; the second waited first in line
      'pending: queued: position 1',
      'pending: running',
      'success: L5 · success',
    ]);
    const comments = await botComments(pull);
    t.is(comments.length, 1, `one bot comment on #${pull.number}`);
    const history = await commentHistory(pull.repo, pull.number, comments[0]!.id);
    const phases = history.map((body) => (/\*\*Queued\*\*/.test(body) ? 'queued' : /\*\*Running\*\*/.test(body) ? 'running' : /\*\*L5 · success\*\*/.test(body) ? 'result' : body));
    t.deepEqual(phases.filter((phase, index) => phase !== phases[index - 1]), ['queued', 'running', 'result'], `#${pull.number} went queued → running → result`);
    t.regex(comments[0]!.body, /\| install \| pass \|/);
    t.regex(comments[0]!.body, new RegExp(`${daemon.url.replaceAll('.', '\\.')}/runs/\\d{8}T\\d{6}Z-[0-9a-f]{6}`));
  }

  const results = (await runResults(daemon)).filter((entry) => entry.pr === String(first.number) || entry.pr === String(second.number));
  t.deepEqual(results.map((entry) => entry.ref).sort(), [first.sha, second.sha].sort(), 'results.json of each pinned sha, one run each');
  for (const entry of results) {
    t.is(entry.verdict, 'success');
    t.deepEqual(await stackLeftovers(stackName(entry.domain)), []);
  }
  const [earlier, later] = [...results].sort((left, right) => left.startedAt.localeCompare(right.startedAt));
  t.is(earlier!.ref, first.sha, 'FIFO');
  t.true(Date.parse(earlier!.finishedAt) <= Date.parse(later!.startedAt), 'maxTests 1: the second started after the first ended');
});

test.serial('no run for a non-member, `!testme please`, an edited old comment or a closed pull request; --quick is answered', async (t) => {
  t.timeout(5 * 60_000);
  if (daemon === undefined) daemon = await startDaemon({ repositories: [REPO], pollIntervalSeconds: 2, webhookSecret: SECRET });
  const pull = await openPull();
  const closed = await openPull();
  await closePull(closed.repo, closed.number);
  const old = await comment('member', REPO, pull.number, 'looks good to me');
  await daemon.waitForLog(byMessage('comment is not a trigger', { comment: old }), 'the old comment judged');

  const outsider = await comment('outsider', REPO, pull.number, '!testme');
  const please = await comment('member', REPO, pull.number, '!testme please');
  const { api } = await import('../helpers/forge-bed.js');
  t.is((await api('member', 'PATCH', `/repos/${REPO}/issues/comments/${old}`, { body: '!testme' })).status, 200);
  const onClosed = await comment('member', REPO, closed.number, '!testme');
  const quick = await comment('member', REPO, pull.number, '!testme --quick');

  const denied = await daemon.waitForLog(byMessage('trigger denied', { comment: outsider }), 'the outsider denied');
  t.is(denied.why, 'outsider is not a member of recipes (404: not found)');
  await daemon.waitForLog(byMessage('comment is not a trigger', { comment: please }), '!testme please ignored');
  await daemon.waitForLog(byMessage('trigger ignored', { comment: onClosed }), 'closed pull request ignored');
  await daemon.waitForLog(byMessage('quick trigger answered: not available yet', { comment: quick }), '--quick answered');
  // the edited comment came back from the poller (its updated_at moved) and was already seen
  await daemon.waitForLog((line) => line.msg === 'comment already seen' && line.comment === old && line.via === 'poll', 'the edited comment seen again');
  t.is(daemon.logs.filter((line) => line.msg === 'trigger seen' && line.comment === old).length, 0);

  t.is(daemon.logs.filter((line) => line.msg === 'request queued' && (line.pull === pull.number || line.pull === closed.number)).length, 0, 'nothing was queued');
  t.deepEqual(await ourStatuses(pull), []);
  t.deepEqual(await ourStatuses(closed), []);
  const answer = await eventually(async () => (await botComments(pull))[0], 'the bot answers --quick', 30_000);
  t.regex(answer.body, /`!testme --quick` is not available yet/);
  t.is((await botComments(closed)).length, 0, 'the bot does not argue on a closed pull request');
});

function sign(body: string): string {
  return createHmac('sha256', SECRET).update(body).digest('hex');
}

async function deliver(body: string, headers: Record<string, string>): Promise<{ status: number; json: unknown }> {
  const response = await fetch(`${daemon!.url}/hook`, { method: 'POST', body, headers: { 'content-type': 'application/json', 'x-gitea-event': 'issue_comment', ...headers } });
  return { status: response.status, json: await response.json() };
}

test.serial('the webhook: a bad signature is 401 before anything is parsed; bad JSON and a wrong shape are 400 with the reason', async (t) => {
  if (daemon === undefined) daemon = await startDaemon({ repositories: [REPO], webhookSecret: SECRET });
  const notJson = '{"action": "created", ';
  t.deepEqual(await deliver(notJson, { 'x-gitea-signature': sign('something else') }), { status: 401, json: { error: 'bad signature: signature does not match the body' } });
  t.deepEqual(await deliver(notJson, {}), { status: 401, json: { error: 'bad signature: no x-gitea-signature or x-forgejo-signature header' } });
  const malformed = await deliver(notJson, { 'x-gitea-signature': sign(notJson) });
  t.is(malformed.status, 400);
  t.regex((malformed.json as { error: string }).error, /^the body is not JSON: /);
  const shape = JSON.stringify({ action: 'created', issue: { number: 'one' } });
  const wrong = await deliver(shape, { 'x-forgejo-signature': sign(shape) });
  t.is(wrong.status, 400);
  t.regex((wrong.json as { error: string }).error, /^not an issue_comment payload:\n/);
  t.regex((wrong.json as { error: string }).error, /issue\.number/);
  const ping = JSON.stringify({ zen: 'hello' });
  t.deepEqual(await deliver(ping, { 'x-gitea-signature': sign(ping), 'x-gitea-event': 'push' }), { status: 202, json: { ignored: 'event push is not issue_comment' } });
});
