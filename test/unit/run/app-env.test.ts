// Env shaping: EXTRA_ENV / UPGRADE_EXTRA_ENV values and hooks, COMPOSE_FILE overlays and previous/ overlays on real files.
import test from 'ava';
import { mkdir, mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  addComposeFiles,
  applyComposeOverlay,
  applyPreviousOverlays,
  previousOverlayName,
  removeComposeFiles,
  removePreviousOverlays,
  resolveEnvValues,
} from '../../../src/run/app-env.js';
import { HookError } from '../../../src/run/hook-calls.js';
import { redactor } from '../../../src/io/redact.js';
import { editEnvFile, readEnvFile } from '../../../src/io/env-file.js';
import { secret, type HookContext } from '../../../src/recipes/schema.js';
import { loadCustomization, parseMeta } from '../../../src/recipes/load-customization.js';

const FILE = '/etc/cc-ci/recipes/keycloak/meta.ts';
const live = (): AbortSignal => new AbortController().signal;
const noCtx = async (): Promise<HookContext> => {
  throw new Error('makeCtx must not be called for plain values');
};
const ctxOf = (fields: Partial<HookContext>) => async () => fields as HookContext;

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'ccci-app-env-'));
}

/** An app env file as abra writes it, plus a recipe checkout dir. */
async function appFiles(envText: string): Promise<{ envFile: string; recipeDir: string; dir: string }> {
  const dir = await tempDir();
  const envFile = join(dir, 'keyc-abcdef.ci.test.env');
  const recipeDir = join(dir, 'recipe');
  await mkdir(recipeDir);
  await writeFile(envFile, envText);
  return { envFile, recipeDir, dir };
}

test('plain EXTRA_ENV values are returned as a copy, without a ctx', async (t) => {
  const meta = parseMeta({ EXTRA_ENV: { SMTP_HOST: 'mail.test' } }, FILE);
  const values = await resolveEnvValues('EXTRA_ENV', meta, noCtx, live(), undefined);
  t.deepEqual(values, { SMTP_HOST: 'mail.test' });
  t.not(values, meta.EXTRA_ENV);
  t.deepEqual(await resolveEnvValues('UPGRADE_EXTRA_ENV', meta, noCtx, live(), undefined), {});
});

test('an EXTRA_ENV hook is called with the ctx makeCtx gives', async (t) => {
  const seen: HookContext[] = [];
  const meta = parseMeta(
    {
      EXTRA_ENV: (ctx: HookContext) => {
        seen.push(ctx);
        return { APP_URL: `https://${ctx.domain}`, OP: ctx.op };
      },
    },
    FILE,
  );
  const ctx = { domain: 'keyc-abcdef.ci.test', op: 'install' } as HookContext;
  t.deepEqual(await resolveEnvValues('EXTRA_ENV', meta, async () => ctx, live(), undefined), {
    APP_URL: 'https://keyc-abcdef.ci.test',
    OP: 'install',
  });
  t.is(seen.length, 1);
  t.is(seen[0], ctx);
});

test('an async UPGRADE_EXTRA_ENV hook is awaited', async (t) => {
  const meta = parseMeta({ UPGRADE_EXTRA_ENV: async (ctx: HookContext) => ({ MIGRATE_FROM: ctx.op }) }, FILE);
  t.deepEqual(await resolveEnvValues('UPGRADE_EXTRA_ENV', meta, ctxOf({ op: 'upgrade' }), live(), undefined), { MIGRATE_FROM: 'upgrade' });
});

test('a hook answering non-strings is a HookError naming the key and what it returned', async (t) => {
  const meta = parseMeta({ EXTRA_ENV: () => ({ PORT: 8080 }) }, FILE);
  const error = await t.throwsAsync(resolveEnvValues('EXTRA_ENV', meta, ctxOf({}), live(), undefined), { instanceOf: HookError });
  t.is(
    error.message,
    'EXTRA_ENV failed: returned {"PORT":8080}; expected an object of strings or secret(…) values (Record<string, string | secret(…)>)',
  );
});

