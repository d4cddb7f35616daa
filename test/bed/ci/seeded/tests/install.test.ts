// Install overlay of `seeded`: EXTRA_ENV (a ctx hook) and install_steps.sh reached the first deploy;
// UPGRADE_EXTRA_ENV did not; preInstall ran with the live base URL.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { opState, served } from './helpers.js';

const domain = process.env.CCCI_APP_DOMAIN;

test('EXTRA_ENV was applied with ctx.op install', async () => {
  assert.equal(await served('/greeting.txt'), `hello ${domain} (install)`);
});

test('UPGRADE_EXTRA_ENV is not applied before the upgrade', async () => {
  assert.equal(await served('/upgrade-note.txt'), '');
});

test('install_steps.sh shaped the env file before the first deploy', async () => {
  assert.equal(await served('/installed-by.txt'), `install_steps.sh for ${domain}`);
});

test('preInstall saw the base URL the tests get', async () => {
  assert.deepEqual((await opState()).hooks?.preInstall, { baseUrl: process.env.CCCI_BASE_URL, op: 'install' });
});
