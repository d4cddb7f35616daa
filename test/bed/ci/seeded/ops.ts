// Seed hooks of the `seeded` fixture: the data-integrity round trip of the backup and restore tiers. preBackup writes a
// marker into the app's volume, preRestore overwrites it, tests/restore.test.ts wants the original back.
import { randomBytes } from 'node:crypto';
import type { HookContext } from 'cc-ci/recipe';

export async function preInstall(ctx: HookContext): Promise<void> {
  await ctx.opState.write('preInstall', { baseUrl: ctx.baseUrl, op: ctx.op });
}

export async function preBackup(ctx: HookContext): Promise<void> {
  const marker = randomBytes(8).toString('hex');
  await ctx.exec('app', ['sh', '-c', 'cat > /var/www/seed.txt'], { input: marker });
  await ctx.opState.write('seed', marker);
  ctx.log.info({ marker }, 'seeded the marker');
}

export async function preRestore(ctx: HookContext): Promise<void> {
  await ctx.exec('app', ['sh', '-c', 'echo mutated > /var/www/seed.txt']);
}