test('a hook answering a bad variable name or nothing is a HookError too', async (t) => {
  const badName = parseMeta({ UPGRADE_EXTRA_ENV: () => ({ 'NOT-A-NAME': 'x' }) }, FILE);
  t.is(
    (await t.throwsAsync(resolveEnvValues('UPGRADE_EXTRA_ENV', badName, ctxOf({}), live(), undefined), { instanceOf: HookError })).message,
    'UPGRADE_EXTRA_ENV failed: returned {"NOT-A-NAME":"x"}; expected an object of strings or secret(…) values (Record<string, string | secret(…)>)',
  );
  const nothing = parseMeta({ EXTRA_ENV: () => undefined }, FILE);
  t.is(
    (await t.throwsAsync(resolveEnvValues('EXTRA_ENV', nothing, ctxOf({}), live(), undefined), { instanceOf: HookError })).message,
    'EXTRA_ENV failed: returned undefined; expected an object of strings or secret(…) values (Record<string, string | secret(…)>)',
  );
});

test('a hook that throws is a HookError with its message', async (t) => {
  const meta = parseMeta(
    {
      EXTRA_ENV: () => {
        throw new Error('no SMTP relay configured');
      },
    },
    FILE,
  );
  const error = await t.throwsAsync(resolveEnvValues('EXTRA_ENV', meta, ctxOf({}), live(), undefined), { instanceOf: HookError });
  t.is(error.message, 'EXTRA_ENV failed: no SMTP relay configured');
});

test('EXTRA_ENV as a ctx hook in a real meta.ts reaches the app env file through the real load path', async (t) => {
  const dir = await tempDir();
  await mkdir(join(dir, 'recipes', 'keycloak'), { recursive: true });
  await writeFile(
    join(dir, 'recipes', 'keycloak', 'meta.ts'),
    `import { defineMeta } from 'cc-ci/recipe';\n` +
      'export const meta = defineMeta({\n' +
      '  EXTRA_ENV: async (ctx) => ({ APP_URL: `https://${ctx.domain}/`, KC_DB_URL: `jdbc:postgresql://${ctx.deps.postgres.domain}/kc`, NOTE: "two words" }),\n' +
      '  UPGRADE_EXTRA_ENV: { KC_FEATURES: "preview" },\n' +
      '});\n',
  );
  const { meta } = await loadCustomization({
    customizationDir: join(dir, 'recipes'),
    recipe: 'keycloak',
    allowlist: { file: null, recipes: new Set(), notes: [] },
  });
  const { envFile } = await appFiles('TYPE=keycloak\n# a comment\nDOMAIN=keyc-abcdef.ci.test\nLETS_ENCRYPT_ENV=production\n');
  const ctx = { domain: 'keyc-abcdef.ci.test', deps: { postgres: { domain: 'post-123456.ci.test' } } } as unknown as HookContext;
  await editEnvFile(envFile, { LETS_ENCRYPT_ENV: '', ...(await resolveEnvValues('EXTRA_ENV', meta, async () => ctx, live(), undefined)) });
  t.is(
    await readFile(envFile, 'utf8'),
    'TYPE=keycloak\n# a comment\nDOMAIN=keyc-abcdef.ci.test\nLETS_ENCRYPT_ENV=\n' +
      'APP_URL=https://keyc-abcdef.ci.test/\nKC_DB_URL=jdbc:postgresql://post-123456.ci.test/kc\nNOTE="two words"\n',
  );
  // the head deploy: UPGRADE_EXTRA_ENV after EXTRA_ENV
  await editEnvFile(envFile, {
    ...(await resolveEnvValues('EXTRA_ENV', meta, async () => ctx, live(), undefined)),
    ...(await resolveEnvValues('UPGRADE_EXTRA_ENV', meta, noCtx, live(), undefined)),
  });
  const env = await readEnvFile(envFile);
  t.is(env.get('NOTE'), 'two words');
  t.is(env.get('KC_FEATURES'), 'preview');
  t.is(env.get('APP_URL'), 'https://keyc-abcdef.ci.test/');
});

test('addComposeFiles: COMPOSE_FILE defaults to compose.yml when absent; other lines are kept', async (t) => {
  const { envFile } = await appFiles('TYPE=keycloak\nDOMAIN=keyc-abcdef.ci.test\n');
  await addComposeFiles(envFile, ['compose.ccci.yml']);
  t.is(await readFile(envFile, 'utf8'), 'TYPE=keycloak\nDOMAIN=keyc-abcdef.ci.test\nCOMPOSE_FILE=compose.yml:compose.ccci.yml\n');
});

