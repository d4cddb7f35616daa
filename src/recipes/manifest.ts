// The customization manifest (SPEC §5): what a recipe customizes, printed at run start and embedded in
// results.json. Pure presentation: it lists only code that will run, and masks secret-looking values.
import { isSecretName } from '../io/redact.js';
import { LIFECYCLE_OPS, type Customization } from './load-customization.js';
import { OP_HOOK_NAMES } from './hook-context.js';
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

export function customizationManifest(customization: Customization): Manifest {
  const defaults = RecipeMeta.parse({}) as Record<string, unknown>;
  const nonDefault = Object.fromEntries(
    Object.entries(customization.meta).filter(([key, value]) => typeof value === 'function' || JSON.stringify(value) !== JSON.stringify(defaults[key])),
  );
  const ops = Object.fromEntries(OP_HOOK_NAMES.flatMap((name) => {
    const hook = customization.ops[name];
    return hook === undefined ? [] : [[name, hook.source]];
  }));
  const overlays = Object.fromEntries(LIFECYCLE_OPS.map((op) => {
    const overlay = customization.overlays[op];
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
