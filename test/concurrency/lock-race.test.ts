// The stale-takeover race of proper-lockfile (#121): many contenders that all find the same stale
// lock at the same moment. Real processes, real lock directories, many rounds: exactly one wins each.
import test from 'ava';
import { execa } from 'execa';
import { mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { silentLogger } from '../../src/io/log.js';
import { LOCK_STALE_MS, lockPaths, TAKEOVER_GUARD, tryLock } from '../../src/io/lock.js';

const CONTENDERS = 6;
const ROUNDS = 15;
const PERIOD_MS = 2_000;
const contender = fileURLToPath(new URL('../fixtures/lock-contender.ts', import.meta.url));

/** What a SIGKILLed holder leaves: the lock directory and owner record, not refreshed for a while. */
async function leaveStaleLock(lockDir: string, domain: string): Promise<void> {
  const paths = lockPaths(lockDir, domain);
  await mkdir(paths.lockDirectory, { recursive: true });
  await writeFile(paths.ownerFile, JSON.stringify({ runId: 'dead-run', pid: 999_999, host: 'gone', startedAt: '2026-01-01T00:00:00Z' }));
  const past = new Date(Date.now() - 2 * LOCK_STALE_MS);
  await utimes(paths.lockDirectory, past, past);
}

test('every round, exactly one of six simultaneous contenders takes over the same stale lock', async (t) => {
  const lockDir = await mkdtemp(join(tmpdir(), 'ccci-lock-race-'));
  t.teardown(() => rm(lockDir, { recursive: true, force: true }));
  const domain = 'race-abcdef.ci.test';
  const journal = join(lockDir, 'journal');
  await writeFile(journal, '');
  const firstStart = Date.now() + 4_000; // time for every contender to start (tsx) before round 0
  const children = Array.from({ length: CONTENDERS }, () =>
    execa(process.execPath, [
      '--import',
      'tsx',
      contender,
      lockDir,
      domain,
      String(ROUNDS),
      String(firstStart),
      String(PERIOD_MS),
      journal,
    ]),
  );
  for (let round = 0; round < ROUNDS; round++) {
    // the previous winner released at start + period/4; make the lock stale again well before the next start
    await sleep(Math.max(0, firstStart + round * PERIOD_MS - PERIOD_MS / 2 - Date.now()));
    await leaveStaleLock(lockDir, domain);
  }
  await Promise.all(children);
  const lines = (await readFile(journal, 'utf8')).split('\n').filter((line) => line !== '');
  t.deepEqual(
    lines.filter((line) => line.includes('compromised')),
    [],
  );
  for (let round = 0; round < ROUNDS; round++) {
    const winners = lines.filter((line) => line.startsWith(`${round} `));
    t.is(winners.length, 1, `round ${round}: ${winners.join('; ') || 'nobody'}`);
  }
});

test('takeovers of many domains leave one guard file in the lock dir, not one per domain', async (t) => {
  const lockDir = await mkdtemp(join(tmpdir(), 'ccci-lock-guard-'));
  t.teardown(() => rm(lockDir, { recursive: true, force: true }));
  const domains = ['aaaa-000001.ci.test', 'bbbb-000002.ci.test', 'cccc-000003.ci.test'];
  for (const domain of domains) await leaveStaleLock(lockDir, domain);
  const owner = { runId: 'guard-test', pid: process.pid, host: 'here', startedAt: new Date().toISOString() };
  const held = [];
  for (const domain of domains) {
    const lock = await tryLock(domain, owner, { lockDir, log: silentLogger, onCompromised: (error) => t.fail(error.message) });
    t.truthy(lock, `took over the stale lock of ${domain}`);
    held.push(lock!);
  }
  for (const lock of held) await lock.release();
  t.deepEqual(
    (await readdir(lockDir)).filter((name) => name.includes('takeover')),
    [TAKEOVER_GUARD],
  );
});
