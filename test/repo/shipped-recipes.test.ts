// The trees cc-ci ships (recipes/) are what an operator copies anywhere: they import cc-ci only as
// `cc-ci/recipe`, never its sources by a relative path, and every relative import stays in its own
// tree. Each says in its README which upstream recipe it targets and that the test bed cannot deploy it.
import test from 'ava';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const RECIPES = join(ROOT, 'recipes');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? files(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

const trees = readdirSync(RECIPES).filter((name) => statSync(join(RECIPES, name)).isDirectory());

/** Every module specifier of a TypeScript file: static imports and exports, import(), require(). */
const SPECIFIER =
  /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|(?:^|[\s;])import\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/gm;

function specifiers(text: string): string[] {
  return [...text.matchAll(SPECIFIER)].map((match) => (match[1] ?? match[2] ?? match[3] ?? match[4])!);
}

/** What is wrong with one import of `file` in tree `tree`, or undefined. */
function importProblem(tree: string, file: string, specifier: string): string | undefined {
  if (specifier.startsWith('node:') || specifier === 'cc-ci/recipe') return undefined;
  if (specifier.startsWith('.')) {
    const target = resolve(dirname(file), specifier);
    return target === tree || target.startsWith(`${tree}${sep}`) ? undefined : `${specifier} leaves the tree`;
  }
  if (specifier.startsWith('/')) return `${specifier} is an absolute path`;
  return `${specifier} is neither node:…, cc-ci/recipe nor a file of the tree`;
}

test('the shipped trees import node built-ins, cc-ci/recipe and their own files only', (t) => {
  const problems: string[] = [];
  let imports = 0;
  for (const name of trees) {
    const tree = join(RECIPES, name);
    for (const file of files(tree).filter((path) => path.endsWith('.ts'))) {
      for (const specifier of specifiers(readFileSync(file, 'utf8'))) {
        imports += 1;
        const problem = importProblem(tree, file, specifier);
        if (problem !== undefined) problems.push(`${relative(ROOT, file)}: ${problem}`);
      }
    }
  }
  t.deepEqual(problems, []);
  t.true(imports > 10, 'the scan found (almost) no imports: it is not reading the trees');
});

test('every shipped tree imports cc-ci/recipe somewhere, and no file mentions src/ of cc-ci', (t) => {
  for (const name of trees) {
    const texts = files(join(RECIPES, name))
      .filter((path) => path.endsWith('.ts'))
      .map((path) => readFileSync(path, 'utf8'));
    t.true(
      texts.some((text) => specifiers(text).includes('cc-ci/recipe')),
      name,
    );
    t.false(
      texts.some((text) => /['"][^'"]*\bsrc\/(recipes|tiers|io|run)\//.test(text)),
      name,
    );
  }
});

test('the checker rejects relative imports of the sources and accepts the tree own ones', (t) => {
  const tree = join(RECIPES, 'app');
  const file = join(tree, 'tests', 'restore.test.ts');
  t.is(importProblem(tree, file, '../../../src/recipes/schema.js'), '../../../src/recipes/schema.js leaves the tree');
  t.is(importProblem(tree, file, '/opt/cc-ci/src/recipes/schema.ts'), '/opt/cc-ci/src/recipes/schema.ts is an absolute path');
  t.is(
    importProblem(tree, file, 'cc-ci/src/recipes/schema.js'),
    'cc-ci/src/recipes/schema.js is neither node:…, cc-ci/recipe nor a file of the tree',
  );
  t.is(importProblem(tree, file, '../site.js'), undefined);
  t.is(importProblem(tree, file, './helpers.js'), undefined);
  t.deepEqual(specifiers("import { a } from './a.js';\nimport type { B } from 'cc-ci/recipe';\nconst c = await import('node:fs');\n"), [
    './a.js',
    'cc-ci/recipe',
    'node:fs',
  ]);
});

test('every shipped tree has a README naming its upstream recipe and saying the test bed cannot deploy it', (t) => {
  for (const name of trees) {
    const readme = readFileSync(join(RECIPES, name, 'README.md'), 'utf8');
    t.true(readme.includes(`https://git.coopcloud.tech/coop-cloud/${name}`), `${name}/README.md names no upstream recipe`);
    t.regex(readme, /cannot be deployed on cc-ci's own test bed/, `${name}/README.md`);
  }
});
