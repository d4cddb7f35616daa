// The customization manifest (docs/recipe-customization.md#the-manifest): what a recipe customizes, printed at run start and embedded in
// results.json. Pure presentation: it lists only code that will run, and masks secret-looking values.
import { isSecretName } from '../io/redact.js';
import { LIFECYCLE_OPS, type Customization, type LifecycleOp } from './load-customization.js';
import { OP_HOOK_BY_TIER, OP_HOOK_NAMES, type OpHookName } from './hook-context.js';
import { RecipeMeta } from './schema.js';
import { describeSecretValue, isSecretValue } from './secret-value.js';

function present(value: unknown, key = ''): unknown {
  if (typeof value === 'function') return 'hook (ctx)';
  if (isSecretValue(value)) return describeSecretValue(value);
  if (isSecretName(key) && value !== null && typeof value !== 'object') return '***';
  if (Array.isArray(value)) return value.map((item) => present(item));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([inner, innerValue]) => [inner, present(innerValue, inner)]));
  }
  return value;
}

export type Manifest = Record<string, unknown>;

/** The manifest's fields (embedded in results.json as a plain record). */
export interface CustomizationManifest extends Manifest {
  readonly recipe: string;
  readonly tree: string | null;
  readonly metaFile: string | null;
  readonly nonDefaultKeys: unknown;
  readonly ops: Record<string, string>;
  readonly installSteps: string | null;
  readonly composeOverlay: boolean;
  readonly previousOverlays: number;
  readonly overlays: Record<string, string[] | string>;
  readonly functionalTests: { readonly 'cc-ci': number; readonly 'repo-local': number };
  readonly repoLocal: { readonly present: boolean; readonly trusted: boolean; readonly detail: string };
}

const OP_OF_HOOK = Object.fromEntries(Object.entries(OP_HOOK_BY_TIER).map(([op, hook]) => [hook, op])) as Record<OpHookName, LifecycleOp>;

/** Lifecycle ops this run will not perform, with why (upgrade without an older base, backup/restore without backup capability). */
export type OpsNotRun = Partial<Record<LifecycleOp, string>>;

export function customizationManifest(customization: Customization, notRun: OpsNotRun = {}): CustomizationManifest {
  const defaults = RecipeMeta.parse({}) as Record<string, unknown>;
  const nonDefault = Object.fromEntries(
    Object.entries(customization.meta).filter(
      ([key, value]) => typeof value === 'function' || JSON.stringify(value) !== JSON.stringify(defaults[key]),
    ),
  );
  // the manifest never advertises code that will not run: hooks and overlays of skipped ops say so
  const ops = Object.fromEntries(
    OP_HOOK_NAMES.flatMap((name) => {
      const hook = customization.ops[name];
      const skipped = notRun[OP_OF_HOOK[name]];
      return hook === undefined ? [] : [[name, skipped === undefined ? hook.source : `${hook.source} (not run: ${skipped})`]];
    }),
  );
  const overlays = Object.fromEntries(
    LIFECYCLE_OPS.map((op) => {
      const overlay = customization.overlays[op];
      const skipped = notRun[op];
      if (skipped !== undefined) return [op, `not run: ${skipped}`];
      return [op, overlay === undefined ? ['generic'] : ['generic', overlay.source]];
    }),
  );
  const count = (source: string) => customization.functionalTests.filter((test) => test.source === source).length;
  return {
    recipe: customization.recipe,
    tree: customization.treeDir,
    metaFile: customization.metaFile,
    nonDefaultKeys: present(nonDefault),
    ops,
    installSteps: customization.installSteps?.source ?? null,
    composeOverlay: customization.composeOverlay !== null,
    previousOverlays: customization.previousOverlays.length,
    overlays,
    functionalTests: { 'cc-ci': count('cc-ci'), 'repo-local': count('repo-local') },
    repoLocal: { ...customization.repoLocal },
  };
}

/** The manifest as the lines printed at run start and by `ccci recipe check`. */
export function formatManifest(manifest: Manifest): string[] {
  const lines: string[] = [];
  const show = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));
  for (const [key, value] of Object.entries(manifest)) lines.push(`  ${key}: ${show(value)}`);
  return lines;
}

function sourced(entries: Record<string, string>): string {
  return Object.entries(entries)
    .map(([name, source]) => `${name} (${source})`)
    .join(', ');
}

/** What a run prints of its customization: one readable line per customized thing, none for a default tree. */
export function summarizeCustomization(manifest: CustomizationManifest): string[] {
  const lines: string[] = [];
  const keys = Object.entries((manifest.nonDefaultKeys ?? {}) as Record<string, unknown>);
  if (keys.length > 0) {
    const shown = keys.map(([key, value]) => (value === 'hook (ctx)' ? `${key} (hook)` : `${key}=${JSON.stringify(value)}`));
    lines.push(`meta: ${shown.join(', ')}`);
  }
  if (Object.keys(manifest.ops).length > 0) lines.push(`op hooks: ${sourced(manifest.ops)}`);
  if (manifest.installSteps !== null) lines.push(`install_steps.sh (${manifest.installSteps})`);
  if (manifest.composeOverlay) lines.push('CI compose overlay compose.ccci.yml');
  if (manifest.previousOverlays > 0)
    lines.push(`${manifest.previousOverlays} base-only repair ${manifest.previousOverlays === 1 ? 'overlay' : 'overlays'} in previous/`);
  const overlays = Object.fromEntries(
    Object.entries(manifest.overlays).flatMap(([op, entry]) =>
      Array.isArray(entry) && entry.length > 1 ? [[op, entry.slice(1).join(', ')]] : [],
    ),
  );
  if (Object.keys(overlays).length > 0) lines.push(`assertion overlays: ${sourced(overlays)}`);
  const { 'cc-ci': operator, 'repo-local': local } = manifest.functionalTests;
  if (operator + local > 0)
    lines.push(
      `functional tests: ${[operator > 0 ? `${operator} from cc-ci` : '', local > 0 ? `${local} repo-local` : ''].filter((part) => part !== '').join(', ')}`,
    );
  if (manifest.repoLocal.present)
    lines.push(
      `repository .ccci/ tree: ${manifest.repoLocal.trusted ? `trusted (${manifest.repoLocal.detail})` : manifest.repoLocal.detail}`,
    );
  return lines;
}
