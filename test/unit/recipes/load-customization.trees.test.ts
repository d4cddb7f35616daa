// loadCustomization and customizedRecipes on real trees on disk: operator tree, repo-local .ccci/ trust, load errors, freezing.
import test from 'ava';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseAllowlist, type Allowlist } from '../../../src/recipes/allowlist.js';
import type { HookContext } from '../../../src/recipes/schema.js';
import {
  CustomizationError,
  customizedRecipes,
  loadCustomization,
  type Customization,
  type LoadCustomizationOptions,
} from '../../../src/recipes/load-customization.js';
import { DEFAULT_META } from '../../helpers/customization.js';

const RECIPE = 'keycloak';
const NO_ALLOWLIST: Allowlist = { file: null, recipes: new Set(), notes: [] };

const DEFAULTS = DEFAULT_META;

/** A fresh root per test: Node caches imported modules per URL, so no two tests may share a file path. */
async function root(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'ccci-customization-'));
}

/** Writes files (paths relative to `base`) and returns `base`. */
async function writeTree(base: string, files: Readonly<Record<string, string>>): Promise<string> {
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(base, path)), { recursive: true });
    await writeFile(join(base, path), text);
  }
  return base;
}

function metaModule(body: string): string {
  return `import { defineMeta } from 'cc-ci/recipe';\nexport const meta = defineMeta(${body});\n`;
}

async function loadError(options: LoadCustomizationOptions): Promise<CustomizationError> {
  try {
    await loadCustomization(options);
  } catch (error) {
    if (error instanceof CustomizationError) return error;
    throw error;
  }
  throw new Error('test setup: expected loadCustomization to throw');
}

test('zero configuration: no tree gives the defaults and nothing else', async (t) => {
  const dir = await root();
  t.deepEqual(await loadCustomization({ customizationDir: dir, recipe: RECIPE, allowlist: NO_ALLOWLIST }), {
    recipe: RECIPE,
    treeDir: join(dir, RECIPE),
    meta: DEFAULTS,
    metaFile: null,
    ops: {},
    overlays: {},
    functionalTests: [],
    installSteps: null,
    composeOverlay: null,
    previousOverlays: [],
    repoLocal: { present: false, trusted: false, detail: 'the recipe repository has no .ccci/ tree' },
  });
});

test('an empty tree is zero configuration too', async (t) => {
  const dir = await root();
  await mkdir(join(dir, RECIPE));
  const customization = await loadCustomization({ customizationDir: dir, recipe: RECIPE, allowlist: NO_ALLOWLIST });
  t.deepEqual(customization.meta, DEFAULTS);
  t.is(customization.metaFile, null);
  t.deepEqual(customization.ops, {});
  t.deepEqual(customization.overlays, {});
});

