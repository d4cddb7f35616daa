// parseMeta and parseOps: a recipe's meta and ops validated against the registry; mistakes name the file, the key and the fix.
import test from 'ava';
import { CustomizationError, parseMeta, parseOps } from '../../../src/recipes/load-customization.js';
import { DEFAULT_META } from '../../helpers/customization.js';

const FILE = '/etc/cc-ci/recipes/keycloak/meta.ts';

const DEFAULTS = DEFAULT_META;

function rejection(raw: unknown): CustomizationError {
  try {
    parseMeta(raw, FILE);
  } catch (error) {
    if (error instanceof CustomizationError) return error;
    throw error;
  }
  throw new Error('test setup: expected parseMeta to throw');
}

test('an empty meta gets every default', (t) => {
  t.deepEqual(parseMeta({}, FILE), DEFAULTS);
});

test('given values are kept', (t) => {
  const meta = parseMeta(
    {
      HEALTH_PATH: '/health',
      HEALTH_OK: [200],
      DEPLOY_TIMEOUT: 900,
      BACKUP_CAPABLE: false,
      EXPECTED_NA: { functional: 'no UI', upgrade: 'first release' },
      UPGRADE_BASE_VERSION: '1.0.0+1',
      TIMEOUTS: { install: 1200 },
    },
    FILE,
  );
  t.deepEqual(meta, {
    HEALTH_PATH: '/health',
    HEALTH_OK: [200],
    DEPLOY_TIMEOUT: 900,
    HTTP_TIMEOUT: 120,
    EXTRA_ENV: {},
    UPGRADE_EXTRA_ENV: {},
    DEPS: [],
    BACKUP_CAPABLE: false,
    EXPECTED_NA: { functional: 'no UI', upgrade: 'first release' },
    UPGRADE_BASE_VERSION: '1.0.0+1',
    TIMEOUTS: { install: 1200 },
  });
});

test('an unknown key is rejected with the file name and the nearest valid key', (t) => {
  const error = rejection({ HEALTHPATH: '/health' });
  t.is(error.name, 'CustomizationError');
  t.is(error.code, 'bad-customization');
  t.is(error.message, `Invalid recipe meta in ${FILE}:\n- unknown key "HEALTHPATH"; did you mean "HEALTH_PATH"?`);
  t.true(error.message.includes('unknown key "HEALTHPATH"; did you mean "HEALTH_PATH"?'));
  t.true(error.message.includes(FILE));
});

test('a wrong type names the key and the expected type', (t) => {
  t.is(
    rejection({ DEPLOY_TIMEOUT: '10' }).message,
    `Invalid recipe meta in ${FILE}:\n- Invalid input: expected number, received string at DEPLOY_TIMEOUT`,
  );
});

test('an unknown nested key is suggested from the nested object', (t) => {
  t.is(
    rejection({ TIMEOUTS: { instal: 5 } }).message,
    `Invalid recipe meta in ${FILE}:\n- unknown key "instal" at TIMEOUTS; did you mean "install"?`,
  );
});

test('EXPECTED_NA with an unknown rung is rejected', (t) => {
  t.is(
    rejection({ EXPECTED_NA: { smoke: 'no smoke tests' } }).message,
    `Invalid recipe meta in ${FILE}:\n- unknown key "smoke" at EXPECTED_NA; valid keys: upgrade, backup_restore, functional`,
  );
});

test('EXPECTED_NA with an empty reason is rejected', (t) => {
  t.is(
    rejection({ EXPECTED_NA: { functional: '' } }).message,
    `Invalid recipe meta in ${FILE}:\n- Too small: expected string to have >=1 characters at EXPECTED_NA.functional`,
  );
});

test('HEALTH_PATH must start with a slash and HEALTH_OK must hold HTTP statuses', (t) => {
  t.is(
    rejection({ HEALTH_PATH: 'health' }).message,
    `Invalid recipe meta in ${FILE}:\n- Invalid string: must start with "/" at HEALTH_PATH`,
  );
  t.is(rejection({ HEALTH_OK: [] }).message, `Invalid recipe meta in ${FILE}:\n- Too small: expected array to have >=1 items at HEALTH_OK`);
  t.is(
    rejection({ HEALTH_OK: [200, 700] }).message,
    `Invalid recipe meta in ${FILE}:\n- Too big: expected number to be <=599 at HEALTH_OK[1]`,
  );
});

