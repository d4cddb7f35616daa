// The generated parts of docs/recipe-customization.md: the meta key table (from the RecipeMeta registry)
// and the env contract (from src/tiers/tier-context.ts). scripts/generate-schemas.ts writes them and
// test/unit/meta-docs.test.ts fails when the document and the sources differ.
import { replaceSection } from '../domain/generated-section.js';
import * as z from 'zod';
import { ENV_CONTRACT, INSTALL_STEPS_ENV } from '../tiers/tier-context.js';
import { RecipeMeta } from './schema.js';

/** The document holding the generated sections, relative to the repository root. */
export const CUSTOMIZATION_DOC = 'docs/recipe-customization.md';

const NONE = '—';

/** Table cells: a `|` would end the cell, a newline the row. */
function cell(text: string): string {
  return text.replaceAll('|', '\\|').replace(/\s*\n\s*/g, ' ');
}

function code(text: string): string {
  return `\`${cell(text)}\``;
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((row) => `| ${row.join(' | ')} |`)].join('\n');
}

/**
 * A key's `type` label and description. Wrappers (.default(), .optional(), …) are followed inwards,
 * so a description given to the inner schema (TIMEOUTS) counts; an outer value wins over an inner one.
 */
function keyDoc(key: string, schema: z.ZodType): { type: string; description: string } {
  let type: string | undefined;
  let description: string | undefined;
  for (let node: z.ZodType | undefined = schema; node !== undefined; node = (node.def as { innerType?: z.ZodType }).innerType) {
    const meta = node.meta();
    if (type === undefined && typeof meta?.type === 'string') type = meta.type;
    if (description === undefined && typeof meta?.description === 'string') description = meta.description;
  }
  if (type === undefined) throw new Error(`meta key ${key} has no type label: add .meta({ type: '…' }) to it in src/recipes/schema.ts`);
  if (description === undefined) throw new Error(`meta key ${key} has no description: add .describe('…') to it in src/recipes/schema.ts`);
  return { type, description };
}

/** What the key is when a recipe does not set it (the same as `schema.parse({})[key]`). */
function keyDefault(schema: z.ZodType): string {
  const parsed = schema.safeParse(undefined);
  return parsed.success && parsed.data !== undefined ? code(JSON.stringify(parsed.data)) : NONE;
}

/** Key | Type | Default | Description, one row per key of the registry, in registry order. */
export function metaKeyTable(registry: z.ZodObject = RecipeMeta): string {
  const rows = Object.entries(registry.shape as Record<string, z.ZodType>).map(([key, schema]) => {
    const { type, description } = keyDoc(key, schema);
    return [code(key), code(type), keyDefault(schema), cell(description)];
  });
  return table(['Key', 'Type', 'Default', 'Description'], rows);
}

/** Name | Meaning of the env contract, then what install_steps.sh gets in addition. */
export function envContractTable(): string {
  const rows = (entries: Record<string, string>) => Object.entries(entries).map(([name, meaning]) => [code(name), cell(meaning)]);
  return [
    table(['Name', 'Meaning'], rows(ENV_CONTRACT)),
    '',
    '`install_steps.sh` gets these too, and in addition:',
    '',
    table(['Name', 'Meaning'], rows(INSTALL_STEPS_ENV)),
  ].join('\n');
}

/** The document with its generated sections (meta-keys, env-contract) rewritten from the sources. */
export function renderGeneratedSections(doc: string): string {
  return replaceSection(replaceSection(doc, 'meta-keys', metaKeyTable()), 'env-contract', envContractTable());
}
