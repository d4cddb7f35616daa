// The dashboard over real HTTP: the daemon's web app on a loopback port, reading a real SQLite store.
// Level publishing: a success at L5, then an error run: the badge and the overview still say L5; a
// failure at L2 then changes it; an enrolled recipe without runs says "no runs"; anything else is 404.
// A recipe's history is paged, newest first, through every run.
import test from 'ava';
import { serve, type ServerType } from '@hono/node-server';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { createDaemonMetrics } from '../../src/daemon/metrics.js';
import type { RequestOutcome } from '../../src/daemon/request.js';
import { openDaemonStore, type DaemonStore } from '../../src/io/daemon-store.js';
import { silentLogger } from '../../src/io/log.js';
import { createWebApp } from '../../src/web/app.js';

const RUNGS = {
  install: { status: 'pass', reason: 'ok' },
  upgrade: { status: 'pass', reason: 'ok' },
  backup_restore: { status: 'pass', reason: 'ok' },
  functional: { status: 'pass', reason: 'ok' },
  lint: { status: 'pass', reason: 'ok' },
} as const;

function outcome(runId: string, verdict: 'success' | 'failure' | 'error', level: number): RequestOutcome {
  return {
    kind: 'results',
    runId,
    verdict,
    level,
    exitCode: verdict === 'success' ? 0 : verdict === 'failure' ? 1 : 3,
    abortReason: verdict === 'error' ? 'sigterm' : null,
    rungs: RUNGS,
    deploys: { expected: 1, actual: 1 },
    headVersion: '1.2.0+1.35.0',
    baseVersion: null,
    durationMs: 60_000,
    stoppedBy: null,
  };
}

let sequence = 0;
const status = { state: 'pending', context: 'cc-ci/testme', description: 'queued', targetUrl: 'http://127.0.0.1/' } as const;

/** One request of the recipe through its whole life in the store: accepted, run, finished. */
function finishedRun(store: DaemonStore, recipe: string, verdict: 'success' | 'failure' | 'error', level: number): string {
  sequence++;
  const runId = `20261204T0${sequence}0000Z-abcdef-p${sequence}`;
  const request = store.acceptRequest(
    {
      id: `req-${sequence}`,
      repo: `recipes/${recipe}`,
      recipe,
      pull: sequence,
      sha: 'a'.repeat(40),
      cloneUrl: 'http://127.0.0.1/x.git',
      requestedBy: 'maintainer',
      commentId: null,
    },
    status,
  );
  store.startAttempt(request.id, runId, status);
  store.finishRequest(request.id, outcome(runId, verdict, level), { ...status, state: verdict === 'success' ? 'success' : 'failure' });
  return runId;
}

async function served(store: DaemonStore, recipes: string[]): Promise<{ url: string; server: ServerType }> {
  const app = createWebApp({
    store,
    runsDir: await mkdtemp(join(tmpdir(), 'ccci-badge-runs-')),
    dispatcher: { accepting: true, counts: () => ({ waiting: 0, running: 0 }), running: () => [] },
    admitter: { enrolledRepo: () => undefined, offer: async () => undefined, retryUndecided: async () => undefined },
    webhookSecret: undefined,
    limitMinutes: 54,
    recipes,
    metrics: createDaemonMetrics({ waiting: () => 0, running: () => 0 }),
    redact: (text) => text,
    log: silentLogger,
    health: () => ({}),
  });
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info: AddressInfo) =>
      resolve({ url: `http://127.0.0.1:${info.port}`, server }),
    );
  });
}

async function badgeOf(url: string, recipe: string): Promise<string> {
  const response = await fetch(`${url}/badge/${recipe}.svg`);
  if (response.status !== 200) throw new Error(`badge of ${recipe}: HTTP ${response.status}`);
  return response.text();
}

