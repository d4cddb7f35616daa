// loadConfig: the operator's JSON configuration; every problem names the file and the key.
import test from 'ava';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, loadConfig, SHIPPED_RECIPES } from '../../../src/config/load-config.js';

let root = '';

test.before(async () => {
  root = await mkdtemp(join(tmpdir(), 'ccci-config-'));
});

test.after.always(async () => {
  await rm(root, { recursive: true, force: true });
});

async function configFile(name: string, content: unknown): Promise<string> {
  const directory = join(root, name);
  await mkdir(directory, { recursive: true });
  const file = join(directory, 'config.json');
  await writeFile(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

const VALID = {
  abra: { dir: 'abra', server: 'swarm.ci.test' },
  ciDomain: 'ci.test',
  runsDir: './runs',
  lockDir: '/var/lock/cc-ci',
  customizationDir: '../recipes',
};

async function rejection(file: string): Promise<ConfigError> {
  const error = await loadConfig(file).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof ConfigError)) throw new Error(`test setup: expected a ConfigError, got ${String(error)}`);
  return error;
}

test('a missing file is a ConfigError naming the file', async (t) => {
  const file = join(root, 'absent', 'config.json');
  const error = await rejection(file);
  t.is(error.name, 'ConfigError');
  t.is(error.code, 'bad-config');
  t.is(error.message, `Cannot read the configuration file ${file}: ENOENT: no such file or directory, open '${file}'`);
});

test('invalid JSON is a ConfigError naming the file', async (t) => {
  const file = await configFile('invalid-json', '{ "abra": ');
  const error = await rejection(file);
  t.true(error.message.startsWith(`The configuration file ${file} is not valid JSON: `), error.message);
});

test('an unknown key is a ConfigError with the nearest valid key', async (t) => {
  const file = await configFile('unknown-key', { ...VALID, runDir: '/runs' });
  t.is((await rejection(file)).message, `Invalid configuration in ${file}:\n- unknown key "runDir"; did you mean "runsDir"?`);
});

test('an unknown nested key is suggested from the nested object', async (t) => {
  const file = await configFile('unknown-nested-key', { ...VALID, abra: { ...VALID.abra, severr: 'x' } });
  t.is((await rejection(file)).message, `Invalid configuration in ${file}:\n- unknown key "severr" at abra; did you mean "server"?`);
});

test('a missing key and a bad domain are named', async (t) => {
  const { lockDir: _lockDir, ...withoutLockDir } = VALID;
  const file = await configFile('missing-key', { ...withoutLockDir, ciDomain: 'localhost' });
  t.is(
    (await rejection(file)).message,
    `Invalid configuration in ${file}:\n- a DNS name such as ci.example.org at ciDomain\n- Invalid input: expected string, received undefined at lockDir`,
  );
});

test("relative paths are resolved against the configuration file's directory; absolute ones are kept", async (t) => {
  const file = await configFile('relative', VALID);
  const directory = join(root, 'relative');
  t.deepEqual(await loadConfig(file), {
    abra: { bin: 'abra', dir: join(directory, 'abra'), server: 'swarm.ci.test', tty: true },
    ciDomain: 'ci.test',
    runsDir: join(directory, 'runs'),
    lockDir: '/var/lock/cc-ci',
    customizationDir: join(root, 'recipes'),
    deadlineMinutes: 60,
    runRetentionDays: 30,
    chromium: '/usr/bin/chromium',
    dependencySource: 'https://git.coopcloud.tech/coop-cloud/{recipe}.git',
  });
});

// Otherwise a relative allowlist would be read relative to ccci's working directory (and deny everything from elsewhere).
test("a relative repoLocalAllowlist is resolved against the configuration file's directory like the other paths", async (t) => {
  const file = await configFile('relative-allowlist', { ...VALID, repoLocalAllowlist: 'allowlist' });
  t.is((await loadConfig(file)).repoLocalAllowlist, join(root, 'relative-allowlist', 'allowlist'));
});

test('a dependencySource starting with ./ or ../ is a directory beside the configuration file; a URL is kept', async (t) => {
  const relativeSource = await configFile('relative-deps', { ...VALID, dependencySource: '../repos/{recipe}' });
  t.is((await loadConfig(relativeSource)).dependencySource, join(root, 'repos', '{recipe}'));
  const url = await configFile('url-deps', { ...VALID, dependencySource: 'https://git.example.org/{recipe}.git' });
  t.is((await loadConfig(url)).dependencySource, 'https://git.example.org/{recipe}.git');
});

test('an absolute repoLocalAllowlist is kept', async (t) => {
  const file = await configFile('absolute-allowlist', { ...VALID, repoLocalAllowlist: '/etc/cc-ci/allowlist' });
  t.is((await loadConfig(file)).repoLocalAllowlist, '/etc/cc-ci/allowlist');
});

test('a configuration file given by a relative path resolves against its own directory, not the working directory', async (t) => {
  const file = await configFile('from-cwd', VALID);
  const config = await loadConfig(relative(process.cwd(), file));
  t.is(config.runsDir, join(root, 'from-cwd', 'runs'));
  t.is(config.customizationDir, join(root, 'recipes'));
});

test('without customizationDir the trees cc-ci ships are used: recipes/ of the package, wherever the configuration is', async (t) => {
  const { customizationDir: _customizationDir, ...withoutTrees } = VALID;
  const file = await configFile('shipped-trees', withoutTrees);
  t.is(SHIPPED_RECIPES, fileURLToPath(new URL('../../../recipes', import.meta.url)));
  t.is((await loadConfig(file)).customizationDir, SHIPPED_RECIPES);
});

test('given values override the defaults', async (t) => {
  const file = await configFile('overrides', {
    ...VALID,
    abra: { ...VALID.abra, bin: '/usr/local/bin/abra', tty: false },
    deadlineMinutes: 15,
    runRetentionDays: 7,
  });
  const config = await loadConfig(file);
  t.is(config.abra.bin, '/usr/local/bin/abra');
  t.false(config.abra.tty);
  t.is(config.deadlineMinutes, 15);
  t.is(config.runRetentionDays, 7);
});

test('a run retention not longer than the deadline is a ConfigError naming runRetentionDays', async (t) => {
  const file = await configFile('short-retention', { ...VALID, deadlineMinutes: 1440, runRetentionDays: 1 });
  await t.throwsAsync(loadConfig(file), {
    instanceOf: ConfigError,
    message: /must be longer than deadlineMinutes \(1440\): a live run.s directory is never pruned at runRetentionDays/,
  });
});
