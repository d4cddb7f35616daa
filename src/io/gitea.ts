// The live Forge: Gitea's (and Forgejo's) REST API v1 over Node's fetch. Each attempt has its own
// timeout (answer body included); no answer, 5xx and 429 are retried with backoff for every method (the
// daemon's writes are idempotent: statuses replace by context, comments are found by marker first).
// Redirects are answers, never followed: the membership check depends on seeing Gitea's 303.
import { setTimeout as delay } from 'node:timers/promises';
import type * as z from 'zod';
import { describeIssues } from '../domain/describe-issues.js';
import {
  ForgeError,
  type CommitStatus,
  type Forge,
  type ForgeComment,
  type ForgePull,
  type Membership,
  type RepoName,
} from '../forge/forge.js';
import { ApiComment, ApiError, ApiPull, ApiUser, toForgeComment, toForgePull } from '../forge/schema.js';
import { describeHttpError } from './http.js';
import type { Logger } from './log.js';
import { redactor } from './redact.js';

export interface GiteaForgeOptions {
  /** Base URL of the forge, e.g. https://git.coopcloud.tech */
  readonly url: string;
  readonly token: string;
  readonly log: Logger;
  /** Told of every attempt: the endpoint (its path with names and numbers as placeholders) and whether it was answered (error: no answer, 429 or 5xx). */
  readonly onRequest?: (call: { readonly endpoint: string; readonly outcome: 'ok' | 'error' }) => void;
  /** Per attempt, until the whole answer is read. @default 10000 */
  readonly timeoutMs?: number;
  /** Attempts after the first one. @default 3 */
  readonly retries?: number;
  /** Longest Retry-After waited for; a longer one is cut to this. @default 30000 */
  readonly maxRetryAfterMs?: number;
}

/** Gitea's default [api] MAX_RESPONSE_ITEMS: a larger `limit` is cut to it. */
const PAGE_SIZE = 50;
const BACKOFF_BASE_MS = 250;
const BACKOFF_CAP_MS = 8_000;

interface Request {
  readonly method: 'GET' | 'POST' | 'PATCH';
  /** Below /api/v1, already escaped. */
  readonly path: string;
  readonly query?: Readonly<Record<string, string | number | undefined>>;
  readonly body?: unknown;
}

interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

/** `owner/name` → `/repos/owner/name`, each part escaped. */
function repoPath(repo: RepoName): string {
  const parts = repo.split('/');
  if (parts.length !== 2 || parts.some((part) => part === ''))
    throw new ForgeError(`not a repository name (owner/name): ${repo}`, undefined, false);
  return `/repos/${parts.map(encodeURIComponent).join('/')}`;
}

/** Path and query below /api/v1. */
function target(request: Request): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(request.query ?? {})) if (value !== undefined) query.set(key, String(value));
  const search = query.toString();
  return search === '' ? request.path : `${request.path}?${search}`;
}

/**
 * A call's endpoint for metrics: method and path with owner, repository, organisation, user, numbers
 * and commit shas as placeholders, so the label stays one per endpoint.
 */
export function forgeEndpoint(method: string, path: string): string {
  const segments = path.split('/').filter((segment) => segment !== '');
  const named = segments.map((segment, index) => {
    const before = segments[index - 1];
    if (segments[0] === 'repos' && index === 1) return '{owner}';
    if (segments[0] === 'repos' && index === 2) return '{repo}';
    if (before === 'orgs') return '{org}';
    if (before === 'members' || before === 'users') return '{user}';
    if (/^[0-9a-f]{40}$/.test(segment)) return '{sha}';
    if (/^\d+$/.test(segment)) return '{id}';
    return segment;
  });
  return `${method} /${named.join('/')}`;
}

/** How errors and log lines name a call: method, path and query (the token travels in a header only). */
function describeRequest(request: Request): string {
  return `${request.method} ${target(request)}`;
}

/** The forge's own explanation of an answer: Gitea's `message` and `errors`, else the start of the body. */
function forgeMessage(answer: Answer): string {
  let data: unknown;
  try {
    data = JSON.parse(answer.text);
  } catch {
    return answer.text.trim().slice(0, 200) || '(empty body)';
  }
  const parsed = ApiError.safeParse(data);
  const parts = parsed.success
    ? [parsed.data.message, ...(parsed.data.errors ?? [])].filter((part) => part !== undefined && part !== '')
    : [];
  return parts.length > 0 ? parts.join(': ') : answer.text.trim().slice(0, 200) || '(empty body)';
}

