// The trees cc-ci ships (recipes/): the real `bin/ccci recipe check` validates every one of them when
// nothing is configured (no --config, no $CCCI_CONFIG, no /etc/cc-ci/config.json), when a configuration
// leaves customizationDir out, and from a copy outside the package (how an operator adopts one).
import test from 'ava';
import { execa } from 'execa';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CCCI = fileURLToPath(new URL('../../bin/ccci', import.meta.url));
const SHIPPED = fileURLToPath(new URL('../../recipes', import.meta.url));
const TREES = readdirSync(SHIPPED)
  .filter((name) => !name.startsWith('.') && statSync(join(SHIPPED, name)).isDirectory())
  .sort();

let root = '';

test.before(async () => {
  root = await mkdtemp(join(tmpdir(), 'ccci-shipped-'));
});

test.after.always(async () => {
  await rm(root, { recursive: true, force: true });
});

/** The environment of a host where nothing names a configuration. */
function unconfiguredEnv(): NodeJS.ProcessEnv {
  const { CCCI_CONFIG: _ignored, ...env } = process.env;
  return env;
}

function ccci(args: readonly string[], env: NodeJS.ProcessEnv = unconfiguredEnv()) {
  return execa(CCCI, args, { reject: false, env, extendEnv: false, cwd: root });
}

/** The `<recipe>: …` lines of the output, one per checked tree. */
function verdicts(stdout: string): string[] {
  return stdout.split('\n').filter((line) => /^[a-z0-9-]+: /.test(line));
}

test('cc-ci ships trees for custom-html, keycloak and a recipe with DEPS (drone)', (t) => {
  t.deepEqual(TREES, ['custom-html', 'drone', 'keycloak']);
});

test('without any configuration, recipe check validates every shipped tree: each ok, exit 0', async (t) => {
  t.false(existsSync('/etc/cc-ci/config.json'), 'this host has /etc/cc-ci/config.json: the test needs a host without one');
  const result = await ccci(['recipe', 'check']);
  t.is(result.exitCode, 0, `${result.stdout}\n${result.stderr}`);
  t.deepEqual(
    verdicts(result.stdout),
    TREES.map((name) => `${name}: ok`),
  );
  for (const name of TREES) t.true(result.stdout.includes(`  tree: ${join(SHIPPED, name)}\n`), name);
  t.is(
    result.stderr,
    `ccci recipe check: no configuration (--config, $CCCI_CONFIG, /etc/cc-ci/config.json): checking the trees cc-ci ships in ${SHIPPED}`,
  );
});

test('without any configuration a named shipped tree is checked alone', async (t) => {
  const result = await ccci(['recipe', 'check', 'drone']);
  t.is(result.exitCode, 0, result.stderr);
  t.deepEqual(verdicts(result.stdout), ['drone: ok']);
  t.true(result.stdout.includes('  nonDefaultKeys: {"EXTRA_ENV":"hook (ctx)","DEPS":["gitea"],'), result.stdout);
});

test('a configuration without customizationDir checks the shipped trees too', async (t) => {
  const config = join(root, 'no-trees.json');
  await writeFile(
    config,
    JSON.stringify({
      abra: { dir: join(root, 'abra'), server: 's' },
      ciDomain: 'ci.test',
      runsDir: join(root, 'runs'),
      lockDir: join(root, 'locks'),
    }),
  );
  const result = await ccci(['recipe', 'check', '--config', config]);
  t.is(result.exitCode, 0, result.stderr);
  t.deepEqual(
    verdicts(result.stdout),
    TREES.map((name) => `${name}: ok`),
  );
  t.is(result.stderr, '');
});

test('a named configuration that does not exist is still an error, not the shipped trees', async (t) => {
  const missing = join(root, 'absent.json');
  const result = await ccci(['recipe', 'check'], { ...unconfiguredEnv(), CCCI_CONFIG: missing });
  t.is(result.exitCode, 2);
  t.is(result.stdout, '');
  t.true(result.stderr.startsWith(`ccci recipe check: Cannot read the configuration file ${missing}`), result.stderr);
});

test('copied outside the package (no package.json above: compiled as CommonJS), the shipped trees still validate', async (t) => {
  const copy = join(root, 'operator-recipes');
  await cp(SHIPPED, copy, { recursive: true });
  const config = join(root, 'copy.json');
  await writeFile(
    config,
    JSON.stringify({
      abra: { dir: join(root, 'abra'), server: 's' },
      ciDomain: 'ci.test',
      runsDir: join(root, 'runs'),
      lockDir: join(root, 'locks'),
      customizationDir: copy,
    }),
  );
  const result = await ccci(['recipe', 'check', '--config', config]);
  t.is(result.exitCode, 0, `${result.stdout}\n${result.stderr}`);
  t.deepEqual(
    verdicts(result.stdout),
    TREES.map((name) => `${name}: ok`),
  );
  for (const name of TREES) t.true(result.stdout.includes(`  tree: ${join(copy, name)}\n`), name);
});
