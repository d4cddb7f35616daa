// `!testme` on the real Gitea → a real daemon → real runs on the swarm → statuses and one edited
// comment per pull request; the webhook and the poller share one dedupe.
import test from 'ava';
import { createHmac } from 'node:crypto';
import { stackName } from '../../src/domain/identity.js';
import {
  botComments,
  botCommentsOnce,
  byMessage,
  daemonForTest,
  eventually,
  runResults,
  testmeStatuses,
  type DaemonUnderTest,
} from '../helpers/daemon-harness.js';
import {
  addWebhook,
  api,
  closePull,
  comment,
  commentHistory,
  openPullRequest,
  removeWebhook,
  type OpenedPull,
} from '../helpers/forge-bed.js';
import { stackLeftovers } from '../helpers/test-bed.js';

const REPO = 'recipes/web';
const SECRET = 'webhook-secret-for-the-trigger-tests';

async function openPull(t: import('ava').ExecutionContext): Promise<OpenedPull> {
  const pull = await openPullRequest('web');
  t.teardown(() => closePull(pull.repo, pull.number));
  return pull;
}

test.serial(
  "a member's !testme by webhook and by poll runs once: pending at once, then success, one bot comment queued → running → result",
  async (t) => {
    t.timeout(10 * 60_000);
    const daemon = await daemonForTest(t, { repositories: [REPO], maxTests: 1, webhookSecret: SECRET });
    const hook = await addWebhook(REPO, `${daemon.url}/hook`, SECRET, ['issue_comment', 'pull_request_comment']);
    t.teardown(() => removeWebhook(REPO, hook));
    const first = await openPull(t);
    const second = await openPull(t);
    const firstComment = await comment('member', REPO, first.number, '!testme');
    const secondComment = await comment('member', REPO, second.number, '!testme');

    // both paths saw each comment; the second sighting was a duplicate
    for (const id of [firstComment, secondComment]) {
      const again = await daemon.waitForLog(
        byMessage('comment already seen', { comment: id }),
        `the second delivery of comment ${id}`,
        60_000,
      );
      const judged = daemon.logs.filter(byMessage('trigger seen', { comment: id }));
      t.is(judged.length, 1, `comment ${id} judged once`);
      t.not(again.via, judged[0]?.via, `comment ${id} came by both paths`);
    }
    await eventually(
      async () => ((await testmeStatuses(first))[0] === 'pending: queued: position 1' ? true : undefined),
      'a pending status on the first head',
      30_000,
    );
    // a second !testme while the second pull request is queued is not queued again, and the comment says
    // so; by the time the daemon judges it the first run may have ended and the second started
    await daemon.waitForLog(byMessage('request queued', { pull: second.number }), 'the second request queued');
    const again = await comment('member', REPO, second.number, '!testme');
    await daemon.waitForLog(byMessage('trigger duplicate', { comment: again }), 'the second !testme judged a duplicate');
    const judged = await daemon.waitForLog(byMessage('duplicate request: not queued', { pull: second.number }), 'the duplicate not queued');
    const note = {
      waiting: 'this `!testme` was not queued: this pull request is already waiting in the queue.',
      running: 'this `!testme` was not queued: a run of this pull request is already running; comment again once it has finished.',
    }[String(judged.ofState) as 'waiting' | 'running'];
    t.truthy(note, `the duplicate was judged against a waiting or running request, not ${String(judged.ofState)}`);
    await botCommentsOnce(second, new RegExp(note.replace(/[.*+?^${}()|[\]\\`]/g, '\\$&')));

    for (const pull of [first, second]) {
      await eventually(
        async () => ((await testmeStatuses(pull)).at(-1)?.startsWith('success') ? true : undefined),
        `success on #${pull.number}`,
        5 * 60_000,
      );
      t.is(daemon.logs.filter(byMessage('request queued', { pull: pull.number })).length, 1, `one request for #${pull.number}`);
      // the one queued first started at once; the other waited first in line
      t.deepEqual(await testmeStatuses(pull), ['pending: queued: position 1', 'pending: running', 'success: L5 · success']);
      const comments = await botCommentsOnce(pull, /\*\*L5 · success\*\*/);
      t.is(comments.length, 1, `one bot comment on #${pull.number}`);
      const history = await commentHistory(pull.repo, pull.number, comments[0]!.id);
      const phases = history.map((body) =>
        /\*\*Queued\*\*/.test(body)
          ? 'queued'
          : /\*\*Running\*\*/.test(body)
            ? 'running'
            : /\*\*L5 · success\*\*/.test(body)
              ? 'result'
              : body,
      );
      t.deepEqual(
        phases.filter((phase, index) => phase !== phases[index - 1]),
        ['queued', 'running', 'result'],
        `#${pull.number} went queued → running → result`,
      );
      t.regex(comments[0]!.body, /\| install \| pass \|/);
      t.regex(comments[0]!.body, new RegExp(`${daemon.url.replaceAll('.', '\\.')}/runs/\\d{8}T\\d{6}Z-[0-9a-f]{6}`));
      // the badge and the summary card, each an image the daemon serves, each linking to the run page
      const images = [...comments[0]!.body.matchAll(/\[!\[[^\]]*\]\(([^)]+)\)\]\(([^)]+)\)/g)];
      t.deepEqual(
        images.map(([, image]) => new URL(image!).pathname.replace(/\d{8}T\d{6}Z-[0-9a-f]{6}[^/]*/, '<run>')),
        ['/badge/web.svg', '/runs/<run>/card.png'],
      );
      for (const [, image, link] of images) {
        t.regex(link!, /\/runs\/\d{8}T\d{6}Z-/);
        const served = await fetch(image!);
        t.is(served.status, 200, image);
        t.regex(served.headers.get('content-type') ?? '', /^image\/(svg\+xml|png)/);
        await served.arrayBuffer();
      }
    }

    const results = (await runResults(daemon)).filter((entry) => entry.pr === String(first.number) || entry.pr === String(second.number));
    t.deepEqual(results.map((entry) => entry.ref).sort(), [first.sha, second.sha].sort(), 'results.json of each pinned sha, one run each');
    for (const entry of results) {
      t.is(entry.verdict, 'success');
      t.deepEqual(await stackLeftovers(stackName(entry.domain)), []);
    }
    const [earlier, later] = [...results].sort((left, right) => left.startedAt.localeCompare(right.startedAt));
    // FIFO in the order the daemon queued them: webhook deliveries may bring the second comment first
    const queuedFirst = daemon.logs.find(
      (line) => line.msg === 'request queued' && (line.pull === first.number || line.pull === second.number),
    );
    t.is(earlier?.ref, queuedFirst?.pull === first.number ? first.sha : second.sha, 'FIFO');
    t.true(Date.parse(earlier!.finishedAt) <= Date.parse(later!.startedAt), 'maxTests 1: the second started after the first ended');
  },
);