test('every problem is listed, one per line', (t) => {
  t.is(
    rejection({ DEPLOY_TIMEOUT: -1, HTTPTIMEOUT: 5 }).message,
    `Invalid recipe meta in ${FILE}:\n- Too small: expected number to be >0 at DEPLOY_TIMEOUT\n- unknown key "HTTPTIMEOUT"; did you mean "HTTP_TIMEOUT"?`,
  );
});

test("_private keys are the recipe's own and are dropped", (t) => {
  t.deepEqual(parseMeta({ _helper: () => 1, _notes: 'anything', DEPLOY_TIMEOUT: 30 }, FILE), { ...DEFAULTS, DEPLOY_TIMEOUT: 30 });
});

const notAnObject = test.macro({
  exec(t, raw: unknown, got: string) {
    t.is(rejection(raw).message, `${FILE} must export \`meta\` as an object (use defineMeta({...})); got ${got}`);
  },
  title: (_providedTitle, _raw: unknown, got: string) => `a meta that is ${got} is rejected`,
});

test(notAnObject, [], 'array');
test(notAnObject, null, 'object');
test(notAnObject, 'meta', 'string');
test(notAnObject, undefined, 'undefined');
test(notAnObject, () => ({}), 'function');

const ENV_SIGNATURE = (key: string) => `${key}: (ctx) => Record<string, string | secret(…)> | Promise<Record<string, string | secret(…)>>`;
const READY_PROBE_SIGNATURE = 'READY_PROBE: (ctx) => probe | probe[] | boolean | Promise<…>';
const BACKUP_VERIFY_SIGNATURE = 'BACKUP_VERIFY: (ctx) => boolean | Promise<boolean>';

const wrongShape = test.macro({
  exec(t, raw: Record<string, unknown>, line: string) {
    const message = rejection(raw).message;
    t.is(message, `Invalid recipe meta in ${FILE}:\n- ${line}`);
    // every message names the file, the key and what was expected
    const key = Object.keys(raw)[0]!;
    t.true(message.includes(FILE));
    t.true(message.endsWith(` at ${key}`) || message.includes(` at ${key}[`));
  },
  title: (providedTitle = '') => `${providedTitle} is rejected naming the key, the file and the expected shape`,
});

