// Marker pages for the custom-html tree: one written before the upgrade (it must survive the in-place
// upgrade), one before the backup (removed before the restore, so only the restore can bring it back).
// tests/ checks that nginx serves each with its exact bytes.
import type { HookContext } from 'cc-ci/recipe';
import { newMarker, removeServed, writeServed, type Marker } from './site.js';

export async function preUpgrade(ctx: HookContext): Promise<void> {
  const marker = newMarker('upgrade');
  await writeServed(ctx.exec, marker.path, marker.content);
  await ctx.opState.write('upgradeMarker', marker);
}

export async function preBackup(ctx: HookContext): Promise<void> {
  const marker = newMarker('backup');
  await writeServed(ctx.exec, marker.path, marker.content);
  await ctx.opState.write('backupMarker', marker);
}

export async function preRestore(ctx: HookContext): Promise<void> {
  const marker = (await ctx.opState.read()).hooks?.backupMarker as Marker | undefined;
  if (marker === undefined) throw new Error('preBackup recorded no backup marker');
  await removeServed(ctx.exec, marker.path);
}
