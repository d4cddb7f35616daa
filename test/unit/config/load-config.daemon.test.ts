// The daemon section of the configuration, through loadConfig: defaults, paths resolved against the
// configuration file's directory, the per-run limit (below the hard deadline; 90% of it by default),
// and the exact message for each kind of mistake.
import test from 'ava';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../../src/config/load-config.js';
import { runLimitMinutes } from '../../../src/config/schema.js';

let root = '';

test.before(async () => {
  root = await mkdtemp(join(tmpdir(), 'ccci-daemon-config-'));
});

test.after.always(async () => {
  await rm(root, { recursive: true, force: true });
});

let files = 0;

async function configFile(content: unknown): Promise<{ file: string; directory: string }> {
  const directory = join(root, `config-${++files}`);
  await mkdir(directory, { recursive: true });
  const file = join(directory, 'config.json');
  await writeFile(file, JSON.stringify(content));
  return { file, directory };
}

const BASE = {
  abra: { dir: '/srv/abra', server: 'swarm.ci.test' },
  ciDomain: 'ci.test',
  runsDir: '/srv/runs',
  lockDir: '/var/lock/cc-ci',
  customizationDir: '/etc/cc-ci/recipes',
};

const DAEMON = {
  forge: { url: 'https://git.example.org', tokenFile: 'token' },
  org: 'coop-cloud',
  repositories: ['coop-cloud/web'],
  stateDir: 'state',
};

function withDaemon(daemon: Record<string, unknown>, top: Record<string, unknown> = {}) {
  return { ...BASE, ...top, daemon: { ...DAEMON, ...daemon } };
}

async function rejection(content: unknown): Promise<{ file: string; message: string }> {
  const { file } = await configFile(content);
  const error = await loadConfig(file).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof ConfigError)) throw new Error(`test setup: expected a ConfigError, got ${String(error)}`);
  return { file, message: error.message };
}

test("a minimal daemon section gets every default; its paths are resolved against the file's directory", async (t) => {
  const { file, directory } = await configFile(withDaemon({}));
  const config = await loadConfig(file);
  t.deepEqual(config.daemon, {
    forge: { url: 'https://git.example.org', tokenFile: join(directory, 'token') },
    org: 'coop-cloud',
    repositories: ['coop-cloud/web'],
    commenterAllowlist: [],
    pollIntervalSeconds: 30,
    maxTests: 1,
    stateDir: join(directory, 'state'),
    listen: { host: '127.0.0.1', port: 8470 },
    janitorIntervalMinutes: 5,
  });
});

test('no daemon section: none in the configuration', async (t) => {
  const { file } = await configFile(BASE);
  t.false('daemon' in (await loadConfig(file)));
});

test("relative tokenFile, webhookSecretFile and stateDir are resolved against the configuration file's directory", async (t) => {
  const { file, directory } = await configFile(
    withDaemon({
      forge: { url: 'https://git.example.org', tokenFile: 'secrets/token', webhookSecretFile: '../hook-secret' },
      stateDir: './var/state',
    }),
  );
  const daemon = (await loadConfig(file)).daemon!;
  t.deepEqual(daemon.forge, {
    url: 'https://git.example.org',
    tokenFile: join(directory, 'secrets', 'token'),
    webhookSecretFile: join(root, 'hook-secret'),
  });
  t.is(daemon.stateDir, join(directory, 'var', 'state'));
});

test('absolute tokenFile, webhookSecretFile and stateDir are kept', async (t) => {
  const { file } = await configFile(
    withDaemon({
      forge: { url: 'http://127.0.0.1:3000', tokenFile: '/etc/cc-ci/token', webhookSecretFile: '/etc/cc-ci/hook' },
      stateDir: '/var/lib/cc-ci',
    }),
  );
  const daemon = (await loadConfig(file)).daemon!;
  t.deepEqual(daemon.forge, { url: 'http://127.0.0.1:3000', tokenFile: '/etc/cc-ci/token', webhookSecretFile: '/etc/cc-ci/hook' });
  t.is(daemon.stateDir, '/var/lib/cc-ci');
});

