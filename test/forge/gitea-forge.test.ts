// The live Forge against the test bed's real Gitea (test/bed/gitea.sh up): no mock of its API. Faults
// (5xx, 429, dropped connections, stalls) come from a real proxy in front of it, so every retry meets
// real sockets and the forge's real answers.
import test, { type ExecutionContext } from 'ava';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { ForgeError, type Forge } from '../../src/forge/forge.js';
import { IssueCommentEvent, toForgeComment } from '../../src/forge/schema.js';
import { createGiteaForge, parseRetryAfter, type GiteaForgeOptions } from '../../src/io/gitea.js';
import { silentLogger } from '../../src/io/log.js';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy.js';
import {
  addWebhook,
  closePull,
  combinedStatus,
  comment,
  commentHistory,
  deleteComment,
  editComment,
  forgeBed,
  loginOf,
  openPullRequest,
  pullComments,
  removeWebhook,
  statuses,
  temporaryToken,
  tokenOf,
  uniqueName,
} from '../helpers/forge-bed.js';

const RECIPE = 'web';
const bed = await forgeBed();
const botToken = await tokenOf('bot');

function botForge(overrides: Partial<GiteaForgeOptions> = {}): Forge {
  return createGiteaForge({ url: bed.url, token: botToken, log: silentLogger, ...overrides });
}

async function proxiedForge(t: ExecutionContext, overrides: Partial<GiteaForgeOptions> = {}): Promise<{ forge: Forge; proxy: FaultProxy }> {
  const proxy = await startFaultProxy(bed.url);
  t.teardown(() => proxy.close());
  return { forge: botForge({ url: proxy.url, ...overrides }), proxy };
}

