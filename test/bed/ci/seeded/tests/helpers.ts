// Shared by the `seeded` overlays: the app's files over HTTP and the run's op state.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';

export async function served(path: string): Promise<string> {
  const baseUrl = process.env.CCCI_BASE_URL;
  assert.ok(baseUrl, 'CCCI_BASE_URL is not set');
  const response = await fetch(`${baseUrl}${path}`, { signal: AbortSignal.timeout(10_000) });
  assert.equal(response.status, 200, `${path} answered ${response.status}`);
  return response.text();
}

export async function opState(): Promise<Record<string, Record<string, unknown>>> {
  const file = process.env.CCCI_OP_STATE_FILE;
  assert.ok(file, 'CCCI_OP_STATE_FILE is not set');
  return JSON.parse(await readFile(file, 'utf8')) as Record<string, Record<string, unknown>>;
}