test(
  'EXTRA_ENV with a non-string value',
  wrongShape,
  { EXTRA_ENV: { PORT: 8080 } },
  `Invalid input: expected an object of strings (or secret(…) values), or ${ENV_SIGNATURE('EXTRA_ENV')} (PORT: Invalid input: expected a string or secret(…)) at EXTRA_ENV`,
);
test(
  'EXTRA_ENV as a string',
  wrongShape,
  { EXTRA_ENV: 'PORT=8080' },
  `Invalid input: expected an object of strings (or secret(…) values), or ${ENV_SIGNATURE('EXTRA_ENV')} at EXTRA_ENV`,
);
test(
  'EXTRA_ENV with a name that is no environment variable',
  wrongShape,
  { EXTRA_ENV: { 'NOT-A-NAME': 'x' } },
  `Invalid input: expected an object of strings (or secret(…) values), or ${ENV_SIGNATURE('EXTRA_ENV')} (["NOT-A-NAME"]: Invalid key: expected an environment variable name ([A-Za-z_][A-Za-z0-9_]*)) at EXTRA_ENV`,
);
test(
  'EXTRA_ENV as a function of two parameters',
  wrongShape,
  { EXTRA_ENV: (_ctx: unknown, _extra: unknown) => ({}) },
  `Invalid hook: EXTRA_ENV takes one parameter (ctx) but this function declares 2; required signature: ${ENV_SIGNATURE('EXTRA_ENV')} at EXTRA_ENV`,
);
test(
  'UPGRADE_EXTRA_ENV as a function of two parameters',
  wrongShape,
  { UPGRADE_EXTRA_ENV: (_ctx: unknown, _extra: unknown) => ({}) },
  `Invalid hook: UPGRADE_EXTRA_ENV takes one parameter (ctx) but this function declares 2; required signature: ${ENV_SIGNATURE('UPGRADE_EXTRA_ENV')} at UPGRADE_EXTRA_ENV`,
);
test(
  'UPGRADE_EXTRA_ENV as an array',
  wrongShape,
  { UPGRADE_EXTRA_ENV: ['A=1'] },
  `Invalid input: expected an object of strings (or secret(…) values), or ${ENV_SIGNATURE('UPGRADE_EXTRA_ENV')} at UPGRADE_EXTRA_ENV`,
);
test(
  'READY_PROBE as a number',
  wrongShape,
  { READY_PROBE: 5432 },
  `Invalid input: expected a probe {path, ok?} or {host?, port, stable?}, an array of them, or ${READY_PROBE_SIGNATURE} at READY_PROBE`,
);
test(
  'READY_PROBE as an object of neither probe shape',
  wrongShape,
  { READY_PROBE: { url: '/ready' } },
  `Invalid input: expected a probe {path, ok?} or {host?, port, stable?}, an array of them, or ${READY_PROBE_SIGNATURE} (port: Invalid input: expected number, received undefined) at READY_PROBE`,
);
test(
  'READY_PROBE as a TCP probe with a string port',
  wrongShape,
  { READY_PROBE: { port: '5432' } },
  `Invalid input: expected a probe {path, ok?} or {host?, port, stable?}, an array of them, or ${READY_PROBE_SIGNATURE} (port: Invalid input: expected number, received string) at READY_PROBE`,
);
test('READY_PROBE as an empty array', wrongShape, { READY_PROBE: [] }, 'Too small: expected array to have >=1 items at READY_PROBE');
test(
  'READY_PROBE as a function of two parameters',
  wrongShape,
  { READY_PROBE: (_ctx: unknown, _extra: unknown) => true },
  `Invalid hook: READY_PROBE takes one parameter (ctx) but this function declares 2; required signature: ${READY_PROBE_SIGNATURE} at READY_PROBE`,
);
test(
  'BACKUP_VERIFY as a boolean',
  wrongShape,
  { BACKUP_VERIFY: true },
  `Invalid input: expected ${BACKUP_VERIFY_SIGNATURE} at BACKUP_VERIFY`,
);
test(
  'BACKUP_VERIFY as a function of two parameters',
  wrongShape,
  { BACKUP_VERIFY: (_ctx: unknown, _extra: unknown) => true },
  `Invalid hook: BACKUP_VERIFY takes one parameter (ctx) but this function declares 2; required signature: ${BACKUP_VERIFY_SIGNATURE} at BACKUP_VERIFY`,
);
test(
  'BACKUP_CAPABLE as a string',
  wrongShape,
  { BACKUP_CAPABLE: 'yes' },
  'Invalid input: expected boolean, received string at BACKUP_CAPABLE',
);
test('DEPS listing a recipe twice', wrongShape, { DEPS: ['mariadb', 'mariadb'] }, 'DEPS lists a recipe twice at DEPS');
test(
  'DEPS with a name that is no recipe name',
  wrongShape,
  { DEPS: ['MariaDB'] },
  'Invalid string: expected a recipe name (lower-case letters, digits, -) at DEPS[0]',
);
test('DEPS as a string', wrongShape, { DEPS: 'mariadb' }, 'Invalid input: expected array, received string at DEPS');

test('EXTRA_ENV and UPGRADE_EXTRA_ENV as objects of strings are kept', (t) => {
  const meta = parseMeta({ EXTRA_ENV: { SMTP_HOST: 'mail', _X: 'y' }, UPGRADE_EXTRA_ENV: { MIGRATE: '1' } }, FILE);
  t.deepEqual(meta.EXTRA_ENV, { SMTP_HOST: 'mail', _X: 'y' });
  t.deepEqual(meta.UPGRADE_EXTRA_ENV, { MIGRATE: '1' });
});

