// Upgrade overlay of `seeded`: the head deploy got EXTRA_ENV again (ctx.op upgrade) and UPGRADE_EXTRA_ENV.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { served } from './helpers.js';

test('EXTRA_ENV was applied again with ctx.op upgrade', async () => {
  assert.equal(await served('/greeting.txt'), `hello ${process.env.CCCI_APP_DOMAIN} (upgrade)`);
});

test('UPGRADE_EXTRA_ENV was applied to the head deploy', async () => {
  assert.equal(await served('/upgrade-note.txt'), 'head deploy');
});
