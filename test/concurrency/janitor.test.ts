// The janitor's decision table (docs/concurrency.md), row by row, with real lock-holding processes,
// real SIGKILLs and apps really deployed on the test bed's swarm; replaced-while-acquiring through the
// janitor machine's acquire slot, against the real lock and a real second process.
// Then the second half of a pass: run directories older than runRetentionDays pruned, on real files.
import test from 'ava';
import { execa } from 'execa';
import { mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stackName } from '../../src/domain/identity.js';
import { ownerLabels } from '../../src/domain/stack-owner.js';
import { createActor, fromPromise, toPromise } from 'xstate';
import { janitorActors, takeJanitorLock } from '../../src/actors/sweep-leftovers.js';
import { createAbra } from '../../src/io/abra.js';
import { createDocker } from '../../src/io/docker.js';
import { LOCK_STALE_MS, lockPaths, readLockOwner, SWARM_ID_FILE, type HeldLock } from '../../src/io/lock.js';
import { silentLogger } from '../../src/io/log.js';
import { instanceId } from '../../src/io/instance-id.js';
import { janitorMachine } from '../../src/machines/janitor.machine.js';
import { bedConfig, bedConfigFile, ccciBin, stackLeftovers } from '../helpers/test-bed.js';
import { deployApp } from '../helpers/deploy-app.js';
import { holdLock as holdDomainLock } from '../helpers/lock-holder.js';
import { daysAgo, writeRunDir } from '../helpers/run-dirs.js';

const config = await bedConfig();
const escape = (domain: string) => domain.replaceAll('.', '\\.');

/** A process holding the domain lock like a live run; resolves once it holds it. */
const holdLock = (domain: string, startedAt?: string) => holdDomainLock(config.lockDir, domain, startedAt);