test("addComposeFiles: appends after the recipe's own files, each file once however often it is added", async (t) => {
  const { envFile } = await appFiles('COMPOSE_FILE="compose.yml:compose.smtp.yml"\nTYPE=keycloak\n');
  await addComposeFiles(envFile, ['compose.ccci.yml']);
  await addComposeFiles(envFile, ['compose.ccci.yml']);
  await addComposeFiles(envFile, ['ccci-previous.a.yml', 'compose.ccci.yml']);
  t.is((await readEnvFile(envFile)).get('COMPOSE_FILE'), 'compose.yml:compose.smtp.yml:ccci-previous.a.yml:compose.ccci.yml');
  t.is(await readFile(envFile, 'utf8'), 'COMPOSE_FILE=compose.yml:compose.smtp.yml:ccci-previous.a.yml:compose.ccci.yml\nTYPE=keycloak\n');
});

test('removeComposeFiles removes exactly the named files', async (t) => {
  const { envFile } = await appFiles('COMPOSE_FILE=compose.yml:compose.smtp.yml:compose.ccci.yml\n');
  await removeComposeFiles(envFile, ['compose.ccci.yml', 'not-there.yml']);
  t.is((await readEnvFile(envFile)).get('COMPOSE_FILE'), 'compose.yml:compose.smtp.yml');
});

test('applyComposeOverlay copies the overlay into the checkout as compose.ccci.yml and adds it', async (t) => {
  const { envFile, recipeDir, dir } = await appFiles('TYPE=keycloak\n');
  const overlay = join(dir, 'operator-compose.ccci.yml');
  await writeFile(overlay, 'services:\n  app:\n    stop_grace_period: 1s\n');
  await applyComposeOverlay(overlay, recipeDir, envFile);
  t.is(await readFile(join(recipeDir, 'compose.ccci.yml'), 'utf8'), 'services:\n  app:\n    stop_grace_period: 1s\n');
  t.is((await readEnvFile(envFile)).get('COMPOSE_FILE'), 'compose.yml:compose.ccci.yml');
});

test('previous/ overlays are copied in as ccci-previous.<name>, added, then removed from COMPOSE_FILE and the checkout', async (t) => {
  const { envFile, recipeDir, dir } = await appFiles('COMPOSE_FILE=compose.yml:compose.ccci.yml\n');
  await mkdir(join(dir, 'previous'));
  const overlays = [join(dir, 'previous', 'a.yml'), join(dir, 'previous', 'compose.yml')];
  await writeFile(overlays[0]!, 'a: 1\n');
  await writeFile(overlays[1]!, 'b: 2\n');
  await writeFile(join(recipeDir, 'compose.yml'), "the recipe's own\n");
  t.is(previousOverlayName(overlays[1]!), 'ccci-previous.compose.yml');

  await applyPreviousOverlays(overlays, recipeDir, envFile);
  t.deepEqual((await readdir(recipeDir)).sort(), ['ccci-previous.a.yml', 'ccci-previous.compose.yml', 'compose.yml']);
  t.is(await readFile(join(recipeDir, 'ccci-previous.a.yml'), 'utf8'), 'a: 1\n');
  t.is(await readFile(join(recipeDir, 'ccci-previous.compose.yml'), 'utf8'), 'b: 2\n');
  t.is(await readFile(join(recipeDir, 'compose.yml'), 'utf8'), "the recipe's own\n");
  t.is((await readEnvFile(envFile)).get('COMPOSE_FILE'), 'compose.yml:compose.ccci.yml:ccci-previous.a.yml:ccci-previous.compose.yml');

  await removePreviousOverlays(overlays, recipeDir, envFile);
  t.deepEqual(await readdir(recipeDir), ['compose.yml']);
  t.is((await readEnvFile(envFile)).get('COMPOSE_FILE'), 'compose.yml:compose.ccci.yml');
});

test('no previous/ overlays: apply and remove leave the env file untouched', async (t) => {
  const { envFile, recipeDir } = await appFiles('TYPE=keycloak\n');
  await applyPreviousOverlays([], recipeDir, envFile);
  await removePreviousOverlays([], recipeDir, envFile);
  t.is(await readFile(envFile, 'utf8'), 'TYPE=keycloak\n');
});

