// waitUntilHealthy against a real HTTP server: HEALTH_PATH, HEALTH_OK and HTTP_TIMEOUT consumed through the real
// registry; between unanswered probes the stack's state (a scripted StackWatch here, the real one in the e2e fixtures).
import { StageFailureError } from '../../../src/domain/stage-failure.js';
import test from 'ava';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { waitUntilHealthy, type StackWatch } from '../../../src/run/wait-until-ready.js';
import type { Convergence } from '../../../src/domain/convergence.js';
import { parseMeta } from '../../../src/recipes/load-customization.js';

const FILE = '/etc/cc-ci/recipes/keycloak/meta.ts';
const live = (): AbortSignal => new AbortController().signal;

/** An HTTP server on 127.0.0.1 answering every request with `status`; records the paths asked for. */
async function server(t: { teardown(fn: () => Promise<void>): void }, status: number): Promise<{ url: string; paths: string[] }> {
  const paths: string[] = [];
  const http: Server = createServer((request, response) => {
    paths.push(request.url ?? '');
    response.writeHead(status).end();
  });
  http.listen(0, '127.0.0.1');
  await once(http, 'listening');
  t.teardown(
    () =>
      new Promise<void>((resolve) => {
        http.close(() => resolve());
        http.closeAllConnections();
      }),
  );
  return { url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`, paths };
}

async function closedPortUrl(): Promise<string> {
  const http = createServer();
  http.listen(0, '127.0.0.1');
  await once(http, 'listening');
  const port = (http.address() as AddressInfo).port;
  await new Promise<void>((resolve) => http.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

test('HEALTH_PATH answering one of HEALTH_OK returns the base URL it answered on', async (t) => {
  const { url, paths } = await server(t, 204);
  const meta = parseMeta({ HEALTH_PATH: '/ok', HEALTH_OK: [204] }, FILE);
  t.is(await waitUntilHealthy(async () => url, meta, live()), url);
  t.deepEqual(paths, ['/ok']);
});

test('the default HEALTH_OK accepts a redirect, which is not followed', async (t) => {
  const { url, paths } = await server(t, 302);
  t.is(await waitUntilHealthy(async () => url, parseMeta({}, FILE), live()), url);
  t.deepEqual(paths, ['/']);
});

test('locate is asked again on every poll: the URL may change while tasks start', async (t) => {
  const { url } = await server(t, 200);
  const refused = await closedPortUrl();
  const answers = [refused, url];
  let calls = 0;
  const located = await waitUntilHealthy(
    async () => answers[Math.min(calls++, 1)]!,
    parseMeta({ HEALTH_PATH: '/health', HEALTH_OK: [200] }, FILE),
    live(),
  );
  t.is(located, url);
  t.is(calls, 2);
});

test('a status outside HEALTH_OK until HTTP_TIMEOUT is a StageFailureError with the exact reason', async (t) => {
  const { url } = await server(t, 500);
  const meta = parseMeta({ HEALTH_PATH: '/ok', HEALTH_OK: [204], HTTP_TIMEOUT: 0.2 }, FILE);
  const error = await t.throwsAsync(
    waitUntilHealthy(async () => url, meta, live()),
    { instanceOf: StageFailureError },
  );
  t.is(error.message, '/ok did not answer 204 within HTTP_TIMEOUT 0.2s (last: HTTP 500)');
  t.deepEqual(error.failure, {
    stage: 'deploy',
    kind: 'recipe',
    message: '/ok did not answer 204 within HTTP_TIMEOUT 0.2s (last: HTTP 500)',
  });
});

test('a 200 is not healthy when HEALTH_OK does not list it; several statuses are joined with /', async (t) => {
  const { url } = await server(t, 200);
  const meta = parseMeta({ HEALTH_PATH: '/status', HEALTH_OK: [204, 401], HTTP_TIMEOUT: 0.2 }, FILE);
  const error = await t.throwsAsync(
    waitUntilHealthy(async () => url, meta, live()),
    { instanceOf: StageFailureError },
  );
  t.is(error.message, '/status did not answer 204/401 within HTTP_TIMEOUT 0.2s (last: HTTP 200)');
});

test('nothing listening: the reason is the connection error', async (t) => {
  const url = await closedPortUrl();
  const meta = parseMeta({ HTTP_TIMEOUT: 0.2 }, FILE);
  const error = await t.throwsAsync(
    waitUntilHealthy(async () => url, meta, live()),
    { instanceOf: StageFailureError },
  );
  t.is(error.message, '/ did not answer 200/301/302 within HTTP_TIMEOUT 0.2s (last: ECONNREFUSED)');
});

/** A StackWatch that answers from a list, then repeats its last answer; its app reports `healthy` (one answer per question, the last repeated). */
function stackAnswering(...answers: Convergence[]): StackWatch & { asked: number; healthAsked: number; healthy: boolean[] } {
  const watch = {
    asked: 0,
    healthAsked: 0,
    healthy: [false],
    async assess() {
      return answers[Math.min(watch.asked++, answers.length - 1)]!;
    },
    async appHealthy() {
      return watch.healthy[Math.min(watch.healthAsked++, watch.healthy.length - 1)]!;
    },
  };
  return watch;
}

test("a stack that dies while its app does not answer fails at once with the stack's reason, not at HTTP_TIMEOUT", async (t) => {
  const url = await closedPortUrl();
  const stack = stackAnswering({ state: 'converged' }, { state: 'dead', detail: 'service s_app has no task running and will get none' });
  const meta = parseMeta({ HTTP_TIMEOUT: 600 }, FILE);
  const error = await t.throwsAsync(
    waitUntilHealthy(async () => url, meta, live(), stack),
    { instanceOf: StageFailureError },
  );
  t.is(error.message, 'dead: service s_app has no task running and will get none');
  t.like((error as StageFailureError).failure, { stage: 'deploy', kind: 'recipe', appDead: true });
});

test("a probe that hangs ends with the stack's reason when the stack dies meanwhile", async (t) => {
  // accepts connections and never answers: a host port whose task is gone behaves like this
  const silent = createServer(() => undefined);
  silent.listen(0, '127.0.0.1');
  await once(silent, 'listening');
  t.teardown(
    () =>
      new Promise<void>((resolve) => {
        silent.close(() => resolve());
        silent.closeAllConnections();
      }),
  );
  const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
  const stack = stackAnswering({ state: 'converged' }, { state: 'crash-looping', detail: 'service s_app has 3 failed tasks' });
  // how soon (about a second, not the probe's 10 s timeout) is a figure of npm run bench:convergence
  const error = await t.throwsAsync(
    waitUntilHealthy(async () => url, parseMeta({ HTTP_TIMEOUT: 600 }, FILE), live(), stack),
    { instanceOf: StageFailureError },
  );
  t.is(error.message, 'crash-looping: service s_app has 3 failed tasks');
});

test('a dead stack is not probed at all, even before a first answer', async (t) => {
  const stack = stackAnswering({ state: 'never-healthy', detail: 'service s_app was stopped by swarm as unhealthy' });
  let probes = 0;
  const error = await t.throwsAsync(
    waitUntilHealthy(async () => (probes++, 'http://127.0.0.1:9'), parseMeta({}, FILE), live(), stack),
    { instanceOf: StageFailureError },
  );
  t.is(error.message, 'never-healthy: service s_app was stopped by swarm as unhealthy');
  t.is(probes, 0);
});

test('a settling or converged stack keeps the wait going while the connection is refused, asked once a second', async (t) => {
  const url = await closedPortUrl();
  const stack = stackAnswering({ state: 'settling', detail: 'starting' }, { state: 'converged' });
  const error = await t.throwsAsync(
    waitUntilHealthy(async () => url, parseMeta({ HTTP_TIMEOUT: 2.5 }, FILE), live(), stack),
    { instanceOf: StageFailureError },
  );
  t.regex(error.message, /within HTTP_TIMEOUT 2\.5s \(last: ECONNREFUSED\)$/);
  t.true(stack.asked >= 1);
});

test("refused again and again while every service runs and the app's healthcheck passes: fails with the address, not at HTTP_TIMEOUT", async (t) => {
  const url = await closedPortUrl();
  const stack = stackAnswering({ state: 'converged' });
  stack.healthy = [true];
  const error = await t.throwsAsync(
    waitUntilHealthy(async () => url, parseMeta({ HTTP_TIMEOUT: 600 }, FILE), live(), stack),
    { instanceOf: StageFailureError },
  );
  t.regex(
    error.message,
    new RegExp(
      `^${url}/ refused 3 connections in a row \\(ECONNREFUSED\\) while every service runs and the app's healthcheck passes: nothing listens behind that address`,
    ),
  );
  t.like((error as StageFailureError).failure, { stage: 'deploy', kind: 'recipe', appDead: true });
});

test('refusals count against the address only while the app reports healthy', async (t) => {
  const url = await closedPortUrl();
  const stack = stackAnswering({ state: 'converged' });
  // starting, starting, then healthy for good: the streak starts at the third refusal
  stack.healthy = [false, false, true];
  const error = await t.throwsAsync(
    waitUntilHealthy(async () => url, parseMeta({ HTTP_TIMEOUT: 600 }, FILE), live(), stack),
    { instanceOf: StageFailureError },
  );
  t.regex(error.message, /refused 3 connections in a row/);
  t.true(stack.healthAsked >= 5);
});
