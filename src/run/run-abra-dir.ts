// A run's own ABRA_DIR (the app's, and lint's pristine one): servers/ is the shared server config, so
// abra finds the swarm; recipes/ starts empty, so nothing of another run's checkout is seen.
import { mkdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';

/** A per-run ABRA_DIR: servers/ is the shared server config, recipes/ starts empty. */
export async function createRunAbraDir(abraDir: string, sharedAbraDir: string): Promise<void> {
  await mkdir(join(abraDir, 'recipes'), { recursive: true });
  await symlink(join(sharedAbraDir, 'servers'), join(abraDir, 'servers'), 'dir');
}
