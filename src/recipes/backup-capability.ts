// Whether a recipe can be backed up: the rule prepare applies to its meta and compose files.
import { declaresBackup } from './compose.js';
import type { RecipeMeta } from './schema.js';

/** BACKUP_CAPABLE wins; otherwise a backupbot.backup=true label in any compose file. */
export function backupCapability(
  meta: Readonly<RecipeMeta>,
  composeFiles: readonly { name: string; text: string }[],
): { capable: boolean; reason: string } {
  if (meta.BACKUP_CAPABLE !== undefined)
    return { capable: meta.BACKUP_CAPABLE, reason: `BACKUP_CAPABLE is ${meta.BACKUP_CAPABLE} in the recipe meta` };
  return composeFiles.some(({ name, text }) => declaresBackup(text, name))
    ? { capable: true, reason: 'backupbot.backup=true label found' }
    : { capable: false, reason: 'not backup-capable: no backupbot.backup=true label in the compose files' };
}
