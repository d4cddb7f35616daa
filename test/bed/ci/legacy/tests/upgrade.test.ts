// Upgrade overlay of `legacy`: the head deploy ran without the previous/ overlay.
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';

test('the head deploy ran without the previous/ overlay', async () => {
  const response = await fetch(`${process.env.CCCI_BASE_URL}/previous.txt`, { signal: AbortSignal.timeout(10_000) });
  assert.equal(response.status, 200);
  assert.equal(await response.text(), '');
});

test('the previous/ overlay left the checkout', async () => {
  const checkout = join(process.env.ABRA_DIR!, 'recipes', process.env.CCCI_RECIPE!);
  assert.deepEqual(
    (await readdir(checkout)).filter((name) => name.startsWith('ccci-previous.')),
    [],
  );
});
