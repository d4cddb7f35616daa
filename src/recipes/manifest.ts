// The customization manifest (SPEC §5): what a recipe customizes, printed at run start and embedded in
// results.json. Pure presentation: it lists only code that will run, and masks secret-looking values.
import { isSecretName } from '../io/redact.js';
import { LIFECYCLE_OPS, type Customization, type LifecycleOp } from './load-customization.js';
import { OP_HOOK_BY_TIER, OP_HOOK_NAMES, type OpHookName } from './hook-context.js';
import { RecipeMeta } from './schema.js';

function present(value: unknown, key = ''): unknown {
  if (typeof value === 'function') return 'hook (ctx)';
  if (isSecretName(key) && value !== null && typeof value !== 'object') return '***';
  if (Array.isArray(value)) return value.map((item) => present(item));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([inner, innerValue]) => [inner, present(innerValue, inner)]));
  }
  return value;
}

export type Manifest = Record<string, unknown>;

const OP_OF_HOOK = Object.fromEntries(Object.entries(OP_HOOK_BY_TIER).map(([op, hook]) => [hook, op])) as Record<OpHookName, LifecycleOp>;

/** Lifecycle ops this run will not perform, with why (upgrade without an older base, backup/restore without backup capability). */
export type OpsNotRun = Partial<Record<LifecycleOp, string>>;

export function customizationManifest(customization: Customization, notRun: OpsNotRun = {}): Manifest {
  const defaults = RecipeMeta.parse({}) as Record<string, unknown>;
  const nonDefault = Object.fromEntries(
    Object.entries(customization.meta).filter(([key, value]) => typeof value === 'function' || JSON.stringify(value) !== JSON.stringify(defaults[key])),
  );
  // the manifest never advertises code that will not run: hooks and overlays of skipped ops say so
  const ops = Object.fromEntries(OP_HOOK_NAMES.flatMap((name) => {
    const hook = customization.ops[name];
    const skipped = notRun[OP_OF_HOOK[name]];
    return hook === undefined ? [] : [[name, skipped === undefined ? hook.source : `${hook.source} (not run: ${skipped})`]];
  }));
  const overlays = Object.fromEntries(LIFECYCLE_OPS.map((op) => {
    const overlay = customization.overlays[op];
    const skipped = notRun[op];
    if (skipped !== undefined) return [op, `not run: ${skipped}`];
    return [op, overlay === undefined ? ['generic'] : ['generic', overlay.source]];
  }));
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
