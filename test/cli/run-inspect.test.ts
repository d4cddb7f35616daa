// ccci run --inspect <ws url>: a real run of the test bed's web recipe sends its actors, events and
// snapshots to a WebSocket server on loopback (what the Stately inspector listens with); an inspector
// that is not there changes nothing about the run; a URL that is no WebSocket URL is bad input.
import test from 'ava';
import { mkdtemp } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocketServer } from 'ws';
import { fixture, runCcci } from '../helpers/test-bed.js';

test.serial('the run machine and its actors reach the inspector over the WebSocket', async (t) => {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((resolve) => server.once('listening', resolve));
  t.teardown(() => server.close());
  const messages: { type: string; name?: string; event?: { type: string }; snapshot?: { value?: unknown } }[] = [];
  server.on('connection', (socket) => socket.on('message', (data) => messages.push(JSON.parse(String(data)))));
  const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const runsDir = await mkdtemp(join(tmpdir(), 'ccci-inspect-'));
  const run = await runCcci([fixture('web'), '--ref', 'pr/1', '--inspect', url], { runsDir });
  t.is(run.exitCode, 0, run.stderr);
  t.is(run.results?.level, 5);
  t.true(
    messages.some((message) => message.type === '@xstate.actor' && message.name === 'run'),
    'the run machine registered',
  );
  // invoked actors go by their invoke ids
  for (const name of ['superviseRun', 'prepareRun', 'installApp', 'captureScreenshot', 'runTier.install', 'tearDownApp'])
    t.true(
      messages.some((message) => message.type === '@xstate.actor' && message.name === name),
      name,
    );
  // what moved the machines: the events sent to them, and those of each snapshot (done events of invoked actors)
  const events = new Set(
    messages
      .filter((message) => message.type === '@xstate.event' || message.type === '@xstate.snapshot')
      .map((message) => message.event?.type),
  );
  for (const type of ['lock.acquired', 'install.ready', 'xstate.done.actor.tearDownApp']) t.true(events.has(type), type);
  t.true(messages.some((message) => message.type === '@xstate.snapshot' && message.snapshot?.value === 'finished'));
});

test.serial('an inspector that is not listening changes nothing about the run', async (t) => {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  const runsDir = await mkdtemp(join(tmpdir(), 'ccci-inspect-'));
  const started = Date.now();
  const run = await runCcci([fixture('web'), '--ref', 'pr/1', '--inspect', `ws://127.0.0.1:${port}`], { runsDir });
  t.is(run.exitCode, 0, run.stderr);
  t.is(run.results?.verdict, 'success');
  t.true(Date.now() - started < 5 * 60_000);
});

test('an --inspect that is no WebSocket URL is bad input', async (t) => {
  const runsDir = await mkdtemp(join(tmpdir(), 'ccci-inspect-'));
  const run = await runCcci([fixture('web'), '--inspect', 'http://127.0.0.1:1'], { runsDir });
  t.is(run.exitCode, 2);
  t.regex(run.stderr, /--inspect "http:\/\/127\.0\.0\.1:1" is not a WebSocket URL/);
});
