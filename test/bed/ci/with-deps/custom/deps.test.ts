// Functional tests of `with-deps`: the dependency's record in CCCI_DEPS_FILE is real (its URL serves
// the secret abra generated for it) and reached the app's env at install time.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';

interface DependencyRecord {
  domain: string;
  baseUrl: string;
  secrets: Record<string, string>;
}

async function kv(): Promise<DependencyRecord> {
  const skipped = JSON.parse(await readFile(process.env.CCCI_DEPS_SKIP_FILE!, 'utf8')) as Record<string, string>;
  assert.equal(skipped.kv, undefined, `dependency kv is not ready: ${skipped.kv}`);
  const deps = JSON.parse(await readFile(process.env.CCCI_DEPS_FILE!, 'utf8')) as Record<string, DependencyRecord>;
  assert.ok(deps.kv, 'CCCI_DEPS_FILE has no kv entry');
  return deps.kv;
}

async function get(url: string): Promise<string> {
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  assert.equal(response.status, 200, `${url} answered ${response.status}`);
  return response.text();
}

test('kv serves the password cc-ci recorded for it', async () => {
  const record = await kv();
  assert.ok(record.secrets.password, 'no password among the generated secrets');
  assert.equal(await get(`${record.baseUrl}/password.txt`), record.secrets.password);
});

test('the app was deployed with the domain of kv', async () => {
  const record = await kv();
  assert.equal(await get(`${process.env.CCCI_BASE_URL}/kv-domain.txt`), record.domain);
});
