// Restore overlay of `seeded`: the marker preBackup seeded (and preRestore overwrote) is back.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { opState, served } from './helpers.js';

test('the seeded marker is back after the restore', async () => {
  const seed = (await opState()).hooks?.seed;
  assert.equal(typeof seed, 'string', 'preBackup recorded no seed');
  assert.equal((await served('/seed.txt')).trim(), seed);
});