test('an error run never lowers the published level; a later failure does change it', async (t) => {
  const store = openDaemonStore(await mkdtemp(join(tmpdir(), 'ccci-badge-state-')));
  const { url, server } = await served(store, ['web', 'keycloak']);
  t.teardown(() => {
    server.close();
    store.close();
  });

  t.true((await badgeOf(url, 'web')).includes('>web no runs</text>'));
  const green = finishedRun(store, 'web', 'success', 5);
  t.true((await badgeOf(url, 'web')).includes('>web L5</text>'));
  const broken = finishedRun(store, 'web', 'error', 0);

  const response = await fetch(`${url}/badge/web.svg`);
  t.is(response.headers.get('content-type'), 'image/svg+xml; charset=utf-8');
  t.is(response.headers.get('cache-control'), 'no-cache');
  t.true((await response.text()).includes('>web L5</text>'), 'the error run did not lower the badge');
  const overview = await (await fetch(`${url}/`)).text();
  t.true(
    overview.includes(
      `<tr><td><a href="/recipes/web">web</a></td><td><img src="/badge/web.svg" alt="L5"></td><td><a href="/runs/${green}">${green}</a> (success,`,
    ),
  );
  t.true(overview.includes(`<a href="/runs/${broken}">${broken}</a>`), 'the error run is still listed among recent runs');
  t.true(
    overview.includes(
      '<tr><td><a href="/recipes/keycloak">keycloak</a></td><td><img src="/badge/keycloak.svg" alt="no runs"></td><td>—</td><td>—</td><td>—</td><td>—</td><td></td></tr>',
    ),
  );

  // the newest request is shown whatever its state: one waiting now
  store.acceptRequest(
    {
      id: 'req-waiting',
      repo: 'recipes/web',
      recipe: 'web',
      pull: 99,
      sha: 'c'.repeat(40),
      cloneUrl: 'http://127.0.0.1/x.git',
      requestedBy: 'maintainer',
      commentId: null,
    },
    status,
  );
  t.regex(await (await fetch(`${url}/`)).text(), /<tr><td><a href="\/recipes\/web">web<\/a><\/td>.*?<td>queued<\/td>/);
  finishedRun(store, 'web', 'failure', 2);
  t.true((await badgeOf(url, 'web')).includes('>web L2</text>'));
  t.true((await badgeOf(url, 'keycloak')).includes('>keycloak no runs</text>'));
});

test('a badge of a recipe that is not enrolled, or of a path that is not a recipe name, is 404', async (t) => {
  const store = openDaemonStore(await mkdtemp(join(tmpdir(), 'ccci-badge-state-')));
  const { url, server } = await served(store, ['web']);
  t.teardown(() => {
    server.close();
    store.close();
  });
  for (const path of [
    '/badge/nope.svg',
    '/badge/web.png',
    '/badge/web',
    '/badge/..%2F..%2Fetc%2Fpasswd.svg',
    '/badge/WEB.svg',
    '/badge/%2e%2e.svg',
  ]) {
    const response = await fetch(`${url}${path}`);
    t.is(response.status, 404, path);
    await response.arrayBuffer();
  }
});

test("a recipe's history is paged newest first through every run, and says its published level", async (t) => {
  const store = openDaemonStore(await mkdtemp(join(tmpdir(), 'ccci-history-state-')));
  const { url, server } = await served(store, ['web', 'keycloak']);
  t.teardown(() => {
    server.close();
    store.close();
  });
  const runIds: string[] = [];
  for (let index = 0; index < 120; index++) {
    runIds.push(finishedRun(store, index % 2 === 0 ? 'web' : 'keycloak', index === 118 ? 'success' : 'error', 4));
  }
  const webRuns = runIds.filter((_, index) => index % 2 === 0).reverse();
  const seen: string[] = [];
  let path: string | undefined = '/recipes/web';
  let pages = 0;
  while (path !== undefined) {
    const response: Response = await fetch(`${url}${path}`);
    t.is(response.status, 200, path);
    const page: string = await response.text();
    pages++;
    seen.push(...[...page.matchAll(/<tr><td>[^<]*<\/td><td><a href="\/runs\/([^"]+)">/g)].map((match) => match[1]!));
    t.true(page.includes(`published level L4, from <a href="/runs/${webRuns[0]}">`), 'the newest web run, the one success, is published');
    path = /<a href="(\/recipes\/web\?before=\d+)">older runs<\/a>/.exec(page)?.[1];
    if (pages > 1) t.true(page.includes('<a href="/recipes/web">newest runs</a>'));
  }
  t.is(pages, 2);
  t.deepEqual(seen, webRuns, 'every run of the recipe once, newest first, none of the other recipe');
  t.is((await fetch(`${url}/recipes/web?before=abc`)).status, 400);
  t.is((await fetch(`${url}/recipes/nope`)).status, 404);
  t.is((await fetch(`${url}/recipes/..%2F..%2Fetc`)).status, 404);
});