test('removePreviousOverlays without an env file still removes the copied files', async (t) => {
  const { recipeDir, dir } = await appFiles('');
  const overlay = join(dir, 'a.yml');
  await writeFile(overlay, 'a: 1\n');
  await writeFile(join(recipeDir, 'ccci-previous.a.yml'), 'a: 1\n');
  await removePreviousOverlays([overlay], recipeDir, join(dir, 'absent.env'));
  t.deepEqual(await readdir(recipeDir), []);
});

test('an EXTRA_ENV hook that never answers fails after HTTP_TIMEOUT', async (t) => {
  const meta = parseMeta({ HTTP_TIMEOUT: 0.2, EXTRA_ENV: () => new Promise<Record<string, string>>(() => undefined) }, FILE);
  const error = await t.throwsAsync(resolveEnvValues('EXTRA_ENV', meta, ctxOf({}), live(), undefined), { instanceOf: HookError });
  t.is(error.message, 'EXTRA_ENV failed: did not answer within HTTP_TIMEOUT 0.2s');
});

test('values under secret-looking names are registered with the redactor', async (t) => {
  const secret = `pw-${Date.now()}-registered`;
  const meta = parseMeta({ EXTRA_ENV: { SMTP_PASS: secret, MODE: 'ci-mode-value' } }, FILE);
  await resolveEnvValues('EXTRA_ENV', meta, ctxOf({}), live(), undefined);
  t.is(redactor.redact(`pass=${secret} mode=ci-mode-value`), 'pass=[REDACTED] mode=ci-mode-value');
});

test('secret(value) is written as its value and masked from then on; the manifest never shows it', async (t) => {
  const value = `marked-${Date.now()}-value`;
  const meta = parseMeta({ EXTRA_ENV: { GREETING: secret(value), MODE: 'plain-mode' } }, FILE);
  t.deepEqual(await resolveEnvValues('EXTRA_ENV', meta, ctxOf({}), live(), undefined), { GREETING: value, MODE: 'plain-mode' });
  t.is(redactor.redact(`greeting=${value}`), 'greeting=[REDACTED]');
});

test('secret({ file }) reads the file of the secrets dir, trimmed, and masks it', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'ccci-secrets-'));
  const value = `from-file-${Date.now()}`;
  await writeFile(join(dir, 'smtp-password'), `${value}\n`);
  const meta = parseMeta({ EXTRA_ENV: () => ({ SMTP_SECRET: secret({ file: 'smtp-password' }) }) }, FILE);
  t.deepEqual(await resolveEnvValues('EXTRA_ENV', meta, ctxOf({}), live(), dir), { SMTP_SECRET: value });
  t.is(redactor.redact(value), '[REDACTED]');
});

test('secret({ file }) without a secrets dir, of a missing file, or too short says what is wrong', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'ccci-secrets-'));
  await writeFile(join(dir, 'short'), 'abc\n');
  const byFile = (file: string) => parseMeta({ EXTRA_ENV: { X: secret({ file }) } }, FILE);
  t.is(
    (await t.throwsAsync(resolveEnvValues('EXTRA_ENV', byFile('smtp'), ctxOf({}), live(), undefined))).message,
    'secret({ file: "smtp" }) needs secretsDir in the configuration, and none is set',
  );
  t.regex(
    (await t.throwsAsync(resolveEnvValues('EXTRA_ENV', byFile('absent'), ctxOf({}), live(), dir))).message,
    /^secret\(\{ file: "absent" \}\): cannot read .*\/absent: ENOENT/,
  );
  t.is(
    (await t.throwsAsync(resolveEnvValues('EXTRA_ENV', byFile('short'), ctxOf({}), live(), dir), { instanceOf: HookError })).message,
    'EXTRA_ENV failed: X: the secret is 3 characters; at least 8 are needed to mask it',
  );
});

test('a meta that marks a short literal or a path as a secret is refused at load, naming the key', (t) => {
  t.throws(() => parseMeta({ EXTRA_ENV: { X: secret('short') } }, FILE), {
    message: /a secret must be at least 8 characters to be masked at EXTRA_ENV\.X\.value/,
  });
  t.throws(() => parseMeta({ EXTRA_ENV: { X: secret({ file: '../etc/shadow' }) } }, FILE), {
    message: /a plain file name of the secrets dir .* at EXTRA_ENV\.X\.file/,
  });
});