test('given values override the defaults; a partial listen keeps the other default', async (t) => {
  const { file } = await configFile(
    withDaemon({
      repositories: ['coop-cloud/web', { repo: 'coop-cloud/keycloak' }, { repo: 'someone/my-fork', recipe: 'nextcloud' }],
      commenterAllowlist: ['alice'],
      pollIntervalSeconds: 5,
      maxTests: 3,
      listen: { port: 0 },
      publicUrl: 'https://ci.example.org',
      janitorIntervalMinutes: 0.5,
      runLimitMinutes: 45,
    }),
  );
  const daemon = (await loadConfig(file)).daemon!;
  t.like(daemon, {
    commenterAllowlist: ['alice'],
    pollIntervalSeconds: 5,
    maxTests: 3,
    listen: { host: '127.0.0.1', port: 0 },
    publicUrl: 'https://ci.example.org',
    janitorIntervalMinutes: 0.5,
    runLimitMinutes: 45,
  });
  t.deepEqual(daemon.repositories, ['coop-cloud/web', { repo: 'coop-cloud/keycloak' }, { repo: 'someone/my-fork', recipe: 'nextcloud' }]);
});

test('runLimitMinutes defaults to 90% of deadlineMinutes; a configured one is kept', async (t) => {
  const cases: [Record<string, unknown>, Record<string, unknown>, number][] = [
    [{}, {}, 54],
    [{}, { deadlineMinutes: 15 }, 13.5],
    [{}, { deadlineMinutes: 100 }, 90],
    [{ runLimitMinutes: 40 }, {}, 40],
    [{ runLimitMinutes: 59.9 }, {}, 59.9],
  ];
  for (const [daemon, top, expected] of cases) {
    const { file } = await configFile(withDaemon(daemon, top));
    t.is(runLimitMinutes(await loadConfig(file)), expected, JSON.stringify({ daemon, top }));
  }
  const { file } = await configFile(BASE);
  t.is(runLimitMinutes(await loadConfig(file)), 54, 'without a daemon section too');
});

