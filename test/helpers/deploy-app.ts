// Deploys the `web` fixture the way a run would have, but without holding its lock: what a dead run leaves.
import { execa } from 'execa';
import { mkdir, mkdtemp, symlink } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { stackName } from '../../src/domain/identity.js';
import { ownerLabels } from '../../src/domain/stack-owner.js';
import { createDocker } from '../../src/io/docker.js';
import { instanceId } from '../../src/io/instance-id.js';
import { silentLogger } from '../../src/io/log.js';
import { bedConfig, fixture } from './test-bed.js';

/**
 * `owner`: whose labels the app's services get, as a run labels them once its deploy converged — the
 * test bed's instance (default), another instance's id, or none (a stack cc-ci never labelled).
 */
export async function deployApp(
  domain: string,
  owner: { readonly instance: string } | 'this-instance' | 'unlabelled' = 'this-instance',
): Promise<void> {
  const config = await bedConfig();
  const abraDir = await mkdtemp(join(tmpdir(), 'ccci-left-app-'));
  await mkdir(join(abraDir, 'recipes'));
  await symlink(join(config.abra.dir, 'servers'), join(abraDir, 'servers'));
  await execa('git', ['clone', '--quiet', fixture('web'), join(abraDir, 'recipes', 'web')]);
  const abra = (...commandArguments: string[]) => execa(config.abra.bin, [...commandArguments, '-n', '-o'], { env: { ABRA_DIR: abraDir } });
  await abra('app', 'new', 'web', '--server', config.abra.server, '--domain', domain, '--secrets');
  await abra('app', 'deploy', domain, '--no-converge-checks');
  if (owner === 'unlabelled') return;
  const instance = owner === 'this-instance' ? instanceId(config.lockDir) : owner.instance;
  await createDocker({ log: silentLogger }).labelService(
    `${stackName(domain)}_app`,
    ownerLabels({ instance, runId: `left-${domain}`, host: hostname() }),
  );
}
