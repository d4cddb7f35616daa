// The generated parts of docs/recipe-customization.md: the document matches the registry, and the
// generator lists every key once, follows the registry, and refuses a document without its markers.
import test from 'ava';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import * as z from 'zod';
import { CUSTOMIZATION_DOC, envContractTable, metaKeyTable, renderGeneratedSections } from '../../../src/recipes/meta-docs.js';
import { RecipeMeta } from '../../../src/recipes/schema.js';
import { ENV_CONTRACT, INSTALL_STEPS_ENV } from '../../../src/tiers/tier-context.js';

const rowsOf = (table: string, name: string) => table.split('\n').filter((line) => line.startsWith(`| \`${name}\` |`));

test(`${CUSTOMIZATION_DOC} has the generated sections the sources give`, async (t) => {
  const doc = await readFile(fileURLToPath(new URL(`../../../${CUSTOMIZATION_DOC}`, import.meta.url)), 'utf8');
  t.is(
    doc,
    renderGeneratedSections(doc),
    `${CUSTOMIZATION_DOC} is out of date with src/recipes/schema.ts or src/tiers/tier-context.ts: run node --import tsx scripts/generate-schemas.ts`,
  );
});

test('every registry key has exactly one row, in registry order', (t) => {
  const table = metaKeyTable();
  for (const key of Object.keys(RecipeMeta.shape)) t.is(rowsOf(table, key).length, 1, key);
  const rows = table.split('\n').slice(2);
  t.deepEqual(
    rows.map((row) => /^\| `([^`]+)` \|/.exec(row)?.[1]),
    Object.keys(RecipeMeta.shape),
  );
  t.is(table.split('\n')[0], '| Key | Type | Default | Description |');
});

test('a row has the type label, the default and the description of its key', (t) => {
  const table = metaKeyTable();
  t.deepEqual(rowsOf(table, 'HEALTH_OK'), [
    '| `HEALTH_OK` | `number[]` | `[200,301,302]` | Statuses of HEALTH_PATH that count as healthy; 404 never should |',
  ]);
  t.true(rowsOf(table, 'DEPLOY_TIMEOUT')[0]!.startsWith('| `DEPLOY_TIMEOUT` | `number (s)` | `600` | '));
  // no default: a dash; a `|` inside a type label is escaped so the row keeps its four cells
  t.true(
    rowsOf(table, 'READY_PROBE')[0]!.startsWith('| `READY_PROBE` | `probe \\| probe[] \\| (ctx) => probe \\| probe[] \\| boolean` | — | '),
  );
  // TIMEOUTS carries its description on the inner object, its type label on the .default() wrapper
  t.true(
    rowsOf(table, 'TIMEOUTS')[0]!.startsWith(
      '| `TIMEOUTS` | `{install?, upgrade?, backup?, restore?, functional?: number}` | `{}` | Seconds per tier',
    ),
  );
});

test('defaults are what RecipeMeta.parse({}) gives', (t) => {
  const defaults = RecipeMeta.parse({}) as Record<string, unknown>;
  const table = metaKeyTable();
  for (const key of Object.keys(RecipeMeta.shape)) {
    const shown = defaults[key] === undefined ? '—' : `\`${JSON.stringify(defaults[key])}\``;
    t.is(rowsOf(table, key)[0]!.split(' | ')[2], shown, key);
  }
});

test('a key added to the registry appears in the table', (t) => {
  const grown = RecipeMeta.extend({
    SCREENSHOT_PATH: z.string().default('/').describe('A key that exists only in this test').meta({ type: 'string' }),
  });
  t.deepEqual(rowsOf(metaKeyTable(grown), 'SCREENSHOT_PATH'), [
    '| `SCREENSHOT_PATH` | `string` | `"/"` | A key that exists only in this test |',
  ]);
  t.deepEqual(rowsOf(metaKeyTable(), 'SCREENSHOT_PATH'), []);
});

test('a key without a type label or a description is refused by name', (t) => {
  t.throws(() => metaKeyTable(RecipeMeta.extend({ BARE: z.string().optional().describe('no type label') })), {
    message: "meta key BARE has no type label: add .meta({ type: '…' }) to it in src/recipes/schema.ts",
  });
  t.throws(() => metaKeyTable(RecipeMeta.extend({ BARE: z.string().optional().meta({ type: 'string' }) })), {
    message: "meta key BARE has no description: add .describe('…') to it in src/recipes/schema.ts",
  });
});

test('the env contract table lists every contract and install_steps.sh variable once', (t) => {
  const table = envContractTable();
  for (const [name, meaning] of Object.entries({ ...ENV_CONTRACT, ...INSTALL_STEPS_ENV })) {
    t.deepEqual(rowsOf(table, name), [`| \`${name}\` | ${meaning.replaceAll('|', '\\|')} |`], name);
  }
});

const SMALL = [
  'intro',
  '<!-- generated:meta-keys -->',
  'stale keys',
  '<!-- /generated:meta-keys -->',
  'middle',
  '<!-- generated:env-contract -->',
  '<!-- /generated:env-contract -->',
  'outro',
  '',
].join('\n');

test('the generated sections are replaced between their markers, the rest is kept', (t) => {
  const rendered = renderGeneratedSections(SMALL);
  t.is(
    rendered,
    [
      'intro',
      '<!-- generated:meta-keys -->',
      metaKeyTable(),
      '<!-- /generated:meta-keys -->',
      'middle',
      '<!-- generated:env-contract -->',
      envContractTable(),
      '<!-- /generated:env-contract -->',
      'outro',
      '',
    ].join('\n'),
  );
  t.is(renderGeneratedSections(rendered), rendered);
});

test('a missing marker is an error naming it', (t) => {
  t.throws(() => renderGeneratedSections(SMALL.replace('<!-- /generated:meta-keys -->\n', '')), {
    message:
      'missing marker <!-- /generated:meta-keys -->: the generated section meta-keys must sit between <!-- generated:meta-keys --> and <!-- /generated:meta-keys -->',
  });
  t.throws(() => renderGeneratedSections(SMALL.replace('<!-- generated:env-contract -->\n', '')), {
    message:
      'missing marker <!-- generated:env-contract -->: the generated section env-contract must sit between <!-- generated:env-contract --> and <!-- /generated:env-contract -->',
  });
  t.throws(() => renderGeneratedSections(`${SMALL}<!-- generated:meta-keys -->\n`), {
    message: 'marker <!-- generated:meta-keys --> appears more than once',
  });
});
