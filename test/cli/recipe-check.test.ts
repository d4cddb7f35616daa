// `ccci recipe check`, run as the real command: a valid tree prints its manifest (exit 0), an invalid one
// the loader's message (exit 2), no name checks every tree, a recipe without a tree gets the generic floor.
import test from 'ava';
import { execa } from 'execa';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CCCI = fileURLToPath(new URL('../../bin/ccci', import.meta.url));

let root = '';
let customizationDir = '';
let config = '';

async function write(file: string, text: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, text);
}

test.before(async () => {
  root = await mkdtemp(join(tmpdir(), 'ccci-recipe-check-'));
  customizationDir = join(root, 'recipes');
  const good = join(customizationDir, 'good');
  await write(
    join(good, 'meta.ts'),
    "export const meta = { HEALTH_PATH: '/health', EXTRA_ENV: { ADMIN_PASSWORD: 'hunter2hunter2', MODE: 'ci' } };\n",
  );
  await write(
    join(good, 'ops.ts'),
    'export async function preBackup(ctx: unknown): Promise<void> {}\nexport function preRestore(ctx: unknown): void {}\nexport const _helper = 1;\n',
  );
  await write(join(good, 'tests', 'restore.test.ts'), '');
  await write(join(good, 'custom', 'login.test.ts'), '');
  await write(join(good, 'compose.ccci.yml'), 'services: {}\n');
  await write(join(customizationDir, 'bad', 'meta.ts'), "export const meta = { HEALTHPATH: '/health' };\n");
  await write(join(customizationDir, 'empty', '.keep'), '');
  await write(join(root, 'empty-recipes', '.keep'), '');
  config = join(root, 'config.json');
  await write(
    config,
    JSON.stringify({
      abra: { dir: join(root, 'abra'), server: 'swarm.ci.test' },
      ciDomain: 'ci.test',
      runsDir: join(root, 'runs'),
      lockDir: join(root, 'locks'),
      customizationDir,
    }),
  );
});

test.after.always(async () => {
  await rm(root, { recursive: true, force: true });
});

function ccci(...args: string[]) {
  return execa(CCCI, args, { reject: false });
}

const goodManifest = () => [
  'good: ok',
  '  recipe: good',
  `  tree: ${join(customizationDir, 'good')}`,
  `  metaFile: ${join(customizationDir, 'good', 'meta.ts')}`,
  '  nonDefaultKeys: {"HEALTH_PATH":"/health","EXTRA_ENV":{"ADMIN_PASSWORD":"***","MODE":"ci"}}',
  '  ops: {"preBackup":"cc-ci","preRestore":"cc-ci"}',
  '  installSteps: null',
  '  composeOverlay: true',
  '  previousOverlays: 0',
  '  overlays: {"install":["generic"],"upgrade":["generic"],"backup":["generic"],"restore":["generic","cc-ci"]}',
  '  functionalTests: {"cc-ci":1,"repo-local":0}',
  '  repoLocal: {"present":false,"trusted":false,"detail":"the recipe repository has no .ccci/ tree"}',
];

const badLines = () => [
  `bad: Invalid recipe meta in ${join(customizationDir, 'bad', 'meta.ts')}:`,
  '- unknown key "HEALTHPATH"; did you mean "HEALTH_PATH"?',
];

test('a valid tree: ok and its manifest, exit 0', async (t) => {
  const result = await ccci('recipe', 'check', 'good', '--config', config);
  t.is(result.exitCode, 0, result.stderr);
  t.deepEqual(result.stdout.split('\n'), goodManifest());
  t.is(result.stderr, '');
});

test("an invalid tree: the loader's message with the nearest key, exit 2", async (t) => {
  const result = await ccci('recipe', 'check', 'bad', '--config', config);
  t.is(result.exitCode, 2);
  t.deepEqual(result.stdout.split('\n'), badLines());
});

