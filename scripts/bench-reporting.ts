// Benchmark (npm run bench:reporting): the reporting side, without a swarm. Prints the time to render
// a summary card (SVG to PNG), to take an app screenshot in headless Chromium, the server time of the dashboard overview, a badge and /metrics with
// 1,000 finished runs in the daemon's store, and the memory of a process holding that store and
// serving it. It prints figures and never asserts on them.
import { serve } from '@hono/node-server';
import { mkdtemp } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { createDaemonMetrics } from '../src/daemon/metrics.js';
import type { RequestOutcome } from '../src/daemon/request.js';
import { captureScreenshot } from '../src/io/browser.js';
import { openDaemonStore } from '../src/io/daemon-store.js';
import { silentLogger } from '../src/io/log.js';
import { renderPng } from '../src/io/render-png.js';
import { summaryCardSvg } from '../src/results/summary-card.js';
import type { Results } from '../src/results/schema.js';
import { createWebApp } from '../src/web/app.js';

const RUNS = Number(process.env.BENCH_HISTORY ?? 1000);
const RECIPES = ['web', 'keycloak', 'custom-html', 'wordpress', 'nextcloud'];
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 30);
const SHOTS = Number(process.env.BENCH_SHOTS ?? 5);
const CHROMIUM = process.env.CCCI_CHROMIUM ?? '/usr/bin/chromium';

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const ms = (value: number) => value.toFixed(1).padStart(7);
const PASS = { status: 'pass', reason: '3 tests passed' } as const;

const results: Results = {
  schema: 1,
  runId: '20261204T020000Z-abcdef-p1',
  recipe: 'web',
  ref: 'a'.repeat(40),
  pr: '1',
  domain: 'web-abcdef.ci.test',
  baseVersion: { kind: 'version', value: '1.1.0+1.35.0', reason: 'newest release older than the head' },
  headVersion: '1.2.0+1.35.0',
  startedAt: '2026-12-04T02:00:00.000Z',
  finishedAt: '2026-12-04T02:01:10.000Z',
  verdict: 'success',
  exitCode: 0,
  abortReason: null,
  level: 5,
  rungs: { install: PASS, upgrade: PASS, backup_restore: PASS, functional: PASS, lint: PASS },
  tiers: [{ name: 'install', status: 'pass', reason: '3 tests passed', ms: 400, tests: [{ name: 'a', status: 'pass', ms: 1 }] }],
  deploys: { expected: 1, actual: 1 },
  lint: { status: 'pass', rulesFailed: [], warnings: [], detail: 'ok' },
  flags: { cleanTeardown: true, noSecretLeak: true },
  secretScan: { scanned: ['run.log', 'results.json'], leaked: [] },
  teardown: { ran: true, complete: true, leftovers: [], errors: [] },
  customization: {},
  artifacts: { log: 'run.log', card: null, screenshot: null, problems: [] },
};

// --- the card
const cardMs: number[] = [];
for (let sample = 0; sample < SAMPLES; sample++) {
  const started = performance.now();
  renderPng(summaryCardSvg(results));
  cardMs.push(performance.now() - started);
}

// --- the app screenshot: headless Chromium against a page on loopback, one browser per shot as a run does
const appServer = createServer((_, response) => {
  response.setHeader('content-type', 'text/html');
  response.end('<h1>web</h1><p>a landing page</p><script>setTimeout(() => fetch("/late"), 200)</script>');
});
await new Promise<void>((resolve) => appServer.listen(0, '127.0.0.1', resolve));
const appUrl = `http://127.0.0.1:${(appServer.address() as AddressInfo).port}/`;
const shotMs: number[] = [];
for (let sample = 0; sample < SHOTS; sample++) {
  const started = performance.now();
  await captureScreenshot({
    executablePath: CHROMIUM,
    url: appUrl,
    navigationTimeoutMs: 30_000,
    settleMs: 5_000,
    signal: new AbortController().signal,
  });
  shotMs.push(performance.now() - started);
}
appServer.close();