test('a full operator tree: every part is found, sourced cc-ci, helpers beside tests are not tests', async (t) => {
  const dir = await root();
  const tree = join(dir, RECIPE);
  await writeTree(tree, {
    'meta.ts': metaModule(
      `{ HEALTH_PATH: '/health', HEALTH_OK: [200], DEPS: ['postgres'], EXTRA_ENV: (ctx) => ({ HOST: ctx.domain }), _note: 'private' }`,
    ),
    'ops.ts':
      'export async function preInstall(ctx) { await ctx.opState.write("seeded", true); }\nexport const preBackup = (ctx) => undefined;\nexport const _helper = (a, b) => a + b;\n',
    'tests/install.test.ts': '',
    'tests/backup.test.ts': '',
    'tests/helpers.ts': '',
    'tests/README.md': '',
    'custom/b.test.ts': '',
    'custom/a.test.ts': '',
    'custom/helper.ts': '',
    'install_steps.sh': 'echo hi\n',
    'compose.ccci.yml': 'services: {}\n',
    'previous/b.yaml': 'services: {}\n',
    'previous/a.yml': 'services: {}\n',
  });
  const customization = await loadCustomization({ customizationDir: dir, recipe: RECIPE, allowlist: NO_ALLOWLIST });
  t.is(customization.treeDir, tree);
  t.is(customization.metaFile, join(tree, 'meta.ts'));
  const { EXTRA_ENV, ...rest } = customization.meta;
  const { EXTRA_ENV: _defaultExtraEnv, ...otherDefaults } = DEFAULTS;
  t.deepEqual(rest, { ...otherDefaults, HEALTH_PATH: '/health', HEALTH_OK: [200], DEPS: ['postgres'] });
  t.false('_note' in customization.meta);
  t.is(typeof EXTRA_ENV, 'function');
  t.deepEqual(await (EXTRA_ENV as (ctx: HookContext) => unknown)({ domain: 'keyc-abcdef.ci.test' } as HookContext), {
    HOST: 'keyc-abcdef.ci.test',
  });
  t.deepEqual(Object.keys(customization.ops), ['preInstall', 'preBackup']);
  t.is(customization.ops.preInstall?.source, 'cc-ci');
  t.is(customization.ops.preInstall?.file, join(tree, 'ops.ts'));
  t.is(customization.ops.preInstall?.hook.name, 'preInstall');
  t.is(customization.ops.preBackup?.source, 'cc-ci');
  t.deepEqual(customization.overlays, {
    install: { file: join(tree, 'tests/install.test.ts'), source: 'cc-ci' },
    backup: { file: join(tree, 'tests/backup.test.ts'), source: 'cc-ci' },
  });
  t.deepEqual(customization.functionalTests, [
    { file: join(tree, 'custom/a.test.ts'), source: 'cc-ci' },
    { file: join(tree, 'custom/b.test.ts'), source: 'cc-ci' },
  ]);
  t.deepEqual(customization.installSteps, { file: join(tree, 'install_steps.sh'), source: 'cc-ci' });
  t.is(customization.composeOverlay, join(tree, 'compose.ccci.yml'));
  t.deepEqual(customization.previousOverlays, [join(tree, 'previous/a.yml'), join(tree, 'previous/b.yaml')]);
});

test('an ops hook from the tree runs with the ctx it is given', async (t) => {
  const dir = await root();
  await writeTree(join(dir, RECIPE), {
    'ops.ts': 'export async function preRestore(ctx) { await ctx.opState.write("restored", ctx.op); }\n',
  });
  const customization = await loadCustomization({ customizationDir: dir, recipe: RECIPE, allowlist: NO_ALLOWLIST });
  const written: [string, unknown][] = [];
  const ctx = {
    op: 'restore',
    opState: { read: async () => ({}), write: async (key: string, value: unknown) => void written.push([key, value]) },
  };
  await customization.ops.preRestore!.hook(ctx as unknown as HookContext);
  t.deepEqual(written, [['restored', 'restore']]);
});

test('a meta.ts without a `meta` export is an error naming the file and the fix', async (t) => {
  const dir = await root();
  await writeTree(join(dir, RECIPE), { 'meta.ts': 'export const settings = { HEALTH_PATH: "/" };\n' });
  const file = join(dir, RECIPE, 'meta.ts');
  const error = await loadError({ customizationDir: dir, recipe: RECIPE, allowlist: NO_ALLOWLIST });
  t.is(error.message, `${file} has no \`meta\` export; write: export const meta = defineMeta({ ... })`);
  t.is(error.code, 'bad-customization');
});

test('a meta.ts that throws at import is "Cannot load <file>: <message>"', async (t) => {
  const dir = await root();
  await writeTree(join(dir, RECIPE), { 'meta.ts': 'throw new Error("SMTP host unknown");\nexport const meta = {};\n' });
  const error = await loadError({ customizationDir: dir, recipe: RECIPE, allowlist: NO_ALLOWLIST });
  t.is(error.message, `Cannot load ${join(dir, RECIPE, 'meta.ts')}: SMTP host unknown`);
});

