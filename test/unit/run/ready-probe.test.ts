// READY_PROBE: checkProbe against real TCP and HTTP servers on 127.0.0.1, and waitForReadyProbe with meta from the real registry.
import test from 'ava';
import { once } from 'node:events';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Server } from 'node:net';
import { HookError } from '../../../src/run/hook-calls.js';
import { checkProbe, waitForReadyProbe } from '../../../src/run/ready-probe.js';
import { parseMeta } from '../../../src/recipes/load-customization.js';
import { ReadyProbeSpec, type HookContext } from '../../../src/recipes/schema.js';

const FILE = '/etc/cc-ci/recipes/keycloak/meta.ts';
/** A signal that is never aborted; one per call, as a run has one per wait. */
const live = (): AbortSignal => new AbortController().signal;

async function listen<T extends Server | HttpServer>(server: T): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

function close(server: Server | HttpServer): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    if ('closeAllConnections' in server) server.closeAllConnections();
  });
}

/** A TCP server that accepts and drops every connection, closed when the test ends. */
async function tcpServer(t: {
  teardown(fn: () => Promise<void>): void;
}): Promise<{ server: Server; port: number; connections: () => number }> {
  let connections = 0;
  const server = createTcpServer((socket) => {
    connections++;
    socket.destroy();
  });
  const port = await listen(server);
  t.teardown(() => close(server));
  return { server, port, connections: () => connections };
}

/** A port nothing listens on: bound once, then released. */
async function closedPort(): Promise<number> {
  const server = createTcpServer();
  const port = await listen(server);
  await close(server);
  return port;
}

/** An HTTP server answering GET /<status> with that status. */
async function statusServer(t: { teardown(fn: () => Promise<void>): void }): Promise<string> {
  const server = createHttpServer((request, response) => {
    const status = Number((request.url ?? '/').slice(1).split('/')[0]) || 404;
    response.writeHead(status).end(`status ${status}`);
  });
  const port = await listen(server);
  t.teardown(() => close(server));
  return `http://127.0.0.1:${port}`;
}

const noCtx = async (): Promise<HookContext> => {
  throw new Error('makeCtx must not be called for a probe that is not a hook');
};

test('TCP probe, stable 3, against a listening server: all three connects succeed', async (t) => {
  const { port, connections } = await tcpServer(t);
  t.is(await checkProbe(ReadyProbeSpec.parse({ port, stable: 3 }), 'http://unused', [200], live()), undefined);
  t.is(connections(), 3);
});

test('TCP probe against a closed port names the first connect that failed', async (t) => {
  const port = await closedPort();
  t.is(
    await checkProbe(ReadyProbeSpec.parse({ port, stable: 2 }), 'http://unused', [200], live()),
    `TCP 127.0.0.1:${port}: connect 1 of 2 failed (connect ECONNREFUSED 127.0.0.1:${port})`,
  );
});

test('TCP probe, stable 3, against a server that stops listening after one connection: connect 2 of 3 failed', async (t) => {
  let connections = 0;
  const server = createTcpServer((socket) => {
    connections++;
    socket.destroy();
    server.close();
  });
  const port = await listen(server);
  t.teardown(() => close(server));
  t.is(
    await checkProbe(ReadyProbeSpec.parse({ host: '127.0.0.1', port, stable: 3 }), 'http://unused', [200], live()),
    `TCP 127.0.0.1:${port}: connect 2 of 3 failed (connect ECONNREFUSED 127.0.0.1:${port})`,
  );
  t.is(connections, 1);
});

test('HTTP probe: its own ok list decides; without one HEALTH_OK (the default list) does', async (t) => {
  const base = await statusServer(t);
  t.is(await checkProbe(ReadyProbeSpec.parse({ path: '/204', ok: [204] }), base, [200], live()), undefined);
  t.is(await checkProbe(ReadyProbeSpec.parse({ path: '/204', ok: [200] }), base, [204], live()), 'HTTP /204 answered 204 (accepted: 200)');
  t.is(await checkProbe(ReadyProbeSpec.parse({ path: '/302' }), base, [200, 301, 302], live()), undefined);
  t.is(
    await checkProbe(ReadyProbeSpec.parse({ path: '/503' }), base, [200, 301, 302], live()),
    'HTTP /503 answered 503 (accepted: 200, 301, 302)',
  );
});

test('HTTP probe against a closed port says the connection was refused', async (t) => {
  const port = await closedPort();
  t.is(await checkProbe(ReadyProbeSpec.parse({ path: '/ready' }), `http://127.0.0.1:${port}`, [200], live()), 'HTTP /ready: ECONNREFUSED');
});

test('waitForReadyProbe: no READY_PROBE returns at once without a ctx', async (t) => {
  await t.notThrowsAsync(waitForReadyProbe(parseMeta({}, FILE), 'http://unused', noCtx, Date.now() + 60_000, live()));
});

test('waitForReadyProbe: a static TCP probe that holds resolves without calling makeCtx', async (t) => {
  const { port, connections } = await tcpServer(t);
  await waitForReadyProbe(parseMeta({ READY_PROBE: { port, stable: 2 } }, FILE), 'http://unused', noCtx, Date.now() + 60_000, live());
  t.is(connections(), 2);
});

