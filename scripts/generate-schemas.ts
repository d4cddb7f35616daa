// Writes the published JSON Schemas (docs/*.schema.json) from the zod schemas, their single source, and
// the generated sections of docs/recipe-customization.md (meta key table, env contract) and of
// docs/concurrency.md (the janitor decision table), and the machine diagrams (docs/architecture.md,
// docs/concurrency.md).
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { CONCURRENCY_DOC, renderJanitorSections } from '../src/domain/janitor-table-doc.js';
import { MACHINE_DIAGRAMS, renderMachineDiagrams } from '../src/machines/machine-docs.js';
import { CUSTOMIZATION_DOC, renderGeneratedSections } from '../src/recipes/meta-docs.js';
import { publishedSchemas } from '../src/results/published-schemas.js';

const inRepository = (file: string) => fileURLToPath(new URL(`../${file}`, import.meta.url));

for (const { file, schema } of publishedSchemas()) {
  await writeFile(inRepository(file), schema);
  console.log(`wrote ${file}`);
}

const doc = inRepository(CUSTOMIZATION_DOC);
await writeFile(doc, renderGeneratedSections(await readFile(doc, 'utf8')));
console.log(`wrote the generated sections of ${CUSTOMIZATION_DOC}`);

const concurrency = inRepository(CONCURRENCY_DOC);
await writeFile(concurrency, renderJanitorSections(await readFile(concurrency, 'utf8')));
console.log(`wrote the generated sections of ${CONCURRENCY_DOC}`);

for (const doc of new Set(MACHINE_DIAGRAMS.map((entry) => entry.doc))) {
  await writeFile(inRepository(doc), renderMachineDiagrams(doc, await readFile(inRepository(doc), 'utf8')));
  console.log(`wrote the machine diagrams of ${doc}`);
}