test('invalid meta in a real file names that file and the nearest key', async (t) => {
  const dir = await root();
  await writeTree(join(dir, RECIPE), { 'meta.ts': metaModule(`{ HEALTH_PATH: '/', READY_PROBES: { port: 1 } } as never`) });
  const error = await loadError({ customizationDir: dir, recipe: RECIPE, allowlist: NO_ALLOWLIST });
  t.is(error.message, `Invalid recipe meta in ${join(dir, RECIPE, 'meta.ts')}:\n- unknown key "READY_PROBES"; did you mean "READY_PROBE"?`);
});

test('a meta.ts hook of two parameters is rejected at load with the required signature', async (t) => {
  const dir = await root();
  await writeTree(join(dir, RECIPE), { 'meta.ts': 'export const meta = { BACKUP_VERIFY: (ctx, snapshot) => true };\n' });
  const error = await loadError({ customizationDir: dir, recipe: RECIPE, allowlist: NO_ALLOWLIST });
  t.is(
    error.message,
    `Invalid recipe meta in ${join(dir, RECIPE, 'meta.ts')}:\n- Invalid hook: BACKUP_VERIFY takes one parameter (ctx) but this function declares 2; required signature: BACKUP_VERIFY: (ctx) => boolean | Promise<boolean> at BACKUP_VERIFY`,
  );
});

test('ops.ts with an unknown export suggests the nearest hook name', async (t) => {
  const dir = await root();
  await writeTree(join(dir, RECIPE), { 'ops.ts': 'export function preBackUp(ctx) {}\n' });
  const error = await loadError({ customizationDir: dir, recipe: RECIPE, allowlist: NO_ALLOWLIST });
  t.is(error.message, `Invalid ops in ${join(dir, RECIPE, 'ops.ts')}:\n- unknown export "preBackUp"; did you mean "preBackup"?`);
});

test('ops.ts exporting a hook name that is not a function', async (t) => {
  const dir = await root();
  await writeTree(join(dir, RECIPE), { 'ops.ts': 'export const preInstall = { seed: true };\n' });
  const error = await loadError({ customizationDir: dir, recipe: RECIPE, allowlist: NO_ALLOWLIST });
  t.is(error.message, `Invalid ops in ${join(dir, RECIPE, 'ops.ts')}:\n- preInstall must be (ctx) => void | Promise<void>; got object`);
});

test('ops.ts hook of two parameters gets the required signature', async (t) => {
  const dir = await root();
  await writeTree(join(dir, RECIPE), { 'ops.ts': 'export async function preUpgrade(ctx, base) {}\n' });
  const error = await loadError({ customizationDir: dir, recipe: RECIPE, allowlist: NO_ALLOWLIST });
  t.is(
    error.message,
    `Invalid ops in ${join(dir, RECIPE, 'ops.ts')}:\n- preUpgrade must be (ctx) => void | Promise<void>; got a function of 2 parameters`,
  );
});

test('ops.ts: `_helper` exports are ignored whatever they are', async (t) => {
  const dir = await root();
  await writeTree(join(dir, RECIPE), {
    'ops.ts': 'export const _helper = (a, b, c) => a;\nexport const _config = 42;\nexport function preInstall() {}\n',
  });
  const customization = await loadCustomization({ customizationDir: dir, recipe: RECIPE, allowlist: NO_ALLOWLIST });
  t.deepEqual(Object.keys(customization.ops), ['preInstall']);
});

test('tests/smoke.test.ts is rejected, naming the valid ops and where functional tests go', async (t) => {
  const dir = await root();
  await writeTree(join(dir, RECIPE), { 'tests/smoke.test.ts': '' });
  const error = await loadError({ customizationDir: dir, recipe: RECIPE, allowlist: NO_ALLOWLIST });
  t.is(
    error.message,
    `${join(dir, RECIPE, 'tests/smoke.test.ts')}: overlays are named <op>.test.ts with op one of install, upgrade, backup, restore (functional tests belong in custom/)`,
  );
});