test('a hook is allowed where the registry allows one: (ctx) and () both pass, the function is kept as given', (t) => {
  const extraEnv = (_ctx: unknown) => ({});
  const upgradeEnv = () => ({ A: 'b' });
  const readyProbe = async (_ctx: unknown) => true;
  const backupVerify = (_ctx: unknown) => true;
  const meta = parseMeta(
    { EXTRA_ENV: extraEnv, UPGRADE_EXTRA_ENV: upgradeEnv, READY_PROBE: readyProbe, BACKUP_VERIFY: backupVerify },
    FILE,
  );
  t.is(meta.EXTRA_ENV, extraEnv);
  t.is(meta.UPGRADE_EXTRA_ENV, upgradeEnv);
  t.is(meta.READY_PROBE, readyProbe);
  t.is(meta.BACKUP_VERIFY, backupVerify);
});

test('a TCP READY_PROBE gets host 127.0.0.1 and stable 1 by default', (t) => {
  t.deepEqual(parseMeta({ READY_PROBE: { port: 5432 } }, FILE).READY_PROBE, { host: '127.0.0.1', port: 5432, stable: 1 });
  t.deepEqual(parseMeta({ READY_PROBE: { host: 'db', port: 5432, stable: 3 } }, FILE).READY_PROBE, { host: 'db', port: 5432, stable: 3 });
});

test('READY_PROBE as an array mixes HTTP and TCP probes, defaults applied to each', (t) => {
  t.deepEqual(
    parseMeta(
      {
        READY_PROBE: [
          { path: '/ready', ok: [204] },
          { port: 6379, stable: 2 },
        ],
      },
      FILE,
    ).READY_PROBE,
    [
      { path: '/ready', ok: [204] },
      { host: '127.0.0.1', port: 6379, stable: 2 },
    ],
  );
});

test('DEPS keeps the listed recipes in order', (t) => {
  t.deepEqual(parseMeta({ DEPS: ['postgres', 'redis-cache'] }, FILE).DEPS, ['postgres', 'redis-cache']);
});

test('_private keys are dropped even when their values would be invalid meta', (t) => {
  const meta = parseMeta({ _probe: (_a: unknown, _b: unknown) => 1, _DEPS: 'x', HEALTH_PATH: '/h' }, FILE) as Record<string, unknown>;
  t.false('_probe' in meta);
  t.false('_DEPS' in meta);
  t.is(meta.HEALTH_PATH, '/h');
});

const OPS_FILE = '/etc/cc-ci/recipes/keycloak/ops.ts';

function opsRejection(module: Record<string, unknown>): string {
  try {
    parseOps(module, OPS_FILE);
  } catch (error) {
    if (error instanceof CustomizationError) return error.message;
    throw error;
  }
  throw new Error('test setup: expected parseOps to throw');
}

test('parseOps keeps pre<Op> hooks of (ctx) and skips _private exports', (t) => {
  const preInstall = (_ctx: unknown) => undefined;
  const preRestore = async () => undefined;
  t.deepEqual(parseOps({ preInstall, preRestore, _helper: 42, _twoArgs: (_a: unknown, _b: unknown) => 1 }, OPS_FILE), {
    preInstall,
    preRestore,
  });
});

test('parseOps: an unknown export gets the nearest hook name', (t) => {
  t.is(
    opsRejection({ preBackUp: () => undefined }),
    `Invalid ops in ${OPS_FILE}:\n- unknown export "preBackUp"; did you mean "preBackup"?`,
  );
});

test('parseOps: an unknown export far from any hook lists the valid exports', (t) => {
  t.is(
    opsRejection({ seedDatabase: () => undefined }),
    `Invalid ops in ${OPS_FILE}:\n- unknown export "seedDatabase"; valid exports: preInstall, preUpgrade, preBackup, preRestore`,
  );
});

test('parseOps: a hook that is not a function, or wants two parameters, gets the required signature; all problems are listed', (t) => {
  t.is(
    opsRejection({ preInstall: 'seed', preUpgrade: (_ctx: unknown, _extra: unknown) => undefined }),
    `Invalid ops in ${OPS_FILE}:\n- preInstall must be (ctx) => void | Promise<void>; got string\n- preUpgrade must be (ctx) => void | Promise<void>; got a function of 2 parameters`,
  );
});