// --- a store with the history, served over loopback HTTP
const store = openDaemonStore(await mkdtemp(join(tmpdir(), 'ccci-bench-reporting-')));
const status = { state: 'pending', context: 'cc-ci/testme', description: 'queued', targetUrl: 'http://127.0.0.1/' } as const;
const verdicts = ['success', 'failure', 'error'] as const;
for (let index = 0; index < RUNS; index++) {
  const recipe = RECIPES[index % RECIPES.length]!;
  const runId = `2026120${1 + (index % 9)}T${String(index % 24).padStart(2, '0')}0000Z-${index.toString(16).padStart(6, '0')}`;
  const request = store.acceptRequest(
    {
      id: `req-${index}`,
      repo: `recipes/${recipe}`,
      recipe,
      pull: index + 1,
      sha: 'b'.repeat(40),
      cloneUrl: 'http://127.0.0.1/x.git',
      requestedBy: 'maintainer',
      commentId: null,
    },
    status,
  );
  store.startAttempt(request.id, runId, status);
  const verdict = verdicts[index % 3]!;
  const outcome: RequestOutcome = {
    kind: 'results',
    runId,
    verdict,
    level: index % 6,
    exitCode: verdict === 'success' ? 0 : verdict === 'failure' ? 1 : 3,
    abortReason: null,
    rungs: results.rungs,
    deploys: { expected: 1, actual: 1 },
    headVersion: '1.2.0+1.35.0',
    baseVersion: null,
    durationMs: 70_000,
    stoppedBy: null,
    card: true,
  };
  store.finishRequest(request.id, outcome, { ...status, state: 'success' });
}
const app = createWebApp({
  store,
  runsDir: await mkdtemp(join(tmpdir(), 'ccci-bench-runs-')),
  dispatcher: { accepting: true, counts: () => ({ waiting: 0, running: 0 }), running: () => [] },
  admitter: { enrolledRepo: () => undefined, offer: async () => undefined, retryUndecided: async () => undefined },
  webhookSecret: undefined,
  limitMinutes: 54,
  recipes: RECIPES,
  metrics: createDaemonMetrics({ waiting: () => 0, running: () => 0 }),
  redact: (text) => text,
  log: silentLogger,
  health: () => ({}),
});
const server = await new Promise<{ close(): void; port: number }>((resolve) => {
  const running = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info: AddressInfo) =>
    resolve({ close: () => running.close(), port: info.port }),
  );
});

/** Server time: from the request to the last byte, on loopback; the first answer warms up. */
async function timed(path: string): Promise<number[]> {
  const times: number[] = [];
  for (let sample = 0; sample <= SAMPLES; sample++) {
    const started = performance.now();
    const response = await fetch(`http://127.0.0.1:${server.port}${path}`);
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`${path}: HTTP ${response.status}`);
    if (sample > 0) times.push(performance.now() - started);
  }
  return times;
}

const pages: [string, number[]][] = [];
for (const path of ['/', '/badge/web.svg', '/metrics']) pages.push([path, await timed(path)]);
const rssMiB = process.memoryUsage().rss / 1024 / 1024;
server.close();
store.close();

console.log(`summary card (SVG → PNG), ${SAMPLES} renders     median ms ${ms(median(cardMs))}   max ms ${ms(Math.max(...cardMs))}`);
console.log(
  `app screenshot (Chromium launch, load, settle, shot), ${SHOTS} shots   median ms ${ms(median(shotMs))}   max ms ${ms(Math.max(...shotMs))}`,
);
console.log(`\ndashboard with ${RUNS} finished runs of ${RECIPES.length} recipes, ${SAMPLES} requests each`);
console.log('  path               median ms   max ms   target');
for (const [path, times] of pages)
  console.log(`  ${path.padEnd(18)} ${ms(median(times))}  ${ms(Math.max(...times))}   ${path === '/' ? '< 50 ms' : ''}`);
console.log(`\nresident memory of this process (store + web app, after the requests): ${rssMiB.toFixed(0)} MiB`);