test('tests/instal.test.ts is rejected with "did you mean install.test.ts"', async (t) => {
  const dir = await root();
  await writeTree(join(dir, RECIPE), { 'tests/instal.test.ts': '' });
  const error = await loadError({ customizationDir: dir, recipe: RECIPE, allowlist: NO_ALLOWLIST });
  t.is(
    error.message,
    `${join(dir, RECIPE, 'tests/instal.test.ts')}: overlays are named <op>.test.ts with op one of install, upgrade, backup, restore; did you mean "install.test.ts"? (functional tests belong in custom/)`,
  );
});

test('a JavaScript test file in tests/ or custom/ is an error, not silently skipped', async (t) => {
  const dir = await root();
  await writeTree(join(dir, RECIPE), { 'tests/restore.test.js': '' });
  t.is(
    (await loadError({ customizationDir: dir, recipe: RECIPE, allowlist: NO_ALLOWLIST })).message,
    `${join(dir, RECIPE, 'tests')}: cc-ci runs only *.test.ts files (TypeScript, through tsx); rename restore.test.js to restore.test.ts`,
  );
  const other = await root();
  await writeTree(join(other, RECIPE), { 'custom/login.test.mjs': '', 'custom/helpers.mjs': '' });
  t.is(
    (await loadError({ customizationDir: other, recipe: RECIPE, allowlist: NO_ALLOWLIST })).message,
    `${join(other, RECIPE, 'custom')}: cc-ci runs only *.test.ts files (TypeScript, through tsx); rename login.test.mjs to login.test.ts`,
  );
});

const MIGRATION =
  'setup_custom_tests.sh is no longer supported: cc-ci wires everything at install time, before the single deploy. ' +
  'Move env and secret wiring into install_steps.sh (it runs after `abra app new` and before the first deploy, with CCCI_DEPS_FILE), ' +
  'declare the services it provisioned in meta.ts as DEPS, and delete setup_custom_tests.sh.';

test('setup_custom_tests.sh is a load error with the migration path (install_steps.sh, DEPS)', async (t) => {
  const dir = await root();
  await writeTree(join(dir, RECIPE), { 'setup_custom_tests.sh': 'echo legacy\n' });
  const error = await loadError({ customizationDir: dir, recipe: RECIPE, allowlist: NO_ALLOWLIST });
  t.is(error.message, `${join(dir, RECIPE, 'setup_custom_tests.sh')}: ${MIGRATION}`);
  t.true(error.message.includes('install_steps.sh'));
  t.true(error.message.includes('DEPS'));
});

test('previous/ holds *.yml only: a README.md there is an error', async (t) => {
  const dir = await root();
  await writeTree(join(dir, RECIPE), { 'previous/a.yml': 'services: {}\n', 'previous/README.md': 'why\n' });
  const error = await loadError({ customizationDir: dir, recipe: RECIPE, allowlist: NO_ALLOWLIST });
  t.is(
    error.message,
    `${join(dir, RECIPE, 'previous')} holds compose overlays only (*.yml); not one: ${join(dir, RECIPE, 'previous/README.md')}`,
  );
});

/** An operator tree and a repo-local .ccci/ tree that both customize the same things. */
async function operatorAndRepoLocal(): Promise<{ dir: string; tree: string; local: string }> {
  const dir = await root();
  const tree = await writeTree(join(dir, 'operator', RECIPE), {
    'meta.ts': metaModule(`{ HEALTH_PATH: '/operator' }`),
    'ops.ts': 'export function preInstall(ctx) {}\nexport function preBackup(ctx) {}\n',
    'tests/install.test.ts': '',
    'tests/upgrade.test.ts': '',
    'custom/operator.test.ts': '',
    'install_steps.sh': 'echo operator\n',
  });
  const local = await writeTree(join(dir, 'repo', '.ccci'), {
    // never read: meta comes from the operator tree only
    'meta.ts': 'throw new Error("repo-local meta.ts must never be imported");\n',
    'ops.ts': 'export function preInstall(ctx) {}\nexport function preRestore(ctx) {}\n',
    'tests/install.test.ts': '',
    'tests/restore.test.ts': '',
    'custom/local.test.ts': '',
    'install_steps.sh': 'echo repo-local\n',
  });
  return { dir, tree, local };
}

