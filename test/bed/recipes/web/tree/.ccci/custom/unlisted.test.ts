// A repository-local test of `web`, which is NOT on the test bed's allowlist: cc-ci must never run it.
import assert from 'node:assert/strict';
import { test } from 'node:test';

test('repository-local code of an unlisted recipe ran', () => {
  assert.fail('cc-ci ran PR-authored code of a recipe that is not on the allowlist');
});
