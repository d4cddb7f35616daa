// `ccci daemon`, run as the real command against the test bed's Gitea: what is wrong with its
// configuration or secrets is said plainly, names the file, and starts nothing (exit 2); an address it
// cannot listen on ends it with exit 1; a forge that refuses the token is caught before anything runs.
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
  root = await mkdtemp(join(tmpdir(), 'ccci-daemon-cli-'));
});

test.after.always(async () => {
  await rm(root, { recursive: true, force: true });
});

async function configWith(name: string, daemon: Record<string, unknown> | undefined): Promise<string> {
  const base = JSON.parse(await readFile(bedConfigFile, 'utf8')) as Record<string, unknown>;
  const file = join(root, `${name}.json`);
  await writeFile(file, JSON.stringify(daemon === undefined ? base : { ...base, daemon }));
  return file;
}

async function daemonSection(overrides: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  const forge = await forgeBed();
  return {
    forge: { url: forge.url, tokenFile: forge.users.bot.tokenFile },
    org: forge.org,
    repositories: ['recipes/web'],
    stateDir: join(root, 'state'),
    listen: { port: 0 },
    ...overrides,
  };
}

async function daemon(...argv: string[]) {
  return execa(ccciBin, ['daemon', ...argv], { reject: false, timeout: 60_000 });
}

test('a configuration without a daemon section: exit 2, said so', async (t) => {
  const file = await configWith('no-daemon', undefined);
  const result = await daemon('--config', file);
  t.is(result.exitCode, 2);
  t.is(result.stderr, `ccci daemon: The configuration file ${file} has no "daemon" section (forge, org, repositories, stateDir)`);
});

test('a missing token file: exit 2, naming the file', async (t) => {
  const file = await configWith('no-token', {
    ...(await daemonSection()),
    forge: { url: (await forgeBed()).url, tokenFile: join(root, 'absent-token') },
  });
  const result = await daemon('--config', file);
  t.is(result.exitCode, 2);
  t.is(
    result.stderr,
    `ccci daemon: Cannot read the forge token file ${join(root, 'absent-token')}: ENOENT: no such file or directory, open '${join(root, 'absent-token')}'`,
  );
});

test('a token the forge refuses: exit 2 before anything starts, the token never printed', async (t) => {
  const tokenFile = join(root, 'wrong-token');
  await writeFile(tokenFile, 'not-a-token-the-forge-knows-0123456789');
  const file = await configWith('bad-token', { ...(await daemonSection()), forge: { url: (await forgeBed()).url, tokenFile } });
  const result = await daemon('--config', file);
  t.is(result.exitCode, 2);
  t.regex(
    result.stderr,
    new RegExp(`^ccci daemon: The forge at ${(await forgeBed()).url} refuses the token in ${tokenFile}: Gitea GET /user answered 401`),
  );
  t.false(result.stderr.includes('not-a-token-the-forge-knows'));
});

test('a runLimitMinutes at or above the deadline: exit 2 with the key and why', async (t) => {
  const file = await configWith('limit', await daemonSection({ runLimitMinutes: 90 }));
  const result = await daemon('--config', file);
  t.is(result.exitCode, 2);
  t.is(
    result.stderr,
    `ccci daemon: Invalid configuration in ${file}:\n- must be below deadlineMinutes (60): the daemon stops a run before its own hard deadline at daemon.runLimitMinutes`,
  );
});

test('an address already in use: exit 1, the address named', async (t) => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => server.close());
  const port = (server.address() as { port: number }).port;
  const file = await configWith(
    'busy-port',
    await daemonSection({ listen: { host: '127.0.0.1', port }, stateDir: join(root, 'state-busy') }),
  );
  const result = await daemon('--config', file, '--log-level', 'warn');
  t.is(result.exitCode, 1);
  t.true(result.stderr.includes(`the HTTP server cannot listen: 127.0.0.1:${port}: listen EADDRINUSE`), result.stderr);
});

test('usage: an unknown flag and a bad log level are exit 2; --help explains', async (t) => {
  const unknown = await daemon('--frobnicate');
  t.is(unknown.exitCode, 2);
  t.regex(unknown.stderr, /^ccci daemon: Unknown option '--frobnicate'/);
  const level = await daemon('--log-level', 'loud');
  t.is(level.exitCode, 2);
  t.is(level.stderr, 'ccci daemon: --log-level "loud" is not one of trace, debug, info, warn, error');
  const help = await daemon('--help');
  t.is(help.exitCode, 0);
  t.regex(help.stdout, /^Usage: ccci daemon/);
});