test('waitForReadyProbe: an array of probes must all hold (HTTP with HEALTH_OK from the meta, and TCP)', async (t) => {
  const base = await statusServer(t);
  const { port, connections } = await tcpServer(t);
  const meta = parseMeta({ HEALTH_OK: [204], READY_PROBE: [{ path: '/204' }, { port }] }, FILE);
  await waitForReadyProbe(meta, base, noCtx, Date.now() + 60_000, live());
  t.is(connections(), 1);
});

test('waitForReadyProbe: a hook answering false, then a probe of a server it started, resolves once that probe holds', async (t) => {
  const server = createTcpServer((socket) => socket.destroy());
  t.teardown(() => close(server));
  const seen: unknown[] = [];
  const meta = parseMeta(
    {
      READY_PROBE: async (ctx: HookContext) => {
        seen.push(ctx.op);
        if (seen.length === 1) return false;
        const port = server.listening ? (server.address() as AddressInfo).port : await listen(server);
        return { port };
      },
    },
    FILE,
  );
  const ctx = { op: 'install' } as HookContext;
  await waitForReadyProbe(meta, 'http://unused', async () => ctx, Date.now() + 60_000, live());
  t.deepEqual(seen, ['install', 'install']);
  t.true(server.listening);
});

test('waitForReadyProbe: a hook answering true resolves at once', async (t) => {
  let calls = 0;
  const meta = parseMeta(
    {
      READY_PROBE: () => {
        calls++;
        return true;
      },
    },
    FILE,
  );
  await waitForReadyProbe(meta, 'http://unused', async () => ({}) as HookContext, Date.now() + 60_000, live());
  t.is(calls, 1);
});

test('waitForReadyProbe: a hook answering garbage rejects with a HookError naming what it returned', async (t) => {
  const meta = parseMeta({ READY_PROBE: () => 'yes' }, FILE);
  const error = await t.throwsAsync(
    waitForReadyProbe(meta, 'http://unused', async () => ({}) as HookContext, Date.now() + 60_000, live()),
    { instanceOf: HookError },
  );
  t.is(
    error.message,
    'READY_PROBE failed: returned "yes"; expected a probe {path, ok?} or {host?, port, stable?}, an array of them, or a boolean',
  );
});

test('waitForReadyProbe: a hook that throws rejects with a HookError', async (t) => {
  const meta = parseMeta(
    {
      READY_PROBE: () => {
        throw new Error('admin API down');
      },
    },
    FILE,
  );
  const error = await t.throwsAsync(
    waitForReadyProbe(meta, 'http://unused', async () => ({}) as HookContext, Date.now() + 60_000, live()),
    { instanceOf: HookError },
  );
  t.is(error.message, 'READY_PROBE failed: admin API down');
});

test('waitForReadyProbe: a deadline already passed rejects with the HTTP_TIMEOUT message', async (t) => {
  const { port } = await tcpServer(t);
  const meta = parseMeta({ HTTP_TIMEOUT: 5, READY_PROBE: { port } }, FILE);
  const error = await t.throwsAsync(waitForReadyProbe(meta, 'http://unused', noCtx, Date.now() - 1, live()));
  t.is(error.message, 'READY_PROBE did not hold within HTTP_TIMEOUT 5s (last: not checked yet)');
});

test('waitForReadyProbe: a probe that never holds rejects at the deadline with the last reason', async (t) => {
  const port = await closedPort();
  const meta = parseMeta({ HTTP_TIMEOUT: 0.5, READY_PROBE: { port } }, FILE);
  // one check, then the 1 s poll wait outlasts the deadline
  const error = await t.throwsAsync(waitForReadyProbe(meta, 'http://unused', noCtx, Date.now() + 900, live()));
  t.is(
    error.message,
    `READY_PROBE did not hold within HTTP_TIMEOUT 0.5s (last: TCP 127.0.0.1:${port}: connect 1 of 1 failed (connect ECONNREFUSED 127.0.0.1:${port}))`,
  );
});

test('waitForReadyProbe: a hook that keeps answering false rejects at the deadline saying so', async (t) => {
  const meta = parseMeta({ HTTP_TIMEOUT: 0.5, READY_PROBE: () => false }, FILE);
  const error = await t.throwsAsync(waitForReadyProbe(meta, 'http://unused', async () => ({}) as HookContext, Date.now() + 900, live()));
  t.is(error.message, 'READY_PROBE did not hold within HTTP_TIMEOUT 0.5s (last: the READY_PROBE hook answered false)');
});

test('waitForReadyProbe: cancelling while the hook runs rejects with the cancel reason', async (t) => {
  const controller = new AbortController();
  const reason = new Error('run cancelled');
  const meta = parseMeta(
    {
      READY_PROBE: () => {
        controller.abort(reason);
        return new Promise<boolean>(() => undefined);
      },
    },
    FILE,
  );
  const error = await t.throwsAsync(
    waitForReadyProbe(meta, 'http://unused', async () => ({}) as HookContext, Date.now() + 60_000, controller.signal),
  );
  t.is(error, reason);
});

test('waitForReadyProbe: a hook that never answers is given up on at the deadline', async (t) => {
  const meta = parseMeta({ HTTP_TIMEOUT: 0.3, READY_PROBE: () => new Promise<boolean>(() => undefined) }, FILE);
  const error = await t.throwsAsync(waitForReadyProbe(meta, 'http://unused', async () => ({}) as HookContext, Date.now() + 300, live()));
  t.is(error.message, 'READY_PROBE did not hold within HTTP_TIMEOUT 0.3s (last: the last poll did not finish)');
});
