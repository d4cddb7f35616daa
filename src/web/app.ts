// The daemon's HTTP surface (hono): the optional webhook, health, and read-only run pages with the
// redacted run log, followed live over server-sent events. Run ids are checked against their
// pattern before any path is built from them.
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { streamSSE } from 'hono/streaming';
import type { Admitter } from '../daemon/admit-comment.js';
import type { DaemonMetrics } from '../daemon/metrics.js';
import type { Dispatcher } from '../daemon/dispatcher.js';
import { checkSignature } from '../daemon/signature.js';
import { describeIssues } from '../domain/describe-issues.js';
import { RUN_ID_PATTERN } from '../domain/identity.js';
import { IssueCommentEvent } from '../forge/schema.js';
import type { DaemonStore, StoredRequest } from '../io/daemon-store.js';
import { followLines } from '../io/follow-file.js';
import type { Logger } from '../io/log.js';
import { readResults } from '../results/read-results.js';
import { runMachine } from '../machines/run.machine.js';
import { transitionOf } from '../results/machine-trace.js';
import { CARD_FILE, SCREENSHOT_FILE } from '../domain/run-paths.js';
import { RESULTS_FILE } from '../results/write-results.js';
import { formatLogLine } from './log-lines.js';
import { badgeSvg } from './badge.js';
import { followScript, machineTree, transitionRows } from './machine-view.js';
import { indexPage, machinePage, recipePage, runPage } from './pages.js';
import { publishedOf } from './published.js';

const WEBHOOK_BODY_LIMIT = 1024 * 1024;
const LOG_TAIL_LINES = 200;
const RECENT_REQUESTS = 50;
/** Finished runs per page of a recipe's history. */
const HISTORY_PAGE = 50;
const RUN_LOG = 'run.log';

