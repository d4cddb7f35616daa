// The customization manifest: non-default keys only, hooks and secrets masked, ops/overlays/tests by source, untrusted code never listed.
import test from 'ava';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseAllowlist } from '../../../src/recipes/allowlist.js';
import { secret, type OpHook } from '../../../src/recipes/schema.js';
import { loadCustomization, parseMeta, type Customization } from '../../../src/recipes/load-customization.js';
import { customizationManifest, formatManifest } from '../../../src/recipes/manifest.js';
import { zeroCustomization } from '../../helpers/customization.js';

const META_FILE = '/etc/cc-ci/recipes/keycloak/meta.ts';
const ALL_GENERIC = { install: ['generic'], upgrade: ['generic'], backup: ['generic'], restore: ['generic'] };

function withMeta(raw: Record<string, unknown>): Customization {
  return { ...zeroCustomization('keycloak'), meta: parseMeta(raw, META_FILE), metaFile: META_FILE };
}

test('zero configuration: no keys, no code, generic overlays only', (t) => {
  t.deepEqual(customizationManifest(zeroCustomization('keycloak')), {
    recipe: 'keycloak',
    tree: '/customization/keycloak',
    metaFile: null,
    nonDefaultKeys: {},
    ops: {},
    installSteps: null,
    composeOverlay: false,
    previousOverlays: 0,
    overlays: ALL_GENERIC,
    functionalTests: { 'cc-ci': 0, 'repo-local': 0 },
    repoLocal: { present: false, trusted: false, detail: 'the recipe repository has no .ccci/ tree' },
  });
});

test('only keys that differ from their default are listed; a default given explicitly is not', (t) => {
  const manifest = customizationManifest(
    withMeta({ HEALTH_PATH: '/health', HEALTH_OK: [200, 301, 302], DEPLOY_TIMEOUT: 600, DEPS: ['postgres'], TIMEOUTS: { install: 60 } }),
  );
  t.deepEqual(manifest.nonDefaultKeys, { HEALTH_PATH: '/health', DEPS: ['postgres'], TIMEOUTS: { install: 60 } });
  t.is(manifest.metaFile, META_FILE);
});

test('function values are shown as "hook (ctx)", never as source', (t) => {
  const manifest = customizationManifest(
    withMeta({
      EXTRA_ENV: (_ctx: unknown) => ({ SECRET: 'from-hook' }),
      READY_PROBE: () => true,
      BACKUP_VERIFY: (_ctx: unknown) => true,
    }),
  );
  t.deepEqual(manifest.nonDefaultKeys, { EXTRA_ENV: 'hook (ctx)', READY_PROBE: 'hook (ctx)', BACKUP_VERIFY: 'hook (ctx)' });
});

test('secret-looking env names are masked, the rest kept', (t) => {
  const manifest = customizationManifest(
    withMeta({
      EXTRA_ENV: { DB_PASSWORD: 'x', SECRET_KEY_BASE: 'y', PLAIN: 'z', API_KEY: 'k', GITHUB_TOKEN: 't', KEYCLOAK_URL: 'https://kc' },
      UPGRADE_EXTRA_ENV: { ADMIN_CREDENTIALS: 'c', MIGRATE: '1' },
    }),
  );
  t.deepEqual(manifest.nonDefaultKeys, {
    EXTRA_ENV: { DB_PASSWORD: '***', SECRET_KEY_BASE: '***', PLAIN: 'z', API_KEY: '***', GITHUB_TOKEN: '***', KEYCLOAK_URL: 'https://kc' },
    UPGRADE_EXTRA_ENV: { ADMIN_CREDENTIALS: '***', MIGRATE: '1' },
  });
  const printed = formatManifest(manifest).join('\n');
  for (const secret of ['"x"', '"y"', '"k"', '"t"', '"c"']) t.false(printed.includes(secret));
});

test('probes are shown as values, with their defaults', (t) => {
  const manifest = customizationManifest(withMeta({ READY_PROBE: [{ path: '/ready' }, { port: 5432 }] }));
  t.deepEqual(manifest.nonDefaultKeys, { READY_PROBE: [{ path: '/ready' }, { host: '127.0.0.1', port: 5432, stable: 1 }] });
});

test('ops by source, overlays per op, functional test counts per source, install steps, compose and previous overlays', (t) => {
  const hook: OpHook = () => undefined;
  const customization: Customization = {
    ...zeroCustomization('keycloak'),
    ops: {
      preInstall: { hook, file: '/r/.ccci/ops.ts', source: 'repo-local' },
      preBackup: { hook, file: '/customization/keycloak/ops.ts', source: 'cc-ci' },
    },
    overlays: {
      install: { file: '/r/.ccci/tests/install.test.ts', source: 'repo-local' },
      restore: { file: '/customization/keycloak/tests/restore.test.ts', source: 'cc-ci' },
    },
    functionalTests: [
      { file: '/customization/keycloak/custom/a.test.ts', source: 'cc-ci' },
      { file: '/customization/keycloak/custom/b.test.ts', source: 'cc-ci' },
      { file: '/r/.ccci/custom/c.test.ts', source: 'repo-local' },
    ],
    installSteps: { file: '/r/.ccci/install_steps.sh', source: 'repo-local' },
    composeOverlay: '/customization/keycloak/compose.ccci.yml',
    previousOverlays: ['/customization/keycloak/previous/a.yml', '/customization/keycloak/previous/b.yml'],
    repoLocal: { present: true, trusted: true, detail: 'keycloak is on the allowlist /etc/cc-ci/allowlist' },
  };
  const manifest = customizationManifest(customization);
  t.deepEqual(manifest.ops, { preInstall: 'repo-local', preBackup: 'cc-ci' });
  t.deepEqual(manifest.overlays, {
    install: ['generic', 'repo-local'],
    upgrade: ['generic'],
    backup: ['generic'],
    restore: ['generic', 'cc-ci'],
  });
  t.deepEqual(manifest.functionalTests, { 'cc-ci': 2, 'repo-local': 1 });
  t.is(manifest.installSteps, 'repo-local');
  t.is(manifest.composeOverlay, true);
  t.is(manifest.previousOverlays, 2);
  t.deepEqual(manifest.repoLocal, { present: true, trusted: true, detail: 'keycloak is on the allowlist /etc/cc-ci/allowlist' });
});

