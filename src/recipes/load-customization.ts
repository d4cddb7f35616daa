// The one loader of a recipe's CI customization (docs/recipe-customization.md): the operator's tree <customizationDir>/<recipe>/
// and, for allowlisted recipes only, the recipe repository's own .ccci/ tree. Everything it returns is
// validated and frozen; every consumer receives this object.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describeIssues, nearestKey } from '../domain/describe-issues.js';
import { pathExists } from '../io/fs.js';
import { packageFile } from '../io/package-root.js';
import { isAllowed, type Allowlist } from './allowlist.js';
import { OP_HOOK_NAMES, type OpHookName } from './hook-context.js';
import { RecipeMeta, type OpHook } from './schema.js';

export const LIFECYCLE_OPS = ['install', 'upgrade', 'backup', 'restore'] as const;
export type LifecycleOp = (typeof LIFECYCLE_OPS)[number];

/** Where a piece of customization comes from: the operator's tree, or the recipe's repository (PR-authored). */
export type Source = 'cc-ci' | 'repo-local';
export interface SourcedFile {
  readonly file: string;
  readonly source: Source;
}
export interface SourcedHook extends SourcedFile {
  readonly hook: OpHook;
}

export interface RepoLocalStatus {
  /** The recipe's repository has a .ccci/ tree at the tested commit. */
  readonly present: boolean;
  /** It is on the operator's allowlist, so its code runs. */
  readonly trusted: boolean;
  readonly detail: string;
}

export interface Customization {
  readonly recipe: string;
  readonly treeDir: string;
  readonly meta: Readonly<RecipeMeta>;
  readonly metaFile: string | null;
  readonly ops: Readonly<Partial<Record<OpHookName, SourcedHook>>>;
  /** Per op at most one overlay; a trusted repo-local overlay wins over cc-ci's. The generic file always runs too. */
  readonly overlays: Readonly<Partial<Record<LifecycleOp, SourcedFile>>>;
  readonly functionalTests: readonly SourcedFile[];
  readonly installSteps: SourcedFile | null;
  readonly composeOverlay: string | null;
  /** Compose overlays for the base deploy only (previous/*.yml). */
  readonly previousOverlays: readonly string[];
  readonly repoLocal: RepoLocalStatus;
}

export class CustomizationError extends Error {
  readonly code = 'bad-customization';
  constructor(message: string) {
    super(message);
    this.name = 'CustomizationError';
  }
}

/** The recipe repository's own customization tree, relative to its root. */
export const REPO_LOCAL_DIR = '.ccci';

const SETUP_CUSTOM_TESTS_MIGRATION =
  'setup_custom_tests.sh is no longer supported: cc-ci wires everything at install time, before the single deploy. ' +
  'Move env and secret wiring into install_steps.sh (it runs after `abra app new` and before the first deploy, with CCCI_DEPS_FILE), ' +
  'declare the services it provisioned in meta.ts as DEPS, and delete setup_custom_tests.sh.';

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
    throw new CustomizationError(
      `${file} must export \`meta\` as an object (use defineMeta({...})); got ${Array.isArray(raw) ? 'array' : typeof raw}`,
    );
  }
  const publicKeys = Object.fromEntries(Object.entries(raw).filter(([key]) => !key.startsWith('_')));
  const parsed = RecipeMeta.safeParse(publicKeys);
  if (!parsed.success) throw new CustomizationError(`Invalid recipe meta in ${file}:\n${describeIssues(parsed.error, RecipeMeta)}`);
  return parsed.data;
}

/** Checks the exports of an ops.ts: only pre<Op> hooks of (ctx), `_private` helpers exempt. */
export function parseOps(module: Record<string, unknown>, file: string): Partial<Record<OpHookName, OpHook>> {
  const problems: string[] = [];
  const hooks: Partial<Record<OpHookName, OpHook>> = {};
  for (const [name, value] of Object.entries(module)) {
    if (name.startsWith('_')) continue;
    if (!(OP_HOOK_NAMES as readonly string[]).includes(name)) {
      const suggestion = nearestKey(name, OP_HOOK_NAMES);
      problems.push(
        `- unknown export "${name}"${suggestion === undefined ? `; valid exports: ${OP_HOOK_NAMES.join(', ')}` : `; did you mean "${suggestion}"?`}`,
      );
      continue;
    }
    if (typeof value !== 'function' || value.length > 1) {
      const got = typeof value === 'function' ? `a function of ${value.length} parameters` : typeof value;
      problems.push(`- ${name} must be (ctx) => void | Promise<void>; got ${got}`);
      continue;
    }
    hooks[name as OpHookName] = value as OpHook;
  }
  if (problems.length > 0) throw new CustomizationError(`Invalid ops in ${file}:\n${problems.join('\n')}`);
  return hooks;
}

