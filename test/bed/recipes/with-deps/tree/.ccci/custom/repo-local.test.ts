// A repository-local functional test of `with-deps` (PR-authored code): cc-ci runs it only because
// the test bed's allowlist lists with-deps.
import assert from 'node:assert/strict';
import { test } from 'node:test';

test('the app serves its index page', async () => {
  const response = await fetch(`${process.env.CCCI_BASE_URL}/`, { signal: AbortSignal.timeout(10_000) });
  assert.equal(response.status, 200);
  assert.match(await response.text(), /<h1>with-deps/);
});