test('untrusted repo-local tree (allowlist without the recipe): reported, none of its code or tests appear', async (t) => {
  const { dir, tree, local } = await operatorAndRepoLocal();
  const allowlistFile = join(dir, 'allowlist');
  const customization = await loadCustomization({
    customizationDir: join(dir, 'operator'),
    recipe: RECIPE,
    repoLocalDir: local,
    allowlist: parseAllowlist('other-recipe\n', allowlistFile),
  });
  t.deepEqual(customization.repoLocal, {
    present: true,
    trusted: false,
    detail: `not run: ${RECIPE} is not on the allowlist ${allowlistFile}`,
  });
  t.true(customization.repoLocal.detail.includes('allowlist'));
  t.deepEqual(Object.fromEntries(Object.entries(customization.ops).map(([name, hook]) => [name, hook!.source])), {
    preInstall: 'cc-ci',
    preBackup: 'cc-ci',
  });
  t.deepEqual(customization.overlays, {
    install: { file: join(tree, 'tests/install.test.ts'), source: 'cc-ci' },
    upgrade: { file: join(tree, 'tests/upgrade.test.ts'), source: 'cc-ci' },
  });
  t.deepEqual(customization.functionalTests, [{ file: join(tree, 'custom/operator.test.ts'), source: 'cc-ci' }]);
  t.deepEqual(customization.installSteps, { file: join(tree, 'install_steps.sh'), source: 'cc-ci' });
  t.is(customization.meta.HEALTH_PATH, '/operator');
});

test('untrusted repo-local code is never even imported: a throwing ops.ts and a setup_custom_tests.sh there change nothing', async (t) => {
  const dir = await root();
  const local = await writeTree(join(dir, 'repo', '.ccci'), {
    'ops.ts': 'throw new Error("untrusted ops.ts was imported");\n',
    'setup_custom_tests.sh': 'echo legacy\n',
    'tests/smoke.test.ts': '',
  });
  const customization = await loadCustomization({
    customizationDir: join(dir, 'operator'),
    recipe: RECIPE,
    repoLocalDir: local,
    allowlist: NO_ALLOWLIST,
  });
  t.deepEqual(customization.repoLocal, {
    present: true,
    trusted: false,
    detail: 'not run: no allowlist is configured (repoLocalAllowlist)',
  });
  t.deepEqual(customization.ops, {});
  t.deepEqual(customization.functionalTests, []);
});

test("trusted repo-local tree: its custom tests are added, its overlay, ops hook and install_steps.sh win; meta stays the operator's", async (t) => {
  const { dir, tree, local } = await operatorAndRepoLocal();
  const allowlistFile = join(dir, 'allowlist');
  const customization = await loadCustomization({
    customizationDir: join(dir, 'operator'),
    recipe: RECIPE,
    repoLocalDir: local,
    allowlist: parseAllowlist(`# trusted\n${RECIPE}\n`, allowlistFile),
  });
  t.deepEqual(customization.repoLocal, { present: true, trusted: true, detail: `${RECIPE} is on the allowlist ${allowlistFile}` });
  t.is(customization.meta.HEALTH_PATH, '/operator');
  t.is(customization.metaFile, join(tree, 'meta.ts'));
  t.deepEqual(Object.fromEntries(Object.entries(customization.ops).map(([name, hook]) => [name, [hook!.source, hook!.file]])), {
    preInstall: ['repo-local', join(local, 'ops.ts')],
    preBackup: ['cc-ci', join(tree, 'ops.ts')],
    preRestore: ['repo-local', join(local, 'ops.ts')],
  });
  t.deepEqual(customization.overlays, {
    install: { file: join(local, 'tests/install.test.ts'), source: 'repo-local' },
    upgrade: { file: join(tree, 'tests/upgrade.test.ts'), source: 'cc-ci' },
    restore: { file: join(local, 'tests/restore.test.ts'), source: 'repo-local' },
  });
  t.deepEqual(customization.functionalTests, [
    { file: join(tree, 'custom/operator.test.ts'), source: 'cc-ci' },
    { file: join(local, 'custom/local.test.ts'), source: 'repo-local' },
  ]);
  t.deepEqual(customization.installSteps, { file: join(local, 'install_steps.sh'), source: 'repo-local' });
});