/** CommonJS seen from ESM: `default` is module.exports itself, mirroring the named exports. */
function isCommonJsMirror(value: unknown, named: readonly string[]): boolean {
  return typeof value === 'object' && value !== null && named.every((name) => Object.hasOwn(value, name));
}

/**
 * Makes `cc-ci/recipe` resolve to this package for a tree anywhere on disk (src/io/package-resolution.mjs).
 * Imported by its path in the package, not bundled: its resolve hook lives beside it.
 */
export const PACKAGE_RESOLUTION = pathToFileURL(packageFile('src/io/package-resolution.mjs')).href;

/**
 * meta.ts and ops.ts are TypeScript, imported through tsx's own loader (a tree file is CommonJS unless
 * a package.json with "type": "module" sits above it). Loaded on first use, so a run without a tree
 * and every other command start without it.
 */
async function importModule(file: string): Promise<Record<string, unknown>> {
  try {
    await import(PACKAGE_RESOLUTION);
    const { tsImport } = await import('tsx/esm/api');
    const { default: defaultExport, ...named } = (await tsImport(pathToFileURL(file).href, import.meta.url)) as Record<string, unknown>;
    if (defaultExport === undefined || isCommonJsMirror(defaultExport, Object.keys(named))) return named;
    return { default: defaultExport, ...named };
  } catch (error) {
    throw new CustomizationError(`Cannot load ${file}: ${(error as Error).message}`);
  }
}

async function listDir(dir: string): Promise<string[]> {
  return (await pathExists(dir)) ? (await readdir(dir)).sort() : [];
}

async function isFile(path: string): Promise<boolean> {
  return (await pathExists(path)) && (await stat(path)).isFile();
}

/** The parts of one tree (operator's or repo-local) that can hold code or tests. */
interface TreeParts {
  readonly ops: Partial<Record<OpHookName, OpHook>>;
  readonly opsFile: string;
  readonly overlays: Partial<Record<LifecycleOp, string>>;
  readonly functionalTests: string[];
  readonly installSteps: string | null;
}

/** cc-ci runs *.test.ts only: another test file would be silently ignored, so it is an error instead. */
function rejectOtherTestFiles(dir: string, names: readonly string[]): void {
  const other = names.filter((name) => /\.test\.[cm]?[jt]s$/.test(name) && !name.endsWith('.test.ts'));
  if (other.length > 0) {
    throw new CustomizationError(
      `${dir}: cc-ci runs only *.test.ts files (TypeScript, through tsx); rename ${other.map((name) => `${name} to ${name.replace(/\.test\.[cm]?[jt]s$/, '.test.ts')}`).join(', ')}`,
    );
  }
}

async function readTreeParts(dir: string): Promise<TreeParts> {
  if (await pathExists(join(dir, 'setup_custom_tests.sh')))
    throw new CustomizationError(`${join(dir, 'setup_custom_tests.sh')}: ${SETUP_CUSTOM_TESTS_MIGRATION}`);
  const opsFile = join(dir, 'ops.ts');
  const ops = (await isFile(opsFile)) ? parseOps(await importModule(opsFile), opsFile) : {};
  const overlays: Partial<Record<LifecycleOp, string>> = {};
  const testsDir = join(dir, 'tests');
  rejectOtherTestFiles(testsDir, await listDir(testsDir));
  for (const name of await listDir(testsDir)) {
    const op = /^(.+)\.test\.ts$/.exec(name)?.[1];
    if (op === undefined) continue; // helpers beside the overlays
    if (!(LIFECYCLE_OPS as readonly string[]).includes(op)) {
      const suggestion = nearestKey(op, LIFECYCLE_OPS);
      throw new CustomizationError(
        `${join(testsDir, name)}: overlays are named <op>.test.ts with op one of ${LIFECYCLE_OPS.join(', ')}` +
          `${suggestion === undefined ? '' : `; did you mean "${suggestion}.test.ts"?`} (functional tests belong in custom/)`,
      );
    }
    overlays[op as LifecycleOp] = join(testsDir, name);
  }
  const customDir = join(dir, 'custom');
  rejectOtherTestFiles(customDir, await listDir(customDir));
  const functionalTests = (await listDir(customDir)).filter((name) => name.endsWith('.test.ts')).map((name) => join(customDir, name));
  const installSteps = (await isFile(join(dir, 'install_steps.sh'))) ? join(dir, 'install_steps.sh') : null;
  return { ops, opsFile, overlays, functionalTests, installSteps };
}

