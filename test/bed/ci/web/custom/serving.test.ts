// cc-ci custom test for the `web` fixture: the app serves its index page and answers 404 for missing paths.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';

const baseUrl = process.env.CCCI_BASE_URL;

function url(path: string): string {
  assert.ok(baseUrl, 'CCCI_BASE_URL is not set');
  return new URL(path, baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`).toString();
}

test('/ answers 200 with the web heading', async () => {
  const response = await fetch(url('/'), { signal: AbortSignal.timeout(10_000) });
  const body = await response.text();
  assert.equal(response.status, 200);
  assert.match(body, /<h1>web/);
});

test('a missing page answers 404', async () => {
  const response = await fetch(url(`/definitely-missing-${randomBytes(6).toString('hex')}`), { signal: AbortSignal.timeout(10_000) });
  await response.arrayBuffer();
  assert.equal(response.status, 404);
});
