// The modules of src/ form no loop (type-only imports included): shared vocabulary lives where both
// sides import it downward (docs/architecture.md, Layers).
import test from 'ava';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = fileURLToPath(new URL('../../src', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? sources(path) : entry.name.endsWith('.ts') ? [path] : [];
  });
}

const IMPORT = /^\s*(?:import|export)\s[^'"]*?from\s+'(\.[^']+)'|^\s*import\s+'(\.[^']+)'|import\('(\.[^']+)'\)/gm;

/** Each module's relative imports, resolved to source files. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sources(SRC)) {
    const text = readFileSync(file, 'utf8');
    const targets = [...text.matchAll(IMPORT)].map((match) =>
      resolve(dirname(file), (match[1] ?? match[2] ?? match[3])!.replace(/\.js$/, '.ts')),
    );
    graph.set(relative(SRC, file), [...new Set(targets.map((target) => relative(SRC, target)))]);
  }
  return graph;
}

/** Strongly connected components of more than one module (Tarjan), each sorted. */
function loops(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  let next = 0;
  const visit = (node: string) => {
    index.set(node, next);
    low.set(node, next++);
    stack.push(node);
    onStack.add(node);
    for (const target of graph.get(node) ?? []) {
      if (!index.has(target)) {
        visit(target);
        low.set(node, Math.min(low.get(node)!, low.get(target)!));
      } else if (onStack.has(target)) {
        low.set(node, Math.min(low.get(node)!, index.get(target)!));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return found;
}

test('every relative import of src/ names a module that exists', (t) => {
  const graph = importGraph();
  const missing = [...graph].flatMap(([from, targets]) =>
    targets.filter((target) => !graph.has(target)).map((target) => `${from} → ${target}`),
  );
  t.deepEqual(missing, []);
});

test('no module of src/ imports itself back, directly or through others', (t) => {
  t.deepEqual(loops(importGraph()), []);
});

test('the loop finder finds a loop (it is not vacuous)', (t) => {
  const graph = new Map([
    ['a.ts', ['b.ts']],
    ['b.ts', ['c.ts']],
    ['c.ts', ['a.ts']],
    ['d.ts', ['a.ts']],
  ]);
  t.deepEqual(loops(graph), [['a.ts', 'b.ts', 'c.ts']]);
});