test('without a name every tree is checked, in name order; one invalid tree makes it exit 2', async (t) => {
  const result = await ccci('recipe', 'check', '--config', config);
  t.is(result.exitCode, 2);
  t.deepEqual(result.stdout.split('\n'), [
    ...badLines(),
    'empty: ok',
    '  recipe: empty',
    `  tree: ${join(customizationDir, 'empty')}`,
    '  metaFile: null',
    '  nonDefaultKeys: {}',
    '  ops: {}',
    '  installSteps: null',
    '  composeOverlay: false',
    '  previousOverlays: 0',
    '  overlays: {"install":["generic"],"upgrade":["generic"],"backup":["generic"],"restore":["generic"]}',
    '  functionalTests: {"cc-ci":0,"repo-local":0}',
    '  repoLocal: {"present":false,"trusted":false,"detail":"the recipe repository has no .ccci/ tree"}',
    ...goodManifest(),
  ]);
});

test('a named recipe without a tree gets the generic floor, exit 0', async (t) => {
  const result = await ccci('recipe', 'check', 'absent', '--config', config);
  t.is(result.exitCode, 0);
  t.is(
    result.stdout,
    `absent: no customization tree at ${join(customizationDir, 'absent')}; it gets the generic floor only (zero configuration)`,
  );
});

test('no trees at all: said so, exit 0', async (t) => {
  const emptyConfig = join(root, 'empty-config.json');
  await write(
    emptyConfig,
    JSON.stringify({
      abra: { dir: '/abra', server: 's' },
      ciDomain: 'ci.test',
      runsDir: '/runs',
      lockDir: '/locks',
      customizationDir: join(root, 'empty-recipes'),
    }),
  );
  const result = await ccci('recipe', 'check', '--config', emptyConfig);
  t.is(result.exitCode, 0);
  t.is(result.stdout, `no customization trees in ${join(root, 'empty-recipes')}: every recipe gets the generic floor`);
});

test('--help explains the command and that repo-local trees are checked at run time', async (t) => {
  const result = await ccci('recipe', 'check', '--help');
  t.is(result.exitCode, 0);
  t.true(result.stdout.startsWith('Usage: ccci recipe check [<recipe>] [--config <file>]'));
  t.true(result.stdout.includes('Repository-local .ccci/ trees live in the recipe repositories and are checked at run time only.'));
});

test('an unknown flag is a usage error, exit 2', async (t) => {
  const result = await ccci('recipe', 'check', '--verbose', '--config', config);
  t.is(result.exitCode, 2);
  t.is(result.stdout, '');
  t.true(result.stderr.startsWith("ccci recipe: Unknown option '--verbose'"), result.stderr);
  t.true(result.stderr.includes('Usage: ccci recipe check'));
});

test('a missing subcommand, an unknown one, two names: usage errors, exit 2', async (t) => {
  for (const [args, message] of [
    [['recipe'], 'ccci recipe: missing subcommand (check)'],
    [['recipe', 'lint'], 'ccci recipe: unknown subcommand "lint"'],
    [['recipe', 'check', 'good', 'bad', '--config', config], 'ccci recipe: check takes at most one recipe name; got good, bad'],
    [['recipe', 'check', '../good', '--config', config], 'ccci recipe: "../good" is not a recipe name'],
  ] as const) {
    const result = await ccci(...args);
    t.is(result.exitCode, 2, args.join(' '));
    t.is(result.stderr.split('\n')[0], message);
  }
});

test('a configuration that does not load is bad input, exit 2', async (t) => {
  const missing = join(root, 'absent.json');
  const result = await ccci('recipe', 'check', '--config', missing);
  t.is(result.exitCode, 2);
  t.is(
    result.stderr,
    `ccci recipe check: Cannot read the configuration file ${missing}: ENOENT: no such file or directory, open '${missing}'`,
  );
});

test('ccci --help lists the recipe command', async (t) => {
  const result = await ccci('--help');
  t.true(result.stdout.includes('recipe check [<recipe>]'));
});
