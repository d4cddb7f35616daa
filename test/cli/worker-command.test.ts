// `ccci worker` (and the daemon's scale-out start), run as the real commands: a configuration that
// cannot work is said plainly, names the file or the key, and starts nothing (exit 2); a NATS cluster
// that does not answer ends them with exit 1 naming the servers (a service manager starts them again).
import test from 'ava';
import { execa } from 'execa';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { forgeBed } from '../helpers/forge-bed.js';
import { bedConfigFile, ccciBin } from '../helpers/test-bed.js';

let root = '';

test.before(async () => {
  root = await mkdtemp(join(tmpdir(), 'ccci-worker-cli-'));
});

test.after.always(async () => {
  await rm(root, { recursive: true, force: true });
});

async function configWith(name: string, extra: Record<string, unknown>): Promise<string> {
  const base = JSON.parse(await readFile(bedConfigFile, 'utf8')) as Record<string, unknown>;
  const file = join(root, `${name}.json`);
  await writeFile(file, JSON.stringify({ ...base, ...extra }));
  return file;
}

/** A loopback port nothing listens on (bound once, then closed). */
async function deadPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const ccci = (...argv: string[]) => execa(ccciBin, argv, { reject: false, timeout: 60_000 });

test('worker: a configuration without a nats section: exit 2, said so', async (t) => {
  const file = await configWith('no-nats', {});
  const result = await ccci('worker', '--config', file);
  t.is(result.exitCode, 2);
  t.is(
    result.stderr,
    `ccci worker: The configuration file ${file} has no "nats" section (servers): a worker pulls its runs from JetStream`,
  );
});

test('worker: a server that is not a NATS URL: exit 2, naming the key', async (t) => {
  const file = await configWith('bad-url', { nats: { servers: ['http://127.0.0.1:4222'] } });
  const result = await ccci('worker', '--config', file);
  t.is(result.exitCode, 2);
  t.regex(result.stderr, / at nats\.servers\[0\]$/);
  t.regex(result.stderr, /a NATS URL such as nats:\/\/127\.0\.0\.1:4222/);
});

test('worker: an unreadable credentials file: exit 2, naming the file', async (t) => {
  const creds = join(root, 'absent.creds');
  const file = await configWith('no-creds', { nats: { servers: ['nats://127.0.0.1:4222'], credentialsFile: creds } });
  const result = await ccci('worker', '--config', file);
  t.is(result.exitCode, 2);
  t.regex(result.stderr, new RegExp(`^ccci worker: Cannot read the NATS credentials file ${creds}: ENOENT`));
});

test('worker: a cluster that does not answer: exit 1, naming the servers, nothing left running', async (t) => {
  const url = `nats://127.0.0.1:${await deadPort()}`;
  const file = await configWith('dead-nats', { nats: { servers: [url] }, worker: { name: 'ci-x' } });
  const result = await ccci('worker', '--config', file);
  t.is(result.exitCode, 1);
  const failed = result.stderr
    .split('\n')
    .map((line) => JSON.parse(line) as { msg: string; failure?: string })
    .find((line) => line.msg.startsWith('worker failed'));
  t.truthy(failed, result.stderr);
  t.true(failed!.failure!.startsWith(`connecting to JetStream failed: Cannot connect to NATS at ${url}`), failed!.failure);
});

test('daemon with a nats section: unreadable credentials exit 2; a cluster that does not answer exit 1', async (t) => {
  const forge = await forgeBed();
  const daemon = {
    forge: { url: forge.url, tokenFile: forge.users.bot.tokenFile },
    org: forge.org,
    repositories: ['recipes/web'],
    stateDir: join(root, 'state'),
    listen: { port: 0 },
  };
  const creds = join(root, 'absent.creds');
  const noCreds = await ccci(
    'daemon',
    '--config',
    await configWith('daemon-no-creds', { daemon, nats: { servers: ['nats://127.0.0.1:4222'], credentialsFile: creds } }),
  );
  t.is(noCreds.exitCode, 2);
  t.regex(noCreds.stderr, new RegExp(`^ccci daemon: Cannot read the NATS credentials file ${creds}`));

  const url = `nats://127.0.0.1:${await deadPort()}`;
  const dead = await ccci('daemon', '--config', await configWith('daemon-dead-nats', { daemon, nats: { servers: [url] } }));
  t.is(dead.exitCode, 1);
  t.regex(dead.stderr, new RegExp(`daemon failed: setting up JetStream failed: Cannot connect to NATS at ${url}`));
});
