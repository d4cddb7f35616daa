// Deploys the `web` fixture the way a run would have, but without holding its lock: what a dead run leaves.
import { execa } from 'execa';
import { mkdir, mkdtemp, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bedConfig, fixture } from './test-bed.js';

export async function deployApp(domain: string): Promise<void> {
  const config = await bedConfig();
  const abraDir = await mkdtemp(join(tmpdir(), 'ccci-left-app-'));
  await mkdir(join(abraDir, 'recipes'));
  await symlink(join(config.abra.dir, 'servers'), join(abraDir, 'servers'));
  await execa('git', ['clone', '--quiet', fixture('web'), join(abraDir, 'recipes', 'web')]);
  const abra = (...commandArguments: string[]) => execa(config.abra.bin, [...commandArguments, '-n', '-o'], { env: { ABRA_DIR: abraDir } });
  await abra('app', 'new', 'web', '--server', config.abra.server, '--domain', domain, '--secrets');
  await abra('app', 'deploy', domain, '--no-converge-checks');
}
