// waitUntilHealthy against a real HTTP server: HEALTH_PATH, HEALTH_OK and HTTP_TIMEOUT consumed through the real registry.
import test from 'ava';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RunStageError } from '../../src/actors/run-world.js';
import { waitUntilHealthy } from '../../src/actors/wait-until-ready.js';
import { parseMeta } from '../../src/recipes/load-customization.js';

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
  t.teardown(() => new Promise<void>((resolve) => {
    http.close(() => resolve());
    http.closeAllConnections();
  }));
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
  const located = await waitUntilHealthy(async () => answers[Math.min(calls++, 1)]!, parseMeta({ HEALTH_PATH: '/health', HEALTH_OK: [200] }, FILE), live());
  t.is(located, url);
  t.is(calls, 2);
});

test('a status outside HEALTH_OK until HTTP_TIMEOUT is a RunStageError with the exact reason', async (t) => {
  const { url } = await server(t, 500);
  const meta = parseMeta({ HEALTH_PATH: '/ok', HEALTH_OK: [204], HTTP_TIMEOUT: 0.2 }, FILE);
  const error = await t.throwsAsync(waitUntilHealthy(async () => url, meta, live()), { instanceOf: RunStageError });
  t.is(error.message, '/ok did not answer 204 within HTTP_TIMEOUT 0.2s (last: HTTP 500)');
  t.deepEqual(error.stageFailure, { stage: 'deploy', kind: 'recipe', message: '/ok did not answer 204 within HTTP_TIMEOUT 0.2s (last: HTTP 500)' });
});

test('a 200 is not healthy when HEALTH_OK does not list it; several statuses are joined with /', async (t) => {
  const { url } = await server(t, 200);
  const meta = parseMeta({ HEALTH_PATH: '/status', HEALTH_OK: [204, 401], HTTP_TIMEOUT: 0.2 }, FILE);
  const error = await t.throwsAsync(waitUntilHealthy(async () => url, meta, live()), { instanceOf: RunStageError });
  t.is(error.message, '/status did not answer 204/401 within HTTP_TIMEOUT 0.2s (last: HTTP 200)');
});

test('nothing listening: the reason is the connection error', async (t) => {
  const url = await closedPortUrl();
  const meta = parseMeta({ HTTP_TIMEOUT: 0.2 }, FILE);
  const error = await t.throwsAsync(waitUntilHealthy(async () => url, meta, live()), { instanceOf: RunStageError });
  t.is(error.message, '/ did not answer 200/301/302 within HTTP_TIMEOUT 0.2s (last: ECONNREFUSED)');
});
