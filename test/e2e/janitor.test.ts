// The janitor on the real swarm: an app left by a dead run (no lock held) is reaped; a live one is not.
import test from 'ava';
import { execa } from 'execa';
import { mkdir, mkdtemp, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stackName } from '../../src/domain/identity.js';
import { currentOwner, tryLock } from '../../src/io/lock.js';
import { silentLogger } from '../../src/io/log.js';
import { bedConfig, ccciBin, bedConfigFile, fixture, stackLeftovers } from '../helpers/test-bed.js';

/** Deploys `web` as a dead run would have left it: app created and deployed, nobody holding its lock. */
async function leaveOrphan(domain: string): Promise<void> {
  const config = await bedConfig();
  const abraDir = await mkdtemp(join(tmpdir(), 'ccci-orphan-'));
  await mkdir(join(abraDir, 'recipes'));
  await symlink(join(config.abra.dir, 'servers'), join(abraDir, 'servers'));
  await execa('git', ['clone', '--quiet', fixture('web'), join(abraDir, 'recipes', 'web')]);
  const abra = (...commandArguments: string[]) => execa(config.abra.bin, [...commandArguments, '-n', '-o'], { env: { ABRA_DIR: abraDir } });
  await abra('app', 'new', 'web', '--server', config.abra.server, '--domain', domain, '--secrets');
  await abra('app', 'deploy', domain, '--no-converge-checks');
}

test.serial('ccci janitor reaps an orphaned per-run app, and leaves one whose lock is held', async (t) => {
  const config = await bedConfig();
  const orphan = `jan1-0a0b0c.${config.ciDomain}`;
  const live = `jan2-0d0e0f.${config.ciDomain}`;
  await leaveOrphan(orphan);
  await leaveOrphan(live);
  const held = await tryLock(live, currentOwner('live-run'), { lockDir: config.lockDir, log: silentLogger, onCompromised: () => undefined });
  t.truthy(held);
  try {
    const dryRun = await execa(ccciBin, ['janitor', '--dry-run', '--config', bedConfigFile]);
    t.regex(dryRun.stdout, new RegExp(`^${orphan.replaceAll('.', '\\.')}\\treaped\\tdry run: would reap`, 'm'));
    t.not((await stackLeftovers(stackName(orphan))).length, 0, 'a dry run reaps nothing');
    const janitor = await execa(ccciBin, ['janitor', '--config', bedConfigFile]);
    t.regex(janitor.stdout, new RegExp(`^${orphan.replaceAll('.', '\\.')}\\treaped\\tlock free: owner gone$`, 'm'));
    t.regex(janitor.stdout, new RegExp(`^${live.replaceAll('.', '\\.')}\\tleft-live\\tlock held by a live run$`, 'm'));
    t.deepEqual(await stackLeftovers(stackName(orphan)), []);
    t.not((await stackLeftovers(stackName(live))).length, 0);
  } finally {
    await held!.release();
  }
  const cleanup = await execa(ccciBin, ['janitor', '--config', bedConfigFile]);
  t.regex(cleanup.stdout, new RegExp(`^${live.replaceAll('.', '\\.')}\\treaped`, 'm'));
  t.deepEqual(await stackLeftovers(stackName(live)), []);
});