test('hooks and overlays of ops the run will not perform are marked "not run" with the reason', (t) => {
  const hook: OpHook = () => undefined;
  const customization: Customization = {
    ...zeroCustomization('keycloak'),
    ops: {
      preUpgrade: { hook, file: '/customization/keycloak/ops.ts', source: 'cc-ci' },
      preBackup: { hook, file: '/customization/keycloak/ops.ts', source: 'cc-ci' },
      preInstall: { hook, file: '/customization/keycloak/ops.ts', source: 'cc-ci' },
    },
    overlays: { upgrade: { file: '/customization/keycloak/tests/upgrade.test.ts', source: 'cc-ci' } },
  };
  const manifest = customizationManifest(customization, {
    upgrade: 'no predecessor',
    backup: 'not backup-capable',
    restore: 'not backup-capable',
  });
  t.deepEqual(manifest.ops, {
    preInstall: 'cc-ci',
    preUpgrade: 'cc-ci (not run: no predecessor)',
    preBackup: 'cc-ci (not run: not backup-capable)',
  });
  t.deepEqual(manifest.overlays, {
    install: ['generic'],
    upgrade: 'not run: no predecessor',
    backup: 'not run: not backup-capable',
    restore: 'not run: not backup-capable',
  });
});

test('formatManifest prints one indented line per entry: strings as they are, the rest as JSON', (t) => {
  const manifest = customizationManifest(withMeta({ HEALTH_PATH: '/health', EXTRA_ENV: { DB_PASSWORD: 'x' } }));
  t.deepEqual(formatManifest(manifest), [
    '  recipe: keycloak',
    '  tree: /customization/keycloak',
    `  metaFile: ${META_FILE}`,
    '  nonDefaultKeys: {"HEALTH_PATH":"/health","EXTRA_ENV":{"DB_PASSWORD":"***"}}',
    '  ops: {}',
    '  installSteps: null',
    '  composeOverlay: false',
    '  previousOverlays: 0',
    '  overlays: {"install":["generic"],"upgrade":["generic"],"backup":["generic"],"restore":["generic"]}',
    '  functionalTests: {"cc-ci":0,"repo-local":0}',
    '  repoLocal: {"present":false,"trusted":false,"detail":"the recipe repository has no .ccci/ tree"}',
  ]);
});

test('loaded from real trees: untrusted repo-local code does not appear in the manifest, only its status', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'ccci-manifest-'));
  const files: Record<string, string> = {
    'operator/keycloak/ops.ts': 'export function preBackup(ctx) {}\n',
    'operator/keycloak/custom/operator.test.ts': '',
    'repo/.ccci/ops.ts': 'export function preInstall(ctx) {}\n',
    'repo/.ccci/tests/install.test.ts': '',
    'repo/.ccci/custom/local.test.ts': '',
    'repo/.ccci/install_steps.sh': 'echo hi\n',
  };
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  const options = { customizationDir: join(dir, 'operator'), recipe: 'keycloak', repoLocalDir: join(dir, 'repo/.ccci') };
  const untrusted = customizationManifest(
    await loadCustomization({ ...options, allowlist: parseAllowlist('wordpress\n', join(dir, 'allowlist')) }),
  );
  t.deepEqual(untrusted.ops, { preBackup: 'cc-ci' });
  t.deepEqual(untrusted.overlays, ALL_GENERIC);
  t.deepEqual(untrusted.functionalTests, { 'cc-ci': 1, 'repo-local': 0 });
  t.is(untrusted.installSteps, null);
  t.deepEqual(untrusted.repoLocal, {
    present: true,
    trusted: false,
    detail: `not run: keycloak is not on the allowlist ${join(dir, 'allowlist')}`,
  });
  t.false(formatManifest(untrusted).join('\n').includes('"repo-local":1'));

  const trusted = customizationManifest(
    await loadCustomization({ ...options, allowlist: parseAllowlist('keycloak\n', join(dir, 'allowlist')) }),
  );
  t.deepEqual(trusted.ops, { preInstall: 'repo-local', preBackup: 'cc-ci' });
  t.deepEqual(trusted.overlays, { ...ALL_GENERIC, install: ['generic', 'repo-local'] });
  t.deepEqual(trusted.functionalTests, { 'cc-ci': 1, 'repo-local': 1 });
  t.is(trusted.installSteps, 'repo-local');
});

test('values marked secret(…) are shown as secret, under any name, and never appear in the printed manifest', (t) => {
  const value = 'greeting-that-is-secret';
  const manifest = customizationManifest(withMeta({ EXTRA_ENV: { GREETING: secret(value), SMTP_FROM: secret({ file: 'smtp-from' }) } }));
  t.deepEqual(manifest.nonDefaultKeys, {
    EXTRA_ENV: { GREETING: 'secret (masked)', SMTP_FROM: 'secret (file smtp-from of the secrets dir)' },
  });
  t.false(formatManifest(manifest).join('\n').includes(value));
});
