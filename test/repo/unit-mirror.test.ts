// test/unit/ mirrors src/ by name: the tests of src/<dir>/<module>.ts are test/unit/<dir>/<module>.test.ts
// (or <module>.<aspect>.test.ts beside it), so a reader finds a module's tests at once.
import test from 'ava';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const UNIT = join(ROOT, 'test', 'unit');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? files(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

/** The module a unit test file belongs to: src/<dir>/<name>.ts for test/unit/<dir>/<name>[.<aspect>].test.ts. */
export function moduleOf(testFile: string): string {
  const path = relative(UNIT, testFile);
  const name = path
    .split('/')
    .at(-1)!
    .replace(/\.test\.ts$/, '')
    .split('.')[0]!;
  return join('src', dirname(path), `${name}.ts`);
}

test('every unit test file sits where its module sits in src/', (t) => {
  const strays = files(UNIT)
    .filter((file) => file.endsWith('.test.ts'))
    .filter((file) => !existsSync(join(ROOT, moduleOf(file))))
    .map((file) => `${relative(ROOT, file)} (no ${moduleOf(file)})`);
  t.deepEqual(strays, []);
});

test('test/unit/ holds nothing but test files', (t) => {
  t.deepEqual(
    files(UNIT)
      .filter((file) => !file.endsWith('.test.ts'))
      .map((file) => relative(ROOT, file)),
    [],
  );
});

test('the mapping names the module of a plain and of an aspect test file', (t) => {
  t.is(moduleOf(join(UNIT, 'domain', 'derive-rungs.test.ts')), 'src/domain/derive-rungs.ts');
  t.is(moduleOf(join(UNIT, 'config', 'load-config.daemon.test.ts')), 'src/config/load-config.ts');
});
