// Access to the test bed's forge (test/bed/gitea.sh up) from tests: its users and tokens, raw API calls,
// and the fixtures tests build on it (fresh pull requests, comments, webhooks). Speaks to the real Gitea.
import { execa } from 'execa';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as z from 'zod';
import type { ForgeComment, RepoName } from '../../src/forge/forge.js';
import { ApiComment, toForgeComment } from '../../src/forge/schema.js';
import { bedDir } from './test-bed.js';

const BedUser = z.object({ login: z.string(), tokenFile: z.string() });
const BedRepository = z.object({
  name: z.string(),
  repo: z.string(),
  cloneUrl: z.string(),
  mainSha: z.string(),
  pullRequest: z.object({ number: z.number().int(), head: z.string(), sha: z.string() }).nullable(),
});
export const ForgeBed = z.object({
  url: z.string(),
  org: z.string(),
  users: z.object({ admin: BedUser.extend({ passwordFile: z.string() }), bot: BedUser, member: BedUser, outsider: BedUser }),
  repositories: z.array(BedRepository),
});
export type ForgeBed = z.infer<typeof ForgeBed>;
export type BedUserName = keyof ForgeBed['users'];

const giteaScript = fileURLToPath(new URL('../bed/gitea.sh', import.meta.url));
let cached: Promise<ForgeBed> | undefined;

/** forge.json of the test bed, read once. */
export function forgeBed(): Promise<ForgeBed> {
  cached ??= readFile(join(bedDir, 'forge.json'), 'utf8').then((text) => ForgeBed.parse(JSON.parse(text)));
  return cached;
}

export async function tokenOf(user: BedUserName): Promise<string> {
  return (await readFile((await forgeBed()).users[user].tokenFile, 'utf8')).trim();
}

export async function loginOf(user: BedUserName): Promise<string> {
  return (await forgeBed()).users[user].login;
}

export interface ApiAnswer {
  readonly status: number;
  /** The parsed body; undefined when it was empty or not JSON. */
  readonly json: unknown;
}

/** One call to `/api/v1<path>` as `user` (or with a given token); no retries, redirects not followed. */
export async function api(
  user: BedUserName | { readonly token: string },
  method: string,
  path: string,
  body?: unknown,
): Promise<ApiAnswer> {
  const token = typeof user === 'string' ? await tokenOf(user) : user.token;
  return send(`${(await forgeBed()).url}/api/v1${path}`, method, { authorization: `token ${token}` }, body);
}