test.serial('no run for a non-member, `!testme please`, an edited old comment or a closed pull request; --quick is answered', async (t) => {
  t.timeout(5 * 60_000);
  const daemon = await daemonForTest(t, { repositories: [REPO] });
  const pull = await openPull(t);
  const closed = await openPull(t);
  await closePull(closed.repo, closed.number);
  const old = await comment('member', REPO, pull.number, 'looks good to me');
  await daemon.waitForLog(byMessage('comment is not a trigger', { comment: old }), 'the old comment judged');

  const outsider = await comment('outsider', REPO, pull.number, '!testme');
  const please = await comment('member', REPO, pull.number, '!testme please');
  t.is((await api('member', 'PATCH', `/repos/${REPO}/issues/comments/${old}`, { body: '!testme' })).status, 200);
  const onClosed = await comment('member', REPO, closed.number, '!testme');
  const quick = await comment('member', REPO, pull.number, '!testme --quick');

  const denied = await daemon.waitForLog(byMessage('trigger denied', { comment: outsider }), 'the outsider denied');
  t.is(denied.why, 'outsider is not a member of recipes (404: not found)');
  await daemon.waitForLog(byMessage('comment is not a trigger', { comment: please }), '!testme please ignored');
  await daemon.waitForLog(byMessage('trigger ignored', { comment: onClosed }), 'closed pull request ignored');
  await daemon.waitForLog(byMessage('quick trigger answered: not available yet', { comment: quick }), '--quick answered');
  // the edited comment came back from the poller (its updated_at moved) and was already seen
  await daemon.waitForLog(byMessage('comment already seen', { comment: old, via: 'poll' }), 'the edited comment seen again');
  t.is(daemon.logs.filter(byMessage('trigger seen', { comment: old })).length, 0);

  t.is(
    daemon.logs.filter((line) => line.msg === 'request queued' && (line.pull === pull.number || line.pull === closed.number)).length,
    0,
    'nothing was queued',
  );
  t.deepEqual(await testmeStatuses(pull), []);
  t.deepEqual(await testmeStatuses(closed), []);
  const answer = await eventually(async () => (await botComments(pull))[0], 'the bot answers --quick', 30_000);
  t.regex(answer.body, /`!testme --quick` is not available yet/);
  t.is((await botComments(closed)).length, 0, 'the bot does not argue on a closed pull request');
});

function sign(body: string): string {
  return createHmac('sha256', SECRET).update(body).digest('hex');
}

async function deliver(daemon: DaemonUnderTest, body: string, headers: Record<string, string>): Promise<{ status: number; json: unknown }> {
  const response = await fetch(`${daemon.url}/hook`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', 'x-gitea-event': 'issue_comment', ...headers },
  });
  return { status: response.status, json: await response.json() };
}

test.serial(
  'the webhook: a bad signature is 401 before anything is parsed; bad JSON and a wrong shape are 400 with the reason',
  async (t) => {
    const daemon = await daemonForTest(t, { repositories: [REPO], webhookSecret: SECRET });
    const notJson = '{"action": "created", ';
    t.deepEqual(await deliver(daemon, notJson, { 'x-gitea-signature': sign('something else') }), {
      status: 401,
      json: { error: 'bad signature: signature does not match the body' },
    });
    t.deepEqual(await deliver(daemon, notJson, {}), {
      status: 401,
      json: { error: 'bad signature: no x-gitea-signature or x-forgejo-signature header' },
    });
    const malformed = await deliver(daemon, notJson, { 'x-gitea-signature': sign(notJson) });
    t.is(malformed.status, 400);
    t.regex((malformed.json as { error: string }).error, /^the body is not JSON: /);
    const shape = JSON.stringify({ action: 'created', issue: { number: 'one' } });
    const wrong = await deliver(daemon, shape, { 'x-forgejo-signature': sign(shape) });
    t.is(wrong.status, 400);
    t.regex((wrong.json as { error: string }).error, /^not an issue_comment payload:\n/);
    t.regex((wrong.json as { error: string }).error, /issue\.number/);
    const ping = JSON.stringify({ zen: 'hello' });
    t.deepEqual(await deliver(daemon, ping, { 'x-gitea-signature': sign(ping), 'x-gitea-event': 'push' }), {
      status: 202,
      json: { ignored: 'event push is not issue_comment' },
    });
    t.is(daemon.logs.filter(byMessage('webhook delivery rejected')).length, 2, 'both rejections logged');
  },
);