export interface WebDeps {
  readonly store: DaemonStore;
  readonly runsDir: string;
  readonly dispatcher: Pick<Dispatcher, 'accepting' | 'counts' | 'running'>;
  readonly admitter: Admitter;
  readonly webhookSecret: string | undefined;
  readonly limitMinutes: number;
  readonly redact: (text: string) => string;
  readonly log: Logger;
  /** /metrics: the exposition of the daemon's metrics. */
  readonly metrics: Pick<DaemonMetrics, 'render' | 'contentType'>;
  /** The enrolled recipes, in configuration order (the overview and the badges). */
  readonly recipes: readonly string[];
  /** Facts for /healthz beyond the queue (last poll, reports owed). */
  readonly health: () => Record<string, unknown>;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

export function createWebApp(deps: WebDeps): Hono {
  const app = new Hono();
  const { store, log } = deps;
  const runDir = (runId: string) => join(deps.runsDir, runId);
  const formatted = (line: string) => deps.redact(formatLogLine(line));
  /** A line the log views show: the machine's transitions have their own page. */
  const shown = (line: string) => line !== '' && transitionOf(line) === undefined;
  /** A run is live until the daemon has seen its process end (its last log lines come after results.json). */
  const isLive = (runId: string) => {
    const request = store.requestByRunId(runId);
    return request?.state === 'running' && request.runId === runId;
  };

  app.onError((error, c) => {
    log.error({ err: error, path: c.req.path }, 'HTTP handler failed');
    return c.json({ error: 'internal error' }, 500);
  });

  app.get('/healthz', (c) => {
    const counts = deps.dispatcher.counts();
    return c.json({
      status: deps.dispatcher.accepting ? 'ok' : 'draining',
      waiting: counts.waiting,
      running: deps.dispatcher.running(),
      ...deps.health(),
    });
  });

  app.post(
    '/hook',
    bodyLimit({
      maxSize: WEBHOOK_BODY_LIMIT,
      onError: (c) => c.json({ error: `the body is larger than ${WEBHOOK_BODY_LIMIT} bytes` }, 413),
    }),
    async (c) => {
      if (deps.webhookSecret === undefined)
        return c.json({ error: 'webhooks are not enabled on this daemon (daemon.forge.webhookSecretFile is not set)' }, 404);
      const body = new Uint8Array(await c.req.arrayBuffer());
      const check = checkSignature(deps.webhookSecret, body, (name) => c.req.header(name));
      if (!check.ok) {
        log.warn({ why: check.reason, from: c.req.header('x-forwarded-for') ?? 'direct' }, 'webhook delivery rejected');
        return c.json({ error: `bad signature: ${check.reason}` }, 401);
      }
      const event = c.req.header('x-gitea-event') ?? c.req.header('x-forgejo-event') ?? c.req.header('x-gogs-event');
      if (event !== 'issue_comment') return c.json({ ignored: `event ${event ?? '(none)'} is not issue_comment` }, 202);
      let data: unknown;
      try {
        data = JSON.parse(new TextDecoder().decode(body));
      } catch (error) {
        return c.json({ error: `the body is not JSON: ${(error as Error).message}` }, 400);
      }
      const parsed = IssueCommentEvent.safeParse(data);
      if (!parsed.success)
        return c.json({ error: `not an issue_comment payload:\n${describeIssues(parsed.error, IssueCommentEvent)}` }, 400);
      const payload = parsed.data;
      if (payload.action !== 'created') return c.json({ ignored: `action ${payload.action}: only new comments trigger` }, 202);
      if (payload.issue.pull_request === null) return c.json({ ignored: 'the comment is not on a pull request' }, 202);
      const enrolled = deps.admitter.enrolledRepo(payload.repository.full_name);
      if (enrolled === undefined) return c.json({ ignored: `${payload.repository.full_name} is not enrolled` }, 202);
      if (!deps.dispatcher.accepting)
        return c.json({ error: 'the daemon is shutting down; the poller picks the comment up after the restart' }, 503);
      const comment = payload.comment;
      void deps.admitter.offer({
        id: comment.id,
        repo: enrolled.repo,
        pull: payload.issue.number,
        author: comment.user.login,
        body: comment.body,
        createdAt: comment.created_at,
        via: 'webhook',
      });
      return c.json({ accepted: comment.id }, 202);
    },
  );

  app.get('/', (c) =>
    c.html(
      indexPage({
        waiting: store.requestsIn('queued'),
        running: store.requestsIn('running'),
        recent: store.recentRequests(RECENT_REQUESTS),
        recipes: deps.recipes.map((recipe) => ({ recipe, published: publishedOf(store, recipe), latest: store.latestRequestOf(recipe) })),
        limitMinutes: deps.limitMinutes,
      }),
    ),
  );

  app.get('/recipes/:recipe', (c) => {
    const recipe = c.req.param('recipe');
    if (!deps.recipes.includes(recipe)) return c.text(`no enrolled recipe ${recipe}`, 404);
    const before = c.req.query('before');
    if (before !== undefined && !/^[1-9]\d{0,15}$/.test(before)) return c.text(`before=${before} is not a position in the history`, 400);
    // one more than a page: whether an older page exists
    const runs: StoredRequest[] = [];
    for (const request of store.finishedRequestsOf(recipe, before === undefined ? undefined : Number(before))) {
      runs.push(request);
      if (runs.length > HISTORY_PAGE) break;
    }
    const shown = runs.slice(0, HISTORY_PAGE);
    return c.html(
      recipePage({
        recipe,
        published: publishedOf(store, recipe),
        runs: shown,
        olderBefore: runs.length > HISTORY_PAGE ? shown.at(-1)!.seq : undefined,
        paged: before !== undefined,
        limitMinutes: deps.limitMinutes,
      }),
    );
  });

  app.get('/metrics', async (c) => c.body(await deps.metrics.render(), 200, { 'content-type': deps.metrics.contentType }));

  app.get('/badge/:file', (c) => {
    const recipe = /^([a-z0-9][a-z0-9-]*)\.svg$/.exec(c.req.param('file'))?.[1];
    if (recipe === undefined || !deps.recipes.includes(recipe)) return c.text(`no enrolled recipe for ${c.req.param('file')}`, 404);
    return c.body(badgeSvg(recipe, publishedOf(store, recipe)?.level), 200, {
      'content-type': 'image/svg+xml; charset=utf-8',
      // a README embeds it: the level shown must follow the newest run
      'cache-control': 'no-cache',
    });
  });

  app.get('/runs/:id', async (c) => {
    const runId = c.req.param('id');
    if (!RUN_ID_PATTERN.test(runId)) return c.text(`not a run id: ${runId}`, 404);
    const request = store.requestByRunId(runId);
    const read = await readResults(runDir(runId));
    const results = 'results' in read ? read.results : undefined;
    if (request === undefined && results === undefined && !(await exists(runDir(runId)))) return c.text(`no run ${runId}`, 404);
    const text = await readFile(join(runDir(runId), RUN_LOG), 'utf8').catch(() => '');
    const logTail = text.split('\n').filter(shown).slice(-LOG_TAIL_LINES).map(formatted);
    return c.html(
      runPage({
        runId,
        request,
        attempt: request === undefined ? undefined : store.attemptsOf(request.id).find((attempt) => attempt.runId === runId),
        results,
        limitMinutes: deps.limitMinutes,
        logTail,
        live: isLive(runId),
      }),
    );
  });

  app.get('/runs/:id/card.png', async (c) => {
    const runId = c.req.param('id');
    if (!RUN_ID_PATTERN.test(runId)) return c.text(`not a run id: ${runId}`, 404);
    const card = await readFile(join(runDir(runId), CARD_FILE)).catch(() => undefined);
    if (card === undefined) return c.text(`run ${runId} has no summary card`, 404);
    return c.body(new Uint8Array(card), 200, { 'content-type': 'image/png' });
  });

  app.get('/runs/:id/screenshot.png', async (c) => {
    const runId = c.req.param('id');
    if (!RUN_ID_PATTERN.test(runId)) return c.text(`not a run id: ${runId}`, 404);
    const picture = await readFile(join(runDir(runId), SCREENSHOT_FILE)).catch(() => undefined);
    if (picture === undefined) return c.text(`run ${runId} has no screenshot`, 404);
    return c.body(new Uint8Array(picture), 200, { 'content-type': 'image/png' });
  });

  app.get('/runs/:id/machine', async (c) => {
    const runId = c.req.param('id');
    if (!RUN_ID_PATTERN.test(runId)) return c.text(`not a run id: ${runId}`, 404);
    if (!(await exists(runDir(runId)))) return c.text(`no run ${runId}`, 404);
    const text = await readFile(join(runDir(runId), RUN_LOG), 'utf8').catch(() => '');
    const transitions = text.split('\n').flatMap((line) => transitionOf(line) ?? []);
    const current = transitions.at(-1)?.machine.state;
    return c.html(
      machinePage({
        runId,
        tree: machineTree(runMachine, current),
        transitions: transitionRows(transitions),
        current,
        live: isLive(runId),
        script: followScript(runId),
      }),
    );
  });

  app.get('/runs/:id/machine/events', async (c) => {
    const runId = c.req.param('id');
    if (!RUN_ID_PATTERN.test(runId)) return c.text(`not a run id: ${runId}`, 404);
    if (!(await exists(runDir(runId)))) return c.text(`no run ${runId}`, 404);
    return streamSSE(c, async (stream) => {
      const stop = new AbortController();
      stream.onAbort(() => stop.abort());
      let pending = Promise.resolve();
      await followLines(
        join(runDir(runId), RUN_LOG),
        (line) => {
          const transition = transitionOf(line);
          if (transition !== undefined)
            pending = pending.then(() => stream.writeSSE({ event: 'transition', data: JSON.stringify(transition) }));
        },
        { signal: stop.signal, until: () => !isLive(runId) },
      );
      await pending;
      if (!stop.signal.aborted) await stream.writeSSE({ event: 'end', data: 'the run has finished' });
    });
  });

  app.get('/runs/:id/results.json', async (c) => {
    const runId = c.req.param('id');
    if (!RUN_ID_PATTERN.test(runId)) return c.text(`not a run id: ${runId}`, 404);
    const text = await readFile(join(runDir(runId), RESULTS_FILE), 'utf8').catch(() => undefined);
    if (text === undefined) return c.text(`run ${runId} has no results.json`, 404);
    return c.body(deps.redact(text), 200, { 'content-type': 'application/json; charset=utf-8' });
  });

  app.get('/runs/:id/log', async (c) => {
    const runId = c.req.param('id');
    if (!RUN_ID_PATTERN.test(runId)) return c.text(`not a run id: ${runId}`, 404);
    const file = join(runDir(runId), RUN_LOG);
    if (!(await exists(runDir(runId)))) return c.text(`no run ${runId}`, 404);
    if (!(c.req.header('accept') ?? '').includes('text/event-stream')) {
      const text = await readFile(file, 'utf8').catch(() => '');
      return c.text(text.split('\n').filter(shown).map(formatted).join('\n'));
    }
    return streamSSE(c, async (stream) => {
      const stop = new AbortController();
      stream.onAbort(() => stop.abort());
      let pending = Promise.resolve();
      await followLines(
        file,
        (line) => {
          if (!shown(line)) return;
          pending = pending.then(() => stream.writeSSE({ event: 'line', data: formatted(line) }));
        },
        { signal: stop.signal, until: () => !isLive(runId) },
      );
      await pending;
      if (!stop.signal.aborted) await stream.writeSSE({ event: 'end', data: 'the run has finished' });
    });
  });

  return app;
}