async function send(url: string, method: string, headers: Record<string, string>, body?: unknown): Promise<ApiAnswer> {
  const response = await fetch(url, {
    method,
    redirect: 'manual',
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, json };
}

/** Like `api`, but throws unless the status is the expected one; returns the body. */
async function expectStatus(user: BedUserName, method: string, path: string, status: number, body?: unknown): Promise<unknown> {
  const answer = await api(user, method, path, body);
  if (answer.status !== status)
    throw new Error(
      `test bed forge: ${method} ${path} as ${user} answered ${answer.status} (expected ${status}): ${JSON.stringify(answer.json)}`,
    );
  return answer.json;
}

const Created = z.object({ id: z.number().int() });

export interface OpenedPull {
  readonly repo: RepoName;
  readonly number: number;
  readonly sha: string;
  readonly branch: string;
}

/** A unique name per call, without slashes (Gitea refuses pull request heads with one). */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

/**
 * A fresh branch from the fixture's pr-1 with one commit of its own (so its head sha, and the commit
 * statuses on it, belong to this pull request alone) and a pull request from it to main, as the admin.
 */
export async function openPullRequest(recipe: string): Promise<OpenedPull> {
  const entry = (await forgeBed()).repositories.find((repository) => repository.name === recipe);
  if (entry?.pullRequest == null) throw new Error(`test bed forge: recipe ${recipe} has no pr-1 branch to open pull requests from`);
  const branch = uniqueName('t');
  await expectStatus('admin', 'POST', `/repos/${entry.repo}/branches`, 201, {
    new_branch_name: branch,
    old_ref_name: entry.pullRequest.head,
  });
  await expectStatus('admin', 'POST', `/repos/${entry.repo}/contents/test-${branch}.md`, 201, {
    branch,
    message: `test: ${branch}`,
    content: Buffer.from(`pull request opened by a test (${branch})\n`).toString('base64'),
  });
  // Gitea records a new branch asynchronously: a pull request asked for too early answers 404
  const deadline = Date.now() + 30_000;
  for (;;) {
    const answer = await api('admin', 'POST', `/repos/${entry.repo}/pulls`, {
      head: branch,
      base: 'main',
      title: `test: ${branch}`,
      body: 'opened by a test',
    });
    if (answer.status === 201) {
      const pull = z.object({ number: z.number().int(), head: z.object({ sha: z.string() }) }).parse(answer.json);
      return { repo: entry.repo, number: pull.number, sha: pull.head.sha, branch };
    }
    if (answer.status !== 404 || Date.now() > deadline)
      throw new Error(
        `test bed forge: opening a pull request from ${branch} in ${entry.repo} answered ${answer.status}: ${JSON.stringify(answer.json)}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Posts a comment on an issue or pull request as `user`; returns its id. */
export async function comment(user: BedUserName, repo: RepoName, pull: number, body: string): Promise<number> {
  return Created.parse(await expectStatus(user, 'POST', `/repos/${repo}/issues/${pull}/comments`, 201, { body })).id;
}

export async function editComment(user: BedUserName, repo: RepoName, id: number, body: string): Promise<void> {
  await expectStatus(user, 'PATCH', `/repos/${repo}/issues/comments/${id}`, 200, { body });
}

export async function deleteComment(user: BedUserName, repo: RepoName, id: number): Promise<void> {
  await expectStatus(user, 'DELETE', `/repos/${repo}/issues/comments/${id}`, 204);
}

export async function closePull(repo: RepoName, number: number): Promise<void> {
  await expectStatus('admin', 'PATCH', `/repos/${repo}/pulls/${number}`, 201, { state: 'closed' });
}

const BedStatus = z.object({
  id: z.number().int(),
  // one status carries its state in `status`, the combined status in `state`
  status: z.string(),
  context: z.string(),
  description: z.string(),
  target_url: z.string(),
  created_at: z.string(),
});
export type BedStatus = z.infer<typeof BedStatus>;

/** Every status posted on the commit, newest first. */
export async function statuses(repo: RepoName, sha: string): Promise<BedStatus[]> {
  const all: BedStatus[] = [];
  for (let page = 1; ; page++) {
    // leastindex = highest index first: strictly newest first, where created_unix ties within a second
    const batch = z
      .array(BedStatus)
      .parse(await expectStatus('admin', 'GET', `/repos/${repo}/statuses/${sha}?sort=leastindex&limit=50&page=${page}`, 200));
    all.push(...batch);
    if (batch.length < 50) return all;
  }
}

const CombinedStatus = z.object({
  state: z.string(),
  total_count: z.number().int(),
  statuses: z.array(BedStatus).nullable(),
});
export type CombinedStatus = z.infer<typeof CombinedStatus>;

/** The combined status: the latest status per context, and the overall state. */
export async function combinedStatus(repo: RepoName, sha: string): Promise<CombinedStatus & { byContext: Map<string, string> }> {
  const combined = CombinedStatus.parse(await expectStatus('admin', 'GET', `/repos/${repo}/commits/${sha}/status`, 200));
  return { ...combined, byContext: new Map((combined.statuses ?? []).map((status) => [status.context, status.status])) };
}

/** Comments of a pull request as the forge shows them, oldest first (this endpoint is not paged). */
export async function pullComments(repo: RepoName, number: number): Promise<ForgeComment[]> {
  return z
    .array(ApiComment)
    .parse(await expectStatus('admin', 'GET', `/repos/${repo}/issues/${number}/comments`, 200))
    .map(toForgeComment);
}

const HistoryList = z.object({ results: z.array(z.object({ value: z.number().int() })).nullable() });
const HistoryDetail = z.object({ diffHtml: z.string() });

/**
 * Every body an edited comment has had, oldest first, the current one last; [] when it was never edited.
 * Read from Gitea's web routes (the API keeps no history): the detail answers only an HTML diff against
 * the previous version, so each body is the diff's kept and inserted text, with deletions dropped.
 */
export async function commentHistory(repo: RepoName, pull: number, commentId: number): Promise<string[]> {
  const base = `${(await forgeBed()).url}/${repo}/issues/${pull}/content-history`;
  const list = await send(`${base}/list?comment_id=${commentId}`, 'GET', {});
  if (list.status !== 200) throw new Error(`test bed forge: content history list of comment ${commentId} answered ${list.status}`);
  const ids = (HistoryList.parse(list.json).results ?? []).map((item) => item.value).sort((left, right) => left - right);
  const bodies: string[] = [];
  for (const id of ids) {
    const detail = await send(`${base}/detail?comment_id=${commentId}&history_id=${id}`, 'GET', {});
    if (detail.status !== 200) throw new Error(`test bed forge: content history ${id} of comment ${commentId} answered ${detail.status}`);
    bodies.push(bodyOfDiff(HistoryDetail.parse(detail.json).diffHtml));
  }
  return bodies;
}

function bodyOfDiff(diffHtml: string): string {
  const kept = diffHtml
    .replace(/^<pre class='chroma'>/, '')
    .replace(/<\/pre>$/, '')
    .replace(/<span class='gd'>[^<]*<\/span>/g, '')
    .replace(/<span class='gi'>([^<]*)<\/span>/g, '$1');
  // Go's html.EscapeString escapes exactly these five
  return kept.replace(/&(lt|gt|#39|#34|amp);/g, (_, entity: string) => ({ lt: '<', gt: '>', '#39': "'", '#34': '"', amp: '&' })[entity]!);
}

/** A repository webhook (Gitea type, JSON) as the admin; returns its id. Remove it with removeWebhook. */
export async function addWebhook(repo: RepoName, url: string, secret: string, events: readonly string[]): Promise<number> {
  const body = { type: 'gitea', active: true, events, config: { url, content_type: 'json', secret } };
  return Created.parse(await expectStatus('admin', 'POST', `/repos/${repo}/hooks`, 201, body)).id;
}

export async function removeWebhook(repo: RepoName, id: number): Promise<void> {
  await expectStatus('admin', 'DELETE', `/repos/${repo}/hooks/${id}`, 204);
}

export interface TemporaryToken {
  readonly token: string;
  revoke(): Promise<void>;
}

/**
 * A new token of `user` with the given scopes, made by the admin (basic auth: Gitea creates tokens only
 * so). The seeded tokens have fixed scopes; tests that need another combination make one and revoke it.
 */
export async function temporaryToken(user: BedUserName, scopes: readonly string[]): Promise<TemporaryToken> {
  const bed = await forgeBed();
  const password = (await readFile(bed.users.admin.passwordFile, 'utf8')).trim();
  const basic = { authorization: `Basic ${Buffer.from(`${bed.users.admin.login}:${password}`).toString('base64')}` };
  const tokens = `${bed.url}/api/v1/users/${bed.users[user].login}/tokens`;
  const name = uniqueName('test');
  const created = await send(tokens, 'POST', basic, { name, scopes });
  if (created.status !== 201)
    throw new Error(`test bed forge: creating a token for ${user} answered ${created.status}: ${JSON.stringify(created.json)}`);
  return {
    token: z.object({ sha1: z.string().min(1) }).parse(created.json).sha1,
    async revoke() {
      const answer = await send(`${tokens}/${name}`, 'DELETE', basic);
      if (answer.status !== 204) throw new Error(`test bed forge: revoking token ${name} of ${user} answered ${answer.status}`);
    },
  };
}

export async function stopForge(): Promise<void> {
  await execa(giteaScript, ['stop']);
}

export async function startForge(): Promise<void> {
  await execa(giteaScript, ['start']);
}