const EMPTY_PARTS: TreeParts = { ops: {}, opsFile: '', overlays: {}, functionalTests: [], installSteps: null };

export interface LoadCustomizationOptions {
  readonly customizationDir: string;
  readonly recipe: string;
  /** The .ccci/ tree of the recipe's repository at the tested commit, if it has one. */
  readonly repoLocalDir?: string | null;
  readonly allowlist: Allowlist;
}

function repoLocalStatus(options: LoadCustomizationOptions): RepoLocalStatus {
  const present = options.repoLocalDir !== undefined && options.repoLocalDir !== null;
  if (!present) return { present: false, trusted: false, detail: `the recipe repository has no ${REPO_LOCAL_DIR}/ tree` };
  if (isAllowed(options.allowlist, options.recipe))
    return { present, trusted: true, detail: `${options.recipe} is on the allowlist ${options.allowlist.file}` };
  const where =
    options.allowlist.file === null
      ? 'no allowlist is configured (repoLocalAllowlist)'
      : `${options.recipe} is not on the allowlist ${options.allowlist.file}`;
  return { present, trusted: false, detail: `not run: ${where}` };
}

export async function loadCustomization(options: LoadCustomizationOptions): Promise<Customization> {
  const { customizationDir, recipe } = options;
  const treeDir = join(customizationDir, recipe);
  const metaFile = join(treeDir, 'meta.ts');
  let meta: RecipeMeta;
  let metaSource: string | null = null;
  if (await isFile(metaFile)) {
    const module = await importModule(metaFile);
    if (!('meta' in module))
      throw new CustomizationError(`${metaFile} has no \`meta\` export; write: export const meta = defineMeta({ ... })`);
    meta = parseMeta(module.meta, metaFile);
    metaSource = metaFile;
  } else {
    meta = RecipeMeta.parse({});
  }
  const operator = await readTreeParts(treeDir);
  const repoLocal = repoLocalStatus(options);
  const local = repoLocal.trusted ? await readTreeParts(options.repoLocalDir!) : EMPTY_PARTS;

  const ops: Partial<Record<OpHookName, SourcedHook>> = {};
  for (const name of OP_HOOK_NAMES) {
    const [hook, source, file] =
      local.ops[name] !== undefined
        ? ([local.ops[name], 'repo-local', local.opsFile] as const)
        : ([operator.ops[name], 'cc-ci', operator.opsFile] as const);
    if (hook !== undefined) ops[name] = { hook, source, file };
  }
  const overlays: Partial<Record<LifecycleOp, SourcedFile>> = {};
  for (const op of LIFECYCLE_OPS) {
    const localFile = local.overlays[op];
    const operatorFile = operator.overlays[op];
    if (localFile !== undefined) overlays[op] = { file: localFile, source: 'repo-local' };
    else if (operatorFile !== undefined) overlays[op] = { file: operatorFile, source: 'cc-ci' };
  }
  const installSteps: SourcedFile | null =
    local.installSteps !== null
      ? { file: local.installSteps, source: 'repo-local' }
      : operator.installSteps === null
        ? null
        : { file: operator.installSteps, source: 'cc-ci' };

  const previousDir = join(treeDir, 'previous');
  const previousOverlays = (await listDir(previousDir)).map((name) => join(previousDir, name));
  const notCompose = previousOverlays.filter((file) => !/\.ya?ml$/.test(file));
  if (notCompose.length > 0)
    throw new CustomizationError(`${previousDir} holds compose overlays only (*.yml); not one: ${notCompose.join(', ')}`);

  const overlay = join(treeDir, 'compose.ccci.yml');
  return deepFreeze({
    recipe,
    treeDir,
    meta,
    metaFile: metaSource,
    ops,
    overlays,
    functionalTests: [
      ...operator.functionalTests.map((file) => ({ file, source: 'cc-ci' as const })),
      ...local.functionalTests.map((file) => ({ file, source: 'repo-local' as const })),
    ],
    installSteps,
    composeOverlay: (await isFile(overlay)) ? overlay : null,
    previousOverlays,
    repoLocal,
  });
}

/** Recipe names with a tree in the customization dir (for `ccci recipe check` without a name). */
export async function customizedRecipes(customizationDir: string): Promise<string[]> {
  const names: string[] = [];
  for (const name of await listDir(customizationDir)) {
    if (!name.startsWith('.') && (await stat(join(customizationDir, name))).isDirectory()) names.push(name);
  }
  return names;
}