/** Retry-After as delta-seconds or an HTTP-date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null) return undefined;
  if (/^\s*\d+\s*$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Exponential with "equal jitter": half the step fixed, half random, so clients spread yet keep backing off. */
function backoffMs(retry: number): number {
  const step = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** retry);
  return step / 2 + Math.random() * (step / 2);
}

export function createGiteaForge(options: GiteaForgeOptions): Forge {
  const apiBase = `${options.url.replace(/\/+$/, '')}/api/v1`;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const retries = options.retries ?? 3;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 30_000;
  const log = options.log.child({ forge: new URL(options.url).origin });
  // error messages quote the forge's answers and log lines quote requests: neither may carry the token
  redactor.add(options.token);
  let requestCount = 0;

  const fail = (message: string, status: number | undefined, retryable: boolean) =>
    new ForgeError(redactor.redact(message), status, retryable);

  /** One HTTP exchange; `failure` when no (complete) answer came. The caller's abort is thrown as is. */
  async function exchange(request: Request, signal: AbortSignal | undefined): Promise<{ answer: Answer } | { failure: string }> {
    signal?.throwIfAborted();
    // not AbortSignal.any: its listener on a daemon-long signal would outlive every request
    const controller = new AbortController();
    const onAbort = () => controller.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    requestCount++;
    try {
      const response = await fetch(apiBase + target(request), {
        method: request.method,
        redirect: 'manual',
        signal: controller.signal,
        headers: {
          authorization: `token ${options.token}`,
          accept: 'application/json',
          'user-agent': 'cc-ci',
          ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
      });
      return { answer: { status: response.status, headers: response.headers, text: await response.text() } };
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      return { failure: timedOut ? `no answer within ${timeoutMs} ms` : describeHttpError(error) };
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Sends until an answer that is not 5xx/429 comes, or throws a retryable ForgeError once the retries are spent. */
  async function send(request: Request, signal: AbortSignal | undefined): Promise<Answer> {
    const call = describeRequest(request);
    for (let attempt = 0; ; attempt++) {
      const started = performance.now();
      const outcome = await exchange(request, signal);
      const ms = Math.round(performance.now() - started);
      let failure: string;
      let status: number | undefined;
      let waitMs: number | undefined;
      const answered = 'answer' in outcome && outcome.answer.status !== 429 && outcome.answer.status < 500;
      options.onRequest?.({ endpoint: forgeEndpoint(request.method, request.path), outcome: answered ? 'ok' : 'error' });
      if ('answer' in outcome) {
        const { answer } = outcome;
        log.debug({ call, status: answer.status, ms, attempt }, 'forge request');
        if (answer.status !== 429 && answer.status < 500) return answer;
        status = answer.status;
        failure = `answered ${answer.status}: ${forgeMessage(answer)}`;
        const retryAfter = parseRetryAfter(answer.headers.get('retry-after'));
        if (retryAfter !== undefined) waitMs = Math.min(retryAfter, maxRetryAfterMs);
      } else {
        failure = outcome.failure;
      }
      if (attempt >= retries) throw fail(`Gitea ${call} failed after ${attempt + 1} attempt(s): ${failure}`, status, true);
      waitMs ??= Math.round(backoffMs(attempt));
      log.warn({ call, attempt, ms, waitMs, failure }, 'forge request failed, retrying');
      await delay(waitMs, undefined, { signal }).catch(() => {
        throw signal?.reason;
      });
    }
  }

  function unexpected(request: Request, answer: Answer): ForgeError {
    const hint = answer.status === 401 ? ' (the forge refused the token)' : '';
    return fail(`Gitea ${describeRequest(request)} answered ${answer.status}${hint}: ${forgeMessage(answer)}`, answer.status, false);
  }

  function parse<T>(schema: z.ZodType<T>, request: Request, answer: Answer): T {
    let data: unknown;
    try {
      data = JSON.parse(answer.text);
    } catch {
      throw fail(
        `Gitea ${describeRequest(request)} answered ${answer.status} with a body that is not JSON: ${answer.text.slice(0, 200)}`,
        answer.status,
        false,
      );
    }
    const parsed = schema.safeParse(data);
    if (!parsed.success)
      throw fail(
        `Gitea ${describeRequest(request)} answered ${answer.status} with an unexpected body:\n${describeIssues(parsed.error, schema)}`,
        answer.status,
        false,
      );
    return parsed.data;
  }

  /** The parsed body of an answer with the `expected` status; any other status throws. */
  async function call<T>(request: Request, schema: z.ZodType<T>, expected: number, signal: AbortSignal | undefined): Promise<T> {
    const answer = await send(request, signal);
    if (answer.status !== expected) throw unexpected(request, answer);
    return parse(schema, request, answer);
  }

  /** One item, or undefined when the forge answers 404. */
  async function getOne<T>(request: Request, schema: z.ZodType<T>, signal: AbortSignal | undefined): Promise<T | undefined> {
    const answer = await send(request, signal);
    if (answer.status === 404) return undefined;
    if (answer.status !== 200) throw unexpected(request, answer);
    return parse(schema, request, answer);
  }

  /**
   * Every page, in the forge's order. A short page ends the list; so does reaching X-Total-Count, or a page
   * longer than asked for: Gitea's per-issue comment list ignores paging and answers everything at once.
   */
  async function listAll<T>(path: string, query: Request['query'], schema: z.ZodType<T>, signal: AbortSignal | undefined): Promise<T[]> {
    const items: T[] = [];
    for (let page = 1; ; page++) {
      const request: Request = { method: 'GET', path, query: { ...query, page, limit: PAGE_SIZE } };
      const answer = await send(request, signal);
      if (answer.status !== 200) throw unexpected(request, answer);
      const batch = parse(schema.array(), request, answer);
      items.push(...batch);
      const total = Number.parseInt(answer.headers.get('x-total-count') ?? '', 10);
      if (batch.length !== PAGE_SIZE || items.length >= total) return items;
    }
  }

  return {
    get requestCount() {
      return requestCount;
    },

    async whoami(signal) {
      return (await call({ method: 'GET', path: '/user' }, ApiUser, 200, signal)).login;
    },

    async listComments(repo, since, signal): Promise<ForgeComment[]> {
      let sinceParam: string | undefined;
      if (since !== undefined) {
        const time = Date.parse(since);
        if (Number.isNaN(time)) throw fail(`listComments: since is not a timestamp: ${since}`, undefined, false);
        // Gitea parses `since` as RFC 3339 and compares whole seconds of updated_at, inclusive
        sinceParam = new Date(time).toISOString();
      }
      const comments = await listAll(`${repoPath(repo)}/issues/comments`, { since: sinceParam }, ApiComment, signal);
      return comments.map(toForgeComment);
    },

    async listPullComments(repo, pull, signal) {
      return (await listAll(`${repoPath(repo)}/issues/${pull}/comments`, {}, ApiComment, signal)).map(toForgeComment);
    },

    async getPull(repo, pull, signal): Promise<ForgePull | undefined> {
      const found = await getOne({ method: 'GET', path: `${repoPath(repo)}/pulls/${pull}` }, ApiPull, signal);
      return found === undefined ? undefined : toForgePull(found);
    },

    async checkMembership(org, user, signal): Promise<Membership> {
      const request: Request = { method: 'GET', path: `/orgs/${encodeURIComponent(org)}/members/${encodeURIComponent(user)}` };
      try {
        const answer = await send(request, signal);
        if (answer.status === 204) return { member: true };
        if (answer.status === 404) return { member: false, reason: `${user} is not a member of ${org} (404: ${forgeMessage(answer)})` };
        // Gitea sends a caller who is no org member to the public member list: the bot must be a member
        if (answer.status >= 300 && answer.status < 400)
          return { member: false, reason: `the bot cannot see members (${answer.status}): make it an org member` };
        return { member: false, reason: unexpected(request, answer).message };
      } catch (error) {
        return { member: false, reason: error instanceof Error ? error.message : String(error) };
      }
    },

    async setCommitStatus(repo, sha, status: CommitStatus, signal) {
      const body = { state: status.state, context: status.context, description: status.description, target_url: status.targetUrl };
      const request: Request = { method: 'POST', path: `${repoPath(repo)}/statuses/${encodeURIComponent(sha)}`, body };
      const answer = await send(request, signal);
      if (answer.status !== 201) throw unexpected(request, answer);
    },

    async createComment(repo, pull, body, signal) {
      return toForgeComment(
        await call({ method: 'POST', path: `${repoPath(repo)}/issues/${pull}/comments`, body: { body } }, ApiComment, 201, signal),
      );
    },

    async editComment(repo, id, body, signal) {
      const request: Request = { method: 'PATCH', path: `${repoPath(repo)}/issues/comments/${id}`, body: { body } };
      const answer = await send(request, signal);
      if (answer.status !== 200) throw unexpected(request, answer);
    },
  };
}