test("trusted repo-local tree without install_steps.sh keeps the operator's", async (t) => {
  const dir = await root();
  const tree = await writeTree(join(dir, 'operator', RECIPE), { 'install_steps.sh': 'echo operator\n' });
  const local = await writeTree(join(dir, 'repo', '.ccci'), { 'custom/x.test.ts': '' });
  const customization = await loadCustomization({
    customizationDir: join(dir, 'operator'),
    recipe: RECIPE,
    repoLocalDir: local,
    allowlist: parseAllowlist(RECIPE, join(dir, 'allow')),
  });
  t.deepEqual(customization.installSteps, { file: join(tree, 'install_steps.sh'), source: 'cc-ci' });
  t.deepEqual(customization.functionalTests, [{ file: join(local, 'custom/x.test.ts'), source: 'repo-local' }]);
});

test("trusted repo-local tree is checked like the operator's: its setup_custom_tests.sh is the same migration error", async (t) => {
  const dir = await root();
  const local = await writeTree(join(dir, 'repo', '.ccci'), { 'setup_custom_tests.sh': 'echo legacy\n' });
  const error = await loadError({
    customizationDir: join(dir, 'operator'),
    recipe: RECIPE,
    repoLocalDir: local,
    allowlist: parseAllowlist(RECIPE, join(dir, 'allow')),
  });
  t.is(error.message, `${join(local, 'setup_custom_tests.sh')}: ${MIGRATION}`);
});

test('the result is deeply frozen', async (t) => {
  const { dir, local } = await operatorAndRepoLocal();
  const customization: Customization = await loadCustomization({
    customizationDir: join(dir, 'operator'),
    recipe: RECIPE,
    repoLocalDir: local,
    allowlist: parseAllowlist(RECIPE, join(dir, 'allow')),
  });
  for (const value of [
    customization,
    customization.meta,
    customization.meta.HEALTH_OK,
    customization.meta.EXTRA_ENV,
    customization.meta.DEPS,
    customization.meta.TIMEOUTS,
    customization.ops,
    customization.ops.preInstall,
    customization.overlays,
    customization.overlays.install,
    customization.functionalTests,
    customization.functionalTests[0],
    customization.installSteps,
    customization.previousOverlays,
    customization.repoLocal,
  ]) {
    t.true(Object.isFrozen(value));
  }
  t.throws(
    () => {
      (customization.meta.HEALTH_OK as number[]).push(404);
    },
    { instanceOf: TypeError },
  );
});

test('customizedRecipes lists directories only, sorted, skipping dot-directories', async (t) => {
  const dir = await root();
  await writeTree(dir, {
    'wordpress/meta.ts': '',
    'authentik/.keep': '',
    'keycloak/ops.ts': '',
    '.git/HEAD': '',
    '.cache/x': '',
    'README.md': '',
    'notes.txt': '',
  });
  t.deepEqual(await customizedRecipes(dir), ['authentik', 'keycloak', 'wordpress']);
});

test('customizedRecipes of a missing directory is empty', async (t) => {
  t.deepEqual(await customizedRecipes(join(await root(), 'absent')), []);
});
