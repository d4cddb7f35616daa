import test from 'ava';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { publishedSchemas } from '../../../src/results/published-schemas.js';

for (const { file, schema } of publishedSchemas()) {
  test(`${file} is what the zod schema generates (run: node --import tsx scripts/generate-schemas.ts)`, async (t) => {
    t.is(await readFile(fileURLToPath(new URL(`../../../${file}`, import.meta.url)), 'utf8'), schema);
  });
}