async function janitor(...flags: string[]) {
  return execa(ccciBin, ['janitor', '--config', bedConfigFile, ...flags], { reject: false });
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test.serial('an app of this instance with no lock record at all (after a reboot) is reaped at once; a dry run only says so', async (t) => {
  const domain = `jan1-0a0b0c.${config.ciDomain}`;
  await deployApp(domain);
  const dryRun = await janitor('--dry-run');
  t.regex(dryRun.stdout, new RegExp(`^${escape(domain)}\\s+owner-gone\\s+would-reap\\s+lock free: owner gone \\(dry run\\)$`, 'm'));
  t.not((await stackLeftovers(stackName(domain))).length, 0, 'a dry run reaps nothing');
  const pass = await janitor();
  t.is(pass.exitCode, 0);
  t.regex(pass.stdout, new RegExp(`^${escape(domain)}\\s+owner-gone\\s+reaped\\s+lock free: owner gone$`, 'm'));
  t.deepEqual(await stackLeftovers(stackName(domain)), []);
});

test.serial(
  "another instance's app and an app no cc-ci labelled, with no lock record here, are reported and left; labelled as this instance's, the next pass reaps them",
  async (t) => {
    const other = `jan8-1a1b1c.${config.ciDomain}`;
    const bare = `jan9-2a2b2c.${config.ciDomain}`;
    await deployApp(other, { instance: 'ffffffffffff' });
    await deployApp(bare, 'unlabelled');
    const pass = await janitor();
    t.is(pass.exitCode, 0, pass.stderr);
    t.regex(
      pass.stdout,
      new RegExp(
        `^${escape(other)}\\s+other-instance\\s+left\\s+the app of another cc-ci instance \\(instance ffffffffffff, run left-${escape(other)}, on [^)]+\\): left to its janitor$`,
        'm',
      ),
    );
    t.regex(pass.stdout, new RegExp(`^${escape(bare)}\\s+unowned-stack\\s+left\\s+no cc-ci owner label and no lock record`, 'm'));
    t.not((await stackLeftovers(stackName(other))).length, 0);
    t.not((await stackLeftovers(stackName(bare))).length, 0);
    const ours = ownerLabels({ instance: instanceId(config.lockDir), runId: 'adopted', host: 'test' });
    for (const domain of [other, bare]) await createDocker({ log: silentLogger }).labelService(`${stackName(domain)}_app`, ours);
    const adopted = await janitor();
    for (const domain of [other, bare]) {
      t.regex(adopted.stdout, new RegExp(`^${escape(domain)}\\s+owner-gone\\s+reaped\\s+`, 'm'));
      t.deepEqual(await stackLeftovers(stackName(domain)), []);
    }
  },
);

test.serial(
  'a lock dir belongs to the swarm it was first used with: a pass against another swarm judges nothing and exits 3',
  async (t) => {
    const swarmFile = join(config.lockDir, SWARM_ID_FILE);
    const recorded = (await readFile(swarmFile, 'utf8')).trim();
    t.is(
      recorded,
      (await execa('docker', ['info', '--format', '{{.Swarm.Cluster.ID}}'])).stdout.trim(),
      'the first pass recorded this swarm',
    );
    await writeFile(swarmFile, 'another-swarm-id\n');
    try {
      const pass = await janitor();
      t.is(pass.exitCode, 3);
      t.regex(
        pass.stdout,
        new RegExp(
          `^\\*\\s+lock-dir-missing\\s+skipped\\s+lock dir ${escape(config.lockDir)} belongs to swarm another-swarm-id, but this engine is in swarm ${recorded}: `,
          'm',
        ),
      );
    } finally {
      await writeFile(swarmFile, `${recorded}\n`);
    }
  },
);

test.serial(
  'a live holder is never reaped; once it is SIGKILLed the janitor says when its lock goes stale, and then reaps the app exactly once',
  async (t) => {
    const domain = `jan2-0d0e0f.${config.ciDomain}`;
    await deployApp(domain);
    const { process: holder } = await holdLock(domain);
    const whileLive = await janitor();
    t.regex(whileLive.stdout, new RegExp(`^${escape(domain)}\\s+live\\s+left\\s+lock held by run holder-\\d+ `, 'm'));
    t.not((await stackLeftovers(stackName(domain))).length, 0);
    holder.kill('SIGKILL');
    await holder;
    const justKilled = await janitor();
    // the lock is still fresh; the holder ran on this host and its pid is gone: said so, with when it will be reaped
    t.regex(
      justKilled.stdout,
      new RegExp(
        `^${escape(domain)}\\s+dead-owner-lock-fresh\\s+left\\s+run holder-\\d+ \\(pid \\d+ on [^,]+, since [^)]+\\) is gone, but its lock is still fresh: reaped by the first pass after \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z$`,
        'm',
      ),
    );
    t.not((await stackLeftovers(stackName(domain))).length, 0, 'not reaped while the lock is fresh');
    await pause(LOCK_STALE_MS + 1_000);
    const afterStale = await janitor();
    t.regex(afterStale.stdout, new RegExp(`^${escape(domain)}\\s+owner-gone\\s+reaped\\s+`, 'm'));
    t.deepEqual(await stackLeftovers(stackName(domain)), []);
    const again = await janitor();
    t.notRegex(again.stdout, new RegExp(escape(domain)), 'reaped once: nothing of it is left to judge');
  },
);

test.serial('a lock held for over twice the deadline is reported as a possible leaked run and never stolen', async (t) => {
  const domain = `jan3-1a1b1c.${config.ciDomain}`;
  await deployApp(domain);
  const longAgo = new Date(Date.now() - 3 * config.deadlineMinutes * 60_000).toISOString();
  const { process: holder } = await holdLock(domain, longAgo);
  try {
    const pass = await janitor();
    t.regex(
      pass.stdout,
      new RegExp(
        `^${escape(domain)}\\s+possible-leaked-run\\s+left\\s+possible leaked run: lock held by run holder-\\d+ .* for 180 min, over twice the deadline; never stolen$`,
        'm',
      ),
    );
    t.not((await stackLeftovers(stackName(domain))).length, 0);
  } finally {
    holder.kill('SIGKILL');
    await holder;
  }
  await pause(LOCK_STALE_MS + 1_000);
  t.regex((await janitor()).stdout, new RegExp(`^${escape(domain)}\\s+owner-gone\\s+reaped`, 'm'));
  t.deepEqual(await stackLeftovers(stackName(domain)), []);
});

test.serial('two janitors at once: exactly one reaps', async (t) => {
  const domain = `jan4-2a2b2c.${config.ciDomain}`;
  await deployApp(domain);
  const [first, second] = await Promise.all([janitor(), janitor()]);
  const reaped = [first, second].filter((pass) => new RegExp(`^${escape(domain)}\\s+owner-gone\\s+reaped`, 'm').test(pass.stdout));
  t.is(reaped.length, 1, `${first.stdout}\n---\n${second.stdout}`);
  t.deepEqual(await stackLeftovers(stackName(domain)), []);
});

test.serial('a lock record without an app is removed; an unreadable lock path is skipped and logged', async (t) => {
  const orphanRecord = `jan5-3a3b3c.${config.ciDomain}`;
  await writeFile(
    lockPaths(config.lockDir, orphanRecord).ownerFile,
    JSON.stringify({ runId: 'gone', pid: 1, host: 'h', startedAt: new Date().toISOString() }),
  );
  const unreadable = `jan6-4a4b4c.${config.ciDomain}`;
  const paths = lockPaths(config.lockDir, unreadable);
  await writeFile(paths.ownerFile, '{}');
  await symlink(paths.lockDirectory, paths.lockDirectory); // a symlink loop: stat fails with ELOOP
  try {
    const pass = await janitor();
    t.regex(pass.stdout, new RegExp(`^${escape(orphanRecord)}\\s+lock-record-without-app\\s+removed-record\\s+`, 'm'));
    t.regex(pass.stdout, new RegExp(`^${escape(unreadable)}\\s+lock-unreadable\\s+skipped\\s+cannot probe the lock: .*ELOOP`, 'm'));
    t.false((await readdir(config.lockDir)).includes(`${orphanRecord}.owner.json`));
  } finally {
    await execa('rm', ['-f', paths.lockDirectory, paths.ownerFile]);
  }
});

test.serial('a missing lock dir: nothing is probed, the janitor says why and exits 3', async (t) => {
  const missing = join(await mkdtemp(join(tmpdir(), 'ccci-nolockdir-')), 'absent');
  const configFile = join(await mkdtemp(join(tmpdir(), 'ccci-janitor-config-')), 'ccci.json');
  await writeFile(configFile, JSON.stringify({ ...config, lockDir: missing }));
  const pass = await execa(ccciBin, ['janitor', '--config', configFile], { reject: false });
  t.is(pass.exitCode, 3);
  t.regex(pass.stdout, new RegExp(`^\\*\\s+lock-dir-missing\\s+skipped\\s+lock dir ${missing} is missing or not writable`, 'm'));
});

test.serial('warm and canonical apps are never probed: no lock record is ever created for them', async (t) => {
  const warmStack = `warm-web_${config.ciDomain.replaceAll('.', '_')}`;
  await execa('docker', [
    'service',
    'create',
    '--quiet',
    '--detach',
    '--name',
    `${warmStack}_app`,
    '--label',
    `com.docker.stack.namespace=${warmStack}`,
    'ccci-testbed/busybox:1.35.0',
    'sleep',
    '600',
  ]);
  try {
    const pass = await janitor();
    t.notRegex(pass.stdout, /warm-web/);
    t.false((await readdir(config.lockDir)).some((name) => name.startsWith('warm-web')));
  } finally {
    await execa('docker', ['service', 'rm', `${warmStack}_app`]);
  }
});

test.serial(
  'replaced-while-acquiring: another process takes the lock between our acquire and our identity re-check; nothing of it is touched and the app stays',
  async (t) => {
    const domain = `jan7-5a5b5c.${config.ciDomain}`;
    await deployApp(domain);
    const adapters = {
      config,
      abra: createAbra({
        bin: config.abra.bin,
        abraDir: config.abra.dir,
        server: config.abra.server,
        tty: config.abra.tty,
        log: silentLogger,
      }),
      docker: createDocker({ log: silentLogger }),
      log: silentLogger,
      runId: 'janitor-test',
      instance: instanceId(config.lockDir),
    };
    const held = new Map<string, HeldLock>();
    const live = janitorActors(adapters, held);
    let replacement: Awaited<ReturnType<typeof holdLock>> | undefined;
    // the machine's acquire slot: the real acquire, then the replacement a racing takeover would make —
    // our lock dir and record removed, and a real process taking the lock — before the re-check runs
    const acquireThenReplaced = fromPromise<'acquired' | 'refused', { domain: string }>(async ({ input }) => {
      const outcome = await takeJanitorLock(adapters, held, input.domain);
      if (input.domain === domain && outcome === 'acquired') {
        const paths = lockPaths(config.lockDir, domain);
        await rm(paths.ownerFile, { force: true });
        await rm(paths.lockDirectory, { recursive: true, force: true });
        replacement = await holdLock(domain);
      }
      return outcome;
    });
    const actor = createActor(janitorMachine.provide({ actors: { ...live, acquireLock: acquireThenReplaced } }), {
      input: { dryRun: false },
    });
    const output = await toPromise(actor.start());
    try {
      const decision = output.decisions.find((entry) => entry.domain === domain);
      t.like(decision, { row: 'replaced-while-acquiring', action: 'skipped' });
      t.regex(decision!.detail, /^the lock now belongs to run holder-\d+ /);
      t.not((await stackLeftovers(stackName(domain))).length, 0, 'the app is not reaped');
      // the new holder's lock dir and record are still its own, and it never saw its lock compromised
      t.like(await readLockOwner(config.lockDir, domain), { runId: `holder-${replacement!.process.pid}` });
      await pause(6_000); // past a refresh of ours, had the abandoned lock still been refreshed
      t.is(replacement!.process.exitCode, null, 'the holder is still running: its lock was never compromised');
      t.is(held.size, 0);
    } finally {
      replacement?.process.kill('SIGKILL');
      await replacement?.process;
    }
    await pause(LOCK_STALE_MS + 1_000);
    t.regex((await janitor()).stdout, new RegExp(`^${escape(domain)}\\s+owner-gone\\s+reaped`, 'm'));
  },
);

test.serial(
  'run directories last written over runRetentionDays ago are pruned; newer ones, other names and a dry run keep theirs',
  async (t) => {
    const runsDir = await mkdtemp(join(tmpdir(), 'ccci-janitor-runs-'));
    const configFile = join(await mkdtemp(join(tmpdir(), 'ccci-janitor-config-')), 'ccci.json');
    await writeFile(configFile, JSON.stringify({ ...config, runsDir, runRetentionDays: 30 }));
    await writeRunDir(runsDir, '20261001T120000Z-0a0b0c-p7', daysAgo(40));
    await writeRunDir(runsDir, '20261002T120000Z-0d0e0f', daysAgo(31));
    await writeRunDir(runsDir, '20261003T120000Z-1a1b1c-p8', daysAgo(40), 'file');
    await writeRunDir(runsDir, '20261120T120000Z-2a2b2c-p9', daysAgo(10));
    await writeRunDir(runsDir, 'notes-of-the-operator', daysAgo(400));

    const dryRun = await execa(ccciBin, ['janitor', '--dry-run', '--config', configFile], { reject: false });
    t.is(dryRun.exitCode, 0, dryRun.stderr);
    t.regex(dryRun.stdout, /^run dir 20261001T120000Z-0a0b0c-p7 {2}would-prune {2}last written \S+, over 30 days ago$/m);
    t.regex(dryRun.stdout, /^run dir 20261002T120000Z-0d0e0f {2}would-prune /m);
    t.is((await readdir(runsDir)).length, 5, 'a dry run removes nothing');

    const pass = await execa(ccciBin, ['janitor', '--config', configFile], { reject: false });
    t.is(pass.exitCode, 0, pass.stderr);
    t.deepEqual(
      pass.stdout
        .split('\n')
        .filter((line) => line.startsWith('run dir '))
        .map((line) => line.split('  ').slice(0, 2).join(' ')),
      ['run dir 20261001T120000Z-0a0b0c-p7 pruned', 'run dir 20261002T120000Z-0d0e0f pruned'],
    );
    t.deepEqual((await readdir(runsDir)).sort(), ['20261003T120000Z-1a1b1c-p8', '20261120T120000Z-2a2b2c-p9', 'notes-of-the-operator']);
  },
);

test.serial('a retention not longer than the deadline is refused, naming the key', async (t) => {
  const configFile = join(await mkdtemp(join(tmpdir(), 'ccci-janitor-config-')), 'ccci.json');
  await writeFile(configFile, JSON.stringify({ ...config, runRetentionDays: 0.01, deadlineMinutes: 60 }));
  const pass = await execa(ccciBin, ['janitor', '--config', configFile], { reject: false });
  t.is(pass.exitCode, 2);
  t.regex(pass.stderr, /must be longer than deadlineMinutes \(60\): a live run.s directory is never pruned at runRetentionDays/);
});
