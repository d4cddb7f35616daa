// The operator's allowlist of recipes whose repository-local tests and hooks (PR-authored code) may run.
// Default deny: no file, an empty file or a recipe not listed means none of that code runs.
import { readOptionalFile } from '../io/fs.js';

export interface Allowlist {
  readonly file: string | null;
  readonly recipes: ReadonlySet<string>;
  /** Lines worth telling the operator about (a `*`, which is not a wildcard). */
  readonly notes: readonly string[];
}

/** One recipe name per line; `#` starts a comment; blank lines are ignored; `*` matches only a recipe named "*". */
export function parseAllowlist(text: string, file: string): Allowlist {
  const recipes = new Set<string>();
  const notes: string[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.replace(/#.*/, '').trim();
    if (line === '') return;
    if (line === '*') notes.push(`${file}:${index + 1}: "*" is not a wildcard; list each recipe by name`);
    recipes.add(line);
  });
  return { file, recipes, notes };
}

export async function readAllowlist(file: string | undefined): Promise<Allowlist> {
  if (file === undefined) return { file: null, recipes: new Set(), notes: [] };
  const text = await readOptionalFile(file);
  if (text === undefined) return { file, recipes: new Set(), notes: [`${file} does not exist: no recipe's repository-local code runs`] };
  return parseAllowlist(text, file);
}

export function isAllowed(allowlist: Allowlist, recipe: string): boolean {
  return allowlist.recipes.has(recipe);
}