/** A port nothing listens on: a real ECONNREFUSED without stopping the shared forge. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function capturingLogger() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { log: pino({ level: 'trace' }, stream), lines };
}

/** A pull request of its own for one test, closed after it: a later daemon test must not find it open with a `!testme` on it. */
async function freshPull(t: ExecutionContext) {
  const pull = await openPullRequest(RECIPE);
  t.teardown(() => closePull(pull.repo, pull.number));
  return pull;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ------------------------------------------------------------------------------------------ identity

test('whoami names the bot', async (t) => {
  t.is(await botForge().whoami(), 'ccci-bot');
});

test('a bad token is refused once, not retried, and the error says so without the token', async (t) => {
  const token = 'not-a-real-token-0123456789abcdef';
  const forge = createGiteaForge({ url: bed.url, token, log: silentLogger });
  const error = await t.throwsAsync(forge.whoami(), { instanceOf: ForgeError });
  t.is(error.status, 401);
  t.false(error.retryable);
  t.is(forge.requestCount, 1);
  t.regex(error.message, /GET \/user answered 401/);
  t.regex(error.message, /invalid username, password or token/);
  t.false(error.message.includes(token));
});

// ------------------------------------------------------------------------------------------ membership

test('membership: an org member is a member, the outsider and an unknown user are not', async (t) => {
  const forge = botForge();
  t.deepEqual(await forge.checkMembership(bed.org, await loginOf('member')), { member: true });
  t.deepEqual(await forge.checkMembership(bed.org, await loginOf('bot')), { member: true });
  const outsider = await forge.checkMembership(bed.org, await loginOf('outsider'));
  t.false(outsider.member);
  t.regex(outsider.member ? '' : outsider.reason, /not a member of recipes \(404/);
  const unknown = await forge.checkMembership(bed.org, uniqueName('nobody'));
  t.false(unknown.member);
  t.regex(unknown.member ? '' : unknown.reason, /not a member of recipes \(404: .*user does not exist/);
});

test('membership asked with a non-member token: Gitea redirects (303), which denies', async (t) => {
  // the seeded outsider token lacks read:organization (that is a 403, tested below): make one with it
  const outsider = await temporaryToken('outsider', ['read:organization', 'read:user']);
  t.teardown(() => outsider.revoke());
  const forge = createGiteaForge({ url: bed.url, token: outsider.token, log: silentLogger });
  t.deepEqual(await forge.checkMembership(bed.org, await loginOf('member')), {
    member: false,
    reason: 'the bot cannot see members (303): make it an org member',
  });
  t.is(forge.requestCount, 1, 'the redirect is not followed');
});

test("membership asked with a token lacking read:organization denies with the forge's reason", async (t) => {
  const forge = createGiteaForge({ url: bed.url, token: await tokenOf('outsider'), log: silentLogger });
  const answer = await forge.checkMembership(bed.org, await loginOf('member'));
  t.false(answer.member);
  t.regex(answer.member ? '' : answer.reason, /answered 403: token does not have at least one of required scope\(s\)/);
});

test('membership never throws: no answer and a failing forge both deny, with the reason', async (t) => {
  const refused = createGiteaForge({ url: `http://127.0.0.1:${await closedPort()}`, token: botToken, log: silentLogger, retries: 1 });
  const down = await refused.checkMembership(bed.org, await loginOf('member'));
  t.false(down.member);
  t.regex(down.member ? '' : down.reason, /failed after 2 attempt\(s\): ECONNREFUSED/);

  const { forge, proxy } = await proxiedForge(t, { retries: 1, timeoutMs: 300 });
  proxy.failNext(1, { kind: 'stall', ms: 2_000 });
  proxy.failNext(1, { kind: 'status', status: 500 });
  const broken = await forge.checkMembership(bed.org, await loginOf('member'));
  t.false(broken.member);
  t.regex(broken.member ? '' : broken.reason, /failed after 2 attempt\(s\): answered 500/);
  t.deepEqual(
    proxy.requests.map((request) => request.outcome),
    ['stall', 'status'],
  );
});

// ------------------------------------------------------------------------------------------ comments

test('listComments follows pages (more than 50 comments), honours since, every comment exactly once, oldest first', async (t) => {
  const pull = await freshPull(t);
  const tag = uniqueName('paging');
  // Gitea compares whole seconds, inclusive: a since truncated to the second keeps the first comment in
  const since = new Date(Math.floor(Date.now() / 1000) * 1000).toISOString();
  const ids: number[] = [];
  for (let i = 0; i < 55; i++) ids.push(await comment('member', pull.repo, pull.number, `${tag} #${i}`));

  const forge = botForge();
  const listed = (await forge.listComments(pull.repo, since)).filter((item) => item.body.startsWith(tag));
  t.deepEqual(
    listed.map((item) => item.id),
    ids,
    'every comment once, in the order they were made',
  );
  t.deepEqual(
    listed.map((item) => item.body),
    ids.map((_, i) => `${tag} #${i}`),
  );
  t.true(listed.every((item) => item.pullNumber === pull.number && item.author === 'maintainer'));
  t.true(forge.requestCount >= 2, `paged (${forge.requestCount} requests)`);

  // a later since: only what changed after it (edits count: Gitea filters on updated_at)
  await sleep(1_100);
  const later = new Date().toISOString();
  await editComment('member', pull.repo, ids[3]!, `${tag} #3 edited`);
  const newest = await comment('member', pull.repo, pull.number, `${tag} #55`);
  const changed = (await forge.listComments(pull.repo, later)).filter((item) => item.body.startsWith(tag));
  t.deepEqual(
    changed.map((item) => item.id),
    [ids[3], newest],
  );
  t.is(changed[0]!.body, `${tag} #3 edited`);

  // the per-pull list is not paged by Gitea (it answers all 56 at once): still each exactly once
  const onPull = await botForge().listPullComments(pull.repo, pull.number);
  t.deepEqual(
    onPull.map((item) => item.id),
    [...ids, newest],
  );
});

test('createComment and editComment as the bot; editing a deleted comment is a 404 ForgeError, not retried', async (t) => {
  const pull = await freshPull(t);
  const forge = botForge();
  const created = await forge.createComment(pull.repo, pull.number, 'cc-ci: queued');
  t.like(created, { body: 'cc-ci: queued', author: 'ccci-bot', pullNumber: pull.number });
  await forge.editComment(pull.repo, created.id, 'cc-ci: running');
  await forge.editComment(pull.repo, created.id, 'cc-ci: passed');
  t.deepEqual(
    (await pullComments(pull.repo, pull.number)).map((item) => item.body),
    ['cc-ci: passed'],
  );
  t.deepEqual(await commentHistory(pull.repo, pull.number, created.id), ['cc-ci: queued', 'cc-ci: running', 'cc-ci: passed']);

  await deleteComment('bot', pull.repo, created.id);
  const before = forge.requestCount;
  const error = await t.throwsAsync(forge.editComment(pull.repo, created.id, 'cc-ci: gone?'), { instanceOf: ForgeError });
  t.is(error.status, 404);
  t.false(error.retryable);
  t.regex(error.message, new RegExp(`PATCH /repos/recipes/web/issues/comments/${created.id} answered 404`));
  t.is(forge.requestCount - before, 1);
});

// ------------------------------------------------------------------------------------------ pull requests

test('getPull reads a pull request; a missing number is undefined', async (t) => {
  const pull = await freshPull(t);
  const repository = bed.repositories.find((entry) => entry.name === RECIPE)!;
  const forge = botForge();
  t.deepEqual(await forge.getPull(pull.repo, pull.number), {
    number: pull.number,
    state: 'open',
    merged: false,
    headSha: pull.sha,
    headRef: pull.branch,
    baseRef: 'main',
    cloneUrl: repository.cloneUrl,
    htmlUrl: `${bed.url}/${pull.repo}/pulls/${pull.number}`,
  });
  t.is(await forge.getPull(pull.repo, 100_000), undefined);
});

test('a closed pull request reads as closed', async (t) => {
  const closed = await freshPull(t);
  await closePull(closed.repo, closed.number);
  t.like(await botForge().getPull(closed.repo, closed.number), { state: 'closed', merged: false });
});

// ------------------------------------------------------------------------------------------ statuses

test('setCommitStatus: success replaces pending of the same context in the combined status', async (t) => {
  const pull = await freshPull(t);
  // every pull request opened from pr-1 shares its sha: a context of our own keeps this test to itself
  const context = uniqueName('cc-ci/test');
  const forge = botForge();
  await forge.setCommitStatus(pull.repo, pull.sha, {
    state: 'pending',
    context,
    description: 'queued',
    targetUrl: 'http://127.0.0.1/runs/1',
  });
  t.is((await combinedStatus(pull.repo, pull.sha)).byContext.get(context), 'pending');
  await forge.setCommitStatus(pull.repo, pull.sha, {
    state: 'success',
    context,
    description: 'level 3',
    targetUrl: 'http://127.0.0.1/runs/1',
  });
  const combined = await combinedStatus(pull.repo, pull.sha);
  t.is(combined.byContext.get(context), 'success');
  t.is((combined.statuses ?? []).filter((status) => status.context === context).length, 1);
  const mine = (await statuses(pull.repo, pull.sha)).filter((status) => status.context === context);
  t.deepEqual(
    mine.map((status) => [status.status, status.description, status.target_url]),
    [
      ['success', 'level 3', 'http://127.0.0.1/runs/1'],
      ['pending', 'queued', 'http://127.0.0.1/runs/1'],
    ],
  );
});

// ------------------------------------------------------------------------------------------ webhook payload

test('a real issue_comment delivery (created, edited, deleted) parses with IssueCommentEvent', async (t) => {
  const pull = await freshPull(t);
  const deliveries: { headers: IncomingHttpHeaders; body: string }[] = [];
  const receiver = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      deliveries.push({ headers: request.headers, body });
      response.end('ok');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => receiver.close(() => resolve())));
  const { port } = receiver.address() as AddressInfo;
  // issue_comment alone covers plain issues only: comments on pull requests need pull_request_comment
  const hook = await addWebhook(pull.repo, `http://127.0.0.1:${port}/hook`, 'a-test-secret-123', ['issue_comment', 'pull_request_comment']);
  t.teardown(() => removeWebhook(pull.repo, hook));

  const id = await comment('member', pull.repo, pull.number, '!testme');
  await editComment('member', pull.repo, id, '!testme again');
  await deleteComment('member', pull.repo, id);
  // other tests comment on the same repository meanwhile: keep the deliveries about our comment
  const ours = () =>
    deliveries.flatMap((delivery) => {
      const event = IssueCommentEvent.parse(JSON.parse(delivery.body));
      return event.comment.id === id ? [{ event, headers: delivery.headers }] : [];
    });
  // deliveries go through Gitea's queue
  for (const deadline = Date.now() + 30_000; ours().length < 3 && Date.now() < deadline;) await sleep(200);

  const received = ours();
  for (const { headers } of received) t.like(headers, { 'x-gitea-event': 'issue_comment', 'x-gitea-event-type': 'pull_request_comment' });
  const events = received.map(({ event }) => event);
  // the queue may deliver out of order
  t.deepEqual(events.map((event) => event.action).sort(), ['created', 'deleted', 'edited']);
  for (const event of events) {
    t.like(event, { issue: { number: pull.number, state: 'open' }, repository: { full_name: pull.repo }, sender: { login: 'maintainer' } });
    t.not(event.issue.pull_request, null);
    t.like(toForgeComment(event.comment), { id, author: 'maintainer', pullNumber: pull.number });
  }
  t.is(events.find((event) => event.action === 'edited')?.comment.body, '!testme again');
});

// ------------------------------------------------------------------------------------------ retries

test('503 twice, then the forge answers: the call succeeds and requestCount shows the retries', async (t) => {
  const { forge, proxy } = await proxiedForge(t);
  proxy.failNext(2, { kind: 'status', status: 503 });
  t.is(await forge.whoami(), 'ccci-bot');
  t.is(forge.requestCount, 3);
  t.deepEqual(
    proxy.requests.map((request) => request.outcome),
    ['status', 'status', 'forwarded'],
  );
});

test('429 with Retry-After: 1 waits about a second before trying again', async (t) => {
  const { forge, proxy } = await proxiedForge(t);
  proxy.failNext(1, { kind: 'status', status: 429, headers: { 'retry-after': '1' } });
  const started = performance.now();
  t.is(await forge.whoami(), 'ccci-bot');
  const waited = performance.now() - started;
  t.true(waited >= 900, `waited ${Math.round(waited)} ms`);
  t.is(forge.requestCount, 2);
});

test('a Retry-After beyond maxRetryAfterMs is cut to it', async (t) => {
  const { forge, proxy } = await proxiedForge(t, { maxRetryAfterMs: 200 });
  // an hour, as seconds and as an HTTP-date: uncut, either would outlast the test's timeout
  proxy.failNext(1, { kind: 'status', status: 429, headers: { 'retry-after': '3600' } });
  proxy.failNext(1, { kind: 'status', status: 503, headers: { 'retry-after': new Date(Date.now() + 3_600_000).toUTCString() } });
  t.is(await forge.whoami(), 'ccci-bot');
  t.is(forge.requestCount, 3);
});

test('parseRetryAfter reads delta-seconds and HTTP-dates', (t) => {
  const now = Date.parse('Wed, 21 Oct 2026 07:28:00 GMT');
  t.is(parseRetryAfter('120', now), 120_000);
  t.is(parseRetryAfter('Wed, 21 Oct 2026 07:28:05 GMT', now), 5_000);
  t.is(parseRetryAfter('Wed, 21 Oct 2026 07:27:00 GMT', now), 0, 'a date in the past: at once');
  t.is(parseRetryAfter('soon', now), undefined);
  t.is(parseRetryAfter(null, now), undefined);
});

test('a stall beyond timeoutMs is abandoned and retried', async (t) => {
  const { forge, proxy } = await proxiedForge(t, { timeoutMs: 300 });
  proxy.failNext(1, { kind: 'stall', ms: 5_000 });
  t.is(await forge.whoami(), 'ccci-bot');
  t.is(forge.requestCount, 2);
  t.deepEqual(
    proxy.requests.map((request) => request.outcome),
    ['stall', 'forwarded'],
  );
});

test('POST and PATCH are retried too: a 502 and a dropped connection, one comment in the end', async (t) => {
  const pull = await freshPull(t);
  const { forge, proxy } = await proxiedForge(t);
  proxy.failNext(1, { kind: 'status', status: 502 });
  const created = await forge.createComment(pull.repo, pull.number, 'cc-ci: queued');
  proxy.failNext(1, { kind: 'drop' });
  await forge.editComment(pull.repo, created.id, 'cc-ci: done');
  t.is(forge.requestCount, 4);
  t.deepEqual(
    proxy.requests.map((request) => `${request.method} ${request.outcome}`),
    ['POST status', 'POST forwarded', 'PATCH drop', 'PATCH forwarded'],
  );
  t.deepEqual(
    (await pullComments(pull.repo, pull.number)).map((item) => [item.id, item.body]),
    [[created.id, 'cc-ci: done']],
  );
});

test('retries used up: a retryable ForgeError naming the call, never the token (nor in the log)', async (t) => {
  const { log, lines } = capturingLogger();
  const { forge, proxy } = await proxiedForge(t, { retries: 2, log });
  proxy.failNext(3, { kind: 'status', status: 503, body: JSON.stringify({ message: 'maintenance' }) });
  const error = await t.throwsAsync(forge.listComments('recipes/web', '2026-01-01T00:00:00Z'), { instanceOf: ForgeError });
  t.true(error.retryable);
  t.is(error.status, 503);
  t.regex(
    error.message,
    /^Gitea GET \/repos\/recipes\/web\/issues\/comments\?since=2026-01-01T00%3A00%3A00\.000Z&page=1&limit=50 failed after 3 attempt\(s\): answered 503: maintenance$/,
  );
  t.is(forge.requestCount, 3);
  t.is(proxy.forwarded, 0);
  t.false(error.message.includes(botToken));
  t.true(
    lines.some((line) => line.includes('retrying')),
    'the retries are logged',
  );
  t.false(lines.some((line) => line.includes(botToken)));
});

test('no answer at all: retried, then a retryable ForgeError without a status', async (t) => {
  const forge = createGiteaForge({ url: `http://127.0.0.1:${await closedPort()}`, token: botToken, log: silentLogger, retries: 1 });
  const error = await t.throwsAsync(forge.getPull('recipes/web', 1), { instanceOf: ForgeError });
  t.true(error.retryable);
  t.is(error.status, undefined);
  t.regex(error.message, /GET \/repos\/recipes\/web\/pulls\/1 failed after 2 attempt\(s\): ECONNREFUSED/);
  t.is(forge.requestCount, 2);
});

test("the caller's abort stops the retries and is thrown as is", async (t) => {
  const { forge, proxy } = await proxiedForge(t, { retries: 5 });
  proxy.failNext(1, { kind: 'status', status: 429, headers: { 'retry-after': '30' } });
  const controller = new AbortController();
  const reason = new Error('shutting down');
  setTimeout(() => controller.abort(reason), 200);
  const error = await t.throwsAsync(forge.whoami(controller.signal));
  t.is(error, reason);
  t.is(forge.requestCount, 1);
});
