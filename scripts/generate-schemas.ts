// Writes the published JSON Schemas (docs/*.schema.json) from the zod schemas, their single source.
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { publishedSchemas } from '../src/results/published-schemas.js';

for (const { file, schema } of publishedSchemas()) {
  const target = fileURLToPath(new URL(`../${file}`, import.meta.url));
  await writeFile(target, schema);
  console.log(`wrote ${file}`);
}
