// parseMeta: a recipe's meta validated against the registry; mistakes name the file, the key and the fix.
import test from 'ava';
import { CustomizationError, parseMeta } from '../../src/recipes/load-customization.js';

const FILE = '/etc/cc-ci/recipes/keycloak/meta.ts';

const DEFAULTS = {
  HEALTH_PATH: '/',
  HEALTH_OK: [200, 301, 302],
  DEPLOY_TIMEOUT: 600,
  HTTP_TIMEOUT: 120,
  EXPECTED_NA: {},
  TIMEOUTS: {},
};

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
  const meta = parseMeta({
    HEALTH_PATH: '/health',
    HEALTH_OK: [200],
    DEPLOY_TIMEOUT: 900,
    BACKUP_CAPABLE: false,
    EXPECTED_NA: { functional: 'no UI', upgrade: 'first release' },
    UPGRADE_BASE_VERSION: '1.0.0+1',
    TIMEOUTS: { install: 1200 },
  }, FILE);
  t.deepEqual(meta, {
    HEALTH_PATH: '/health',
    HEALTH_OK: [200],
    DEPLOY_TIMEOUT: 900,
    HTTP_TIMEOUT: 120,
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
  t.is(rejection({ DEPLOY_TIMEOUT: '10' }).message, `Invalid recipe meta in ${FILE}:\n- Invalid input: expected number, received string at DEPLOY_TIMEOUT`);
});

test('an unknown nested key is suggested from the nested object', (t) => {
  t.is(rejection({ TIMEOUTS: { instal: 5 } }).message, `Invalid recipe meta in ${FILE}:\n- unknown key "instal" at TIMEOUTS; did you mean "install"?`);
});

test('EXPECTED_NA with an unknown rung is rejected', (t) => {
  t.is(rejection({ EXPECTED_NA: { smoke: 'no smoke tests' } }).message, `Invalid recipe meta in ${FILE}:\n- unknown key "smoke" at EXPECTED_NA; valid keys: upgrade, backup_restore, functional`);
});

test('EXPECTED_NA with an empty reason is rejected', (t) => {
  t.is(rejection({ EXPECTED_NA: { functional: '' } }).message, `Invalid recipe meta in ${FILE}:\n- Too small: expected string to have >=1 characters at EXPECTED_NA.functional`);
});

test('HEALTH_PATH must start with a slash and HEALTH_OK must hold HTTP statuses', (t) => {
  t.is(rejection({ HEALTH_PATH: 'health' }).message, `Invalid recipe meta in ${FILE}:\n- Invalid string: must start with "/" at HEALTH_PATH`);
  t.is(rejection({ HEALTH_OK: [] }).message, `Invalid recipe meta in ${FILE}:\n- Too small: expected array to have >=1 items at HEALTH_OK`);
  t.is(rejection({ HEALTH_OK: [200, 700] }).message, `Invalid recipe meta in ${FILE}:\n- Too big: expected number to be <=599 at HEALTH_OK[1]`);
});

test('every problem is listed, one per line', (t) => {
  t.is(
    rejection({ DEPLOY_TIMEOUT: -1, HTTPTIMEOUT: 5 }).message,
    `Invalid recipe meta in ${FILE}:\n- Too small: expected number to be >0 at DEPLOY_TIMEOUT\n- unknown key "HTTPTIMEOUT"; did you mean "HTTP_TIMEOUT"?`,
  );
});

test('_private keys are the recipe\'s own and are dropped', (t) => {
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
