// Marker realms of the keycloak tree, the data round trip through Keycloak's database: one created
// before the upgrade (it must survive the upgrade), one before the backup (deleted before the restore,
// so only the restore can bring it back). tests/ checks each through its OpenID discovery document.
import { serviceExec, type HookContext } from 'cc-ci/recipe';
import { adminCredentials, createRealm, deleteRealm, discovery, markerRealm } from './admin.js';

async function credentials(ctx: HookContext) {
  return adminCredentials(serviceExec, ctx.stack);
}

export async function preUpgrade(ctx: HookContext): Promise<void> {
  const realm = markerRealm('upgrade');
  await createRealm(ctx.baseUrl, await credentials(ctx), realm);
  await ctx.opState.write('upgradeRealm', realm);
}

export async function preBackup(ctx: HookContext): Promise<void> {
  const realm = markerRealm('backup');
  await createRealm(ctx.baseUrl, await credentials(ctx), realm);
  await ctx.opState.write('backupRealm', realm);
}

export async function preRestore(ctx: HookContext): Promise<void> {
  const realm = (await ctx.opState.read()).hooks?.backupRealm;
  if (typeof realm !== 'string') throw new Error('preBackup recorded no marker realm');
  await deleteRealm(ctx.baseUrl, await credentials(ctx), realm);
  const { status } = await discovery(ctx.baseUrl, realm);
  if (status !== 404) throw new Error(`realm ${realm} still answers ${status} after its deletion: the restore could not prove anything`);
}