const MISTAKES: readonly (readonly [string, Record<string, unknown>, string])[] = [
  [
    'runLimitMinutes equal to the deadline',
    withDaemon({ runLimitMinutes: 60 }),
    '- must be below deadlineMinutes (60): the daemon stops a run before its own hard deadline at daemon.runLimitMinutes',
  ],
  [
    'runLimitMinutes above the deadline',
    withDaemon({ runLimitMinutes: 45 }, { deadlineMinutes: 30 }),
    '- must be below deadlineMinutes (30): the daemon stops a run before its own hard deadline at daemon.runLimitMinutes',
  ],
  ['runLimitMinutes zero', withDaemon({ runLimitMinutes: 0 }), '- Too small: expected number to be >0 at daemon.runLimitMinutes'],
  ['a repository without an owner', withDaemon({ repositories: ['web'] }), '- owner/name at daemon.repositories[0]'],
  ['a repository with two slashes', withDaemon({ repositories: ['coop-cloud/web', 'a/b/c'] }), '- owner/name at daemon.repositories[1]'],
  ['a repository object without an owner', withDaemon({ repositories: [{ repo: 'web' }] }), '- owner/name at daemon.repositories[0].repo'],
  [
    'an upper-case recipe name',
    withDaemon({ repositories: [{ repo: 'coop-cloud/web', recipe: 'Web' }] }),
    '- a recipe name: lower case letters, digits and - at daemon.repositories[0].recipe',
  ],
  [
    'a recipe name starting with -',
    withDaemon({ repositories: [{ repo: 'coop-cloud/web', recipe: '-web' }] }),
    '- a recipe name: lower case letters, digits and - at daemon.repositories[0].recipe',
  ],
  ['no repositories', withDaemon({ repositories: [] }), '- Too small: expected array to have >=1 items at daemon.repositories'],
  [
    'an unknown key close to a known one',
    withDaemon({ pollIntervalSecs: 5 }),
    '- unknown key "pollIntervalSecs" at daemon; did you mean "pollIntervalSeconds"?',
  ],
  ['an unknown key with a typo', withDaemon({ maxTest: 2 }), '- unknown key "maxTest" at daemon; did you mean "maxTests"?'],
  [
    'an unknown key far from every known one',
    withDaemon({ webhook: true }),
    '- unknown key "webhook" at daemon; valid keys: forge, org, repositories, commenterAllowlist, pollIntervalSeconds, maxTests, runLimitMinutes, stateDir, listen, publicUrl, janitorIntervalMinutes',
  ],
  [
    'an unknown key in forge',
    withDaemon({ forge: { url: 'https://git.example.org', tokenFile: 'token', token: 'secret' } }),
    '- unknown key "token" at daemon.forge; valid keys: url, tokenFile, webhookSecretFile',
  ],
  ['an unknown key in listen', withDaemon({ listen: { prot: 80 } }), '- unknown key "prot" at daemon.listen; did you mean "port"?'],
  ['maxTests 0', withDaemon({ maxTests: 0 }), '- Too small: expected number to be >=1 at daemon.maxTests'],
  ['maxTests 1.5', withDaemon({ maxTests: 1.5 }), '- Invalid input: expected int, received number at daemon.maxTests'],
  ['maxTests as a string', withDaemon({ maxTests: '2' }), '- Invalid input: expected number, received string at daemon.maxTests'],
  [
    'pollIntervalSeconds above an hour',
    withDaemon({ pollIntervalSeconds: 3601 }),
    '- Too big: expected number to be <=3600 at daemon.pollIntervalSeconds',
  ],
  ['a port out of range', withDaemon({ listen: { port: 65_536 } }), '- Too big: expected number to be <=65535 at daemon.listen.port'],
  ['an ftp forge URL', withDaemon({ forge: { url: 'ftp://git.example.org', tokenFile: 'token' } }), '- Invalid URL at daemon.forge.url'],
  [
    'a forge URL without a scheme',
    withDaemon({ forge: { url: 'git.example.org', tokenFile: 'token' } }),
    '- Invalid URL at daemon.forge.url',
  ],
  ['a file publicUrl', withDaemon({ publicUrl: 'file:///srv/runs' }), '- Invalid URL at daemon.publicUrl'],
  [
    'an empty tokenFile',
    withDaemon({ forge: { url: 'https://git.example.org', tokenFile: '' } }),
    '- Too small: expected string to have >=1 characters at daemon.forge.tokenFile',
  ],
  [
    'missing keys',
    { ...BASE, daemon: { forge: DAEMON.forge } },
    '- Invalid input: expected string, received undefined at daemon.org\n- Invalid input: expected array, received undefined at daemon.repositories\n- Invalid input: expected string, received undefined at daemon.stateDir',
  ],
  [
    'two mistakes: both named',
    withDaemon({ runLimitMinutes: 60, maxTests: 0 }),
    '- Too small: expected number to be >=1 at daemon.maxTests\n- must be below deadlineMinutes (60): the daemon stops a run before its own hard deadline at daemon.runLimitMinutes',
  ],
];

for (const [name, content, issues] of MISTAKES) {
  test(`${name} is a ConfigError naming the key`, async (t) => {
    const { file, message } = await rejection(content);
    t.is(message, `Invalid configuration in ${file}:\n${issues}`);
  });
}

test('runLimitMinutes just below the deadline is accepted', async (t) => {
  const { file } = await configFile(withDaemon({ runLimitMinutes: 29.5 }, { deadlineMinutes: 30 }));
  t.is((await loadConfig(file)).daemon?.runLimitMinutes, 29.5);
});
