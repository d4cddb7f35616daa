// The one loader of a recipe's CI customization tree: validated meta (frozen) and the files it provides.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describeIssues } from '../domain/describe-issues.js';
import { RecipeMeta } from './schema.js';
import { pathExists } from '../io/fs.js';

export interface Customization {
  readonly treeDir: string;
  readonly meta: Readonly<RecipeMeta>;
  readonly metaFile: string | null;
  readonly composeOverlay: string | null;
  readonly functionalTests: readonly string[];
}

export class CustomizationError extends Error {
  readonly code = 'bad-customization';
  constructor(message: string) {
    super(message);
    this.name = 'CustomizationError';
  }
}


function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

/** Validates raw meta as the registry says; `_private` keys are the recipe's own and are dropped. */
export function parseMeta(raw: unknown, file: string): RecipeMeta {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new CustomizationError(`${file} must export \`meta\` as an object (use defineMeta({...})); got ${Array.isArray(raw) ? 'array' : typeof raw}`);
  }
  const publicKeys = Object.fromEntries(Object.entries(raw).filter(([key]) => !key.startsWith('_')));
  const parsed = RecipeMeta.safeParse(publicKeys);
  if (!parsed.success) throw new CustomizationError(`Invalid recipe meta in ${file}:\n${describeIssues(parsed.error, RecipeMeta)}`);
  return parsed.data;
}

export async function loadCustomization(customizationDir: string, recipe: string): Promise<Customization> {
  const treeDir = join(customizationDir, recipe);
  const metaFile = join(treeDir, 'meta.ts');
  let meta: RecipeMeta;
  let metaSource: string | null = null;
  if (await pathExists(metaFile)) {
    let module: Record<string, unknown>;
    try {
      module = (await import(pathToFileURL(metaFile).href)) as Record<string, unknown>;
    } catch (error) {
      throw new CustomizationError(`Cannot load ${metaFile}: ${(error as Error).message}`);
    }
    if (!('meta' in module)) throw new CustomizationError(`${metaFile} has no \`meta\` export; write: export const meta = defineMeta({ ... })`);
    meta = parseMeta(module.meta, metaFile);
    metaSource = metaFile;
  } else {
    meta = RecipeMeta.parse({});
  }
  const overlay = join(treeDir, 'compose.ccci.yml');
  const customDir = join(treeDir, 'custom');
  const functionalTests = (await pathExists(customDir))
    ? (await readdir(customDir)).filter((name) => name.endsWith('.test.ts')).sort().map((name) => join(customDir, name))
    : [];
  return deepFreeze({
    treeDir,
    meta,
    metaFile: metaSource,
    composeOverlay: (await pathExists(overlay)) ? overlay : null,
    functionalTests,
  });
}

const SECRET_NAME = /SECRET|PASSWORD|TOKEN|CREDENTIAL|(^|_)KEY($|_)/i;

function maskSecrets(value: unknown, key = ''): unknown {
  if (SECRET_NAME.test(key) && value !== null && typeof value !== 'object') return '***';
  if (Array.isArray(value)) return value.map((item) => maskSecrets(item));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([inner, innerValue]) => [inner, maskSecrets(innerValue, inner)]));
  }
  return value;
}

/** What this recipe customizes, printed at run start and embedded in results.json. */
export function customizationManifest(customization: Customization): Record<string, unknown> {
  const defaults = RecipeMeta.parse({});
  const nonDefault = Object.fromEntries(
    Object.entries(customization.meta).filter(([key, value]) => JSON.stringify(value) !== JSON.stringify(defaults[key as keyof RecipeMeta])),
  );
  return {
    tree: customization.treeDir,
    metaFile: customization.metaFile,
    nonDefaultKeys: maskSecrets(nonDefault),
    composeOverlay: customization.composeOverlay !== null,
    functionalTests: customization.functionalTests.length,
  };
}
