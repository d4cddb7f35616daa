// Lifetime on the real swarm with real signals: whatever ends a run early, teardown runs once,
// the exit code says why, and no process or swarm object of the run is left.
import test from 'ava';
import { execa, type ResultPromise } from 'execa';
import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { dependencyDomain, stackName } from '../../src/domain/identity.js';
import { LOCK_STALE_MS, lockPaths } from '../../src/io/lock.js';
import { pathExists } from '../../src/io/fs.js';
import { Results } from '../../src/results/schema.js';
import type { RunEvent } from '../../src/results/run-events.js';
import { bedConfig, bedConfigFile, ccciBin, fixture, runEvents, stackLeftovers } from '../helpers/test-bed.js';

const runsDir = await mkdtemp(join(tmpdir(), 'ccci-lifetime-'));

interface Started {
  readonly child: ResultPromise;
  /** Resolves with the first JSON event that satisfies `predicate`. */
  readonly waitFor: (predicate: (event: RunEvent) => boolean) => Promise<RunEvent>;
  /** Resolves with the run.started event. */
  readonly started: () => Promise<Extract<RunEvent, { event: 'run.started' }>>;
  /** Every JSON event so far. */
  readonly events: readonly RunEvent[];
}

function startRun(pr: string, extra: readonly string[] = [], recipe = 'web'): Started {
  const child = execa(
    ccciBin,
    ['run', fixture(recipe), '--ref', 'pr/1', '--pr', pr, '--config', bedConfigFile, '--runs-dir', runsDir, '--json', ...extra],
    {
      reject: false,
      // execa would SIGKILL the run 5 s after our SIGTERM; teardown takes longer than that
      forceKillAfterDelay: false,
    },
  );
  const events: RunEvent[] = [];
  const waiters: { predicate: (event: RunEvent) => boolean; resolve: (event: RunEvent) => void }[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    if (!line.startsWith('{')) return;
    const [event] = runEvents(line);
    if (event === undefined) return;
    events.push(event);
    for (const waiter of [...waiters]) if (waiter.predicate(event)) waiter.resolve(event);
  });
  return {
    child,
    events,
    started: () => waitFor((event) => event.event === 'run.started') as Promise<Extract<RunEvent, { event: 'run.started' }>>,
    waitFor: (predicate) => waitFor(predicate),
  };
  function waitFor(predicate: (event: RunEvent) => boolean): Promise<RunEvent> {
    return new Promise((resolve) => {
      const seen = events.find(predicate);
      if (seen !== undefined) resolve(seen);
      else waiters.push({ predicate, resolve });
    });
  }
}

async function resultsOf(runId: string): Promise<Results> {
  return Results.parse(JSON.parse(await readFile(join(runsDir, runId, 'results.json'), 'utf8')));
}

/** Processes whose command line mentions the run (its directory or domain): none may survive the run. */
async function processesOf(marker: string): Promise<string[]> {
  const found: string[] = [];
  for (const pid of (await readdir('/proc')).filter((name) => /^\d+$/.test(name))) {
    try {
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
      if (/^\d+ \(.*\) Z/.test(stat)) continue; // zombies are dead, only not yet reaped by pid 1
      const commandLine = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).replaceAll('\0', ' ');
      if (commandLine.includes(marker)) found.push(`${pid}: ${commandLine}`);
    } catch {
      // the process ended while we looked
    }
  }
  return found;
}

async function assertNothingLeft(t: import('ava').ExecutionContext, results: Results): Promise<void> {
  t.true(results.teardown.ran);
  t.deepEqual(results.teardown.leftovers, []);
  t.deepEqual(await stackLeftovers(stackName(results.domain)), []);
  t.deepEqual(await processesOf(results.runId), []);
  t.deepEqual(await processesOf(results.domain), []);
}

test.serial('SIGTERM in the middle of a tier tears down and exits 143', async (t) => {
  const run = startRun('101');
  const started = await run.started();
  await run.waitFor((event) => event.event === 'stage.started' && event.stage === 'upgrade');
  run.child.kill('SIGTERM');
  const { exitCode } = await run.child;
  t.is(exitCode, 143);
  const results = await resultsOf(String(started.runId));
  t.is(results.abortReason, 'sigterm');
  t.is(results.exitCode, 143);
  t.is(results.verdict, 'error');
  t.is(results.rungs.install.status, 'pass');
  t.is(results.rungs.upgrade.status, 'unver');
  t.is(results.rungs.upgrade.cause, 'aborted');
  await assertNothingLeft(t, results);
});

test.serial('SIGTERM once a dependency is up tears down the app and the dependency, releases both locks, exits 143', async (t) => {
  const run = startRun('106', [], 'with-deps');
  const started = await run.started();
  await run.waitFor((event) => event.event === 'notice' && event.message.startsWith('dependency kv is ready'));
  const config = await bedConfig();
  const kv = dependencyDomain(String(started.domain), 'kv', config.ciDomain);
  t.true(await pathExists(lockPaths(config.lockDir, kv).ownerFile), 'the run holds the lock of its dependency while it is up');
  run.child.kill('SIGTERM');
  const { exitCode } = await run.child;
  t.is(exitCode, 143);
  const results = await resultsOf(String(started.runId));
  t.is(results.abortReason, 'sigterm');
  t.is(results.verdict, 'error');
  t.true(results.deploys.actual <= results.deploys.expected, JSON.stringify(results.deploys));
  await assertNothingLeft(t, results);
  t.deepEqual(await stackLeftovers(stackName(kv)), []);
  for (const domain of [results.domain, kv]) {
    t.false(await pathExists(lockPaths(config.lockDir, domain).ownerFile), `the owner record of ${domain} is gone`);
    t.false(await pathExists(lockPaths(config.lockDir, domain).lockDirectory), `the lock of ${domain} is released`);
  }
});

test.serial("a cancel request (the run directory's cancel-requested file) tears down and exits 143", async (t) => {
  const run = startRun('105');
  const started = await run.started();
  await run.waitFor((event) => event.event === 'stage.started' && event.stage === 'install');
  await writeFile(join(String(started.runDir), 'cancel-requested'), 'cancelled by the test\n');
  const { exitCode } = await run.child;
  t.is(exitCode, 143);
  const results = await resultsOf(String(started.runId));
  t.is(results.abortReason, 'cancel');
  await assertNothingLeft(t, results);
});

test.serial('the hard deadline tears down and exits 142', async (t) => {
  const run = startRun('102', ['--deadline', '0.25']);
  const started = await run.started();
  const { exitCode } = await run.child;
  t.is(exitCode, 142);
  const results = await resultsOf(String(started.runId));
  t.is(results.abortReason, 'deadline');
  await assertNothingLeft(t, results);
});

test.serial('signals during teardown are ignored: teardown finishes and the first reason stands', async (t) => {
  const run = startRun('103');
  const started = await run.started();
  await run.waitFor((event) => event.event === 'stage.started' && event.stage === 'install');
  run.child.kill('SIGINT');
  await run.waitFor((event) => event.event === 'stage.started' && event.stage === 'teardown');
  run.child.kill('SIGTERM');
  run.child.kill('SIGHUP');
  const { exitCode } = await run.child;
  t.is(exitCode, 143);
  const results = await resultsOf(String(started.runId));
  t.is(results.abortReason, 'sigint');
  await assertNothingLeft(t, results);
  const log = await readFile(join(runsDir, results.runId, 'run.log'), 'utf8');
  // the first signal is acted on, the two during teardown are logged as ignored
  t.is(log.split('\n').filter((line) => line.includes('"run abort requested"')).length, 1);
  t.is(log.split('\n').filter((line) => line.includes('"abort request ignored: the run is already stopping"')).length, 2);
});

test.serial('a run whose parent is SIGKILLed notices, tears down by itself and exits', async (t) => {
  // the parent is a shell that starts ccci in the background and waits; SIGKILL leaves ccci orphaned
  const parent = execa(
    'sh',
    [
      '-c',
      `"$0" "$@" & echo "ccci $!"; wait`,
      ccciBin,
      'run',
      fixture('web'),
      '--ref',
      'pr/1',
      '--pr',
      '104',
      '--config',
      bedConfigFile,
      '--runs-dir',
      runsDir,
      '--json',
    ],
    { reject: false },
  );
  const lines = createInterface({ input: parent.stdout! });
  let ccciPid = 0;
  let runId = '';
  const sawInstall = new Promise<void>((resolve) => {
    lines.on('line', (line) => {
      const pid = /^ccci (\d+)$/.exec(line);
      if (pid) ccciPid = Number(pid[1]);
      if (!line.startsWith('{')) return;
      const [event] = runEvents(line);
      if (event?.event === 'run.started') runId = event.runId;
      if (event?.event === 'stage.started' && event.stage === 'install') resolve();
    });
  });
  await sawInstall;
  parent.kill('SIGKILL');
  await parent;
  // ccci is no longer our child: wait for it to go away on its own
  while (
    await readFile(`/proc/${ccciPid}/stat`, 'utf8').then(
      (stat) => !/^\d+ \(.*\) Z/.test(stat),
      () => false,
    )
  ) {
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const results = await resultsOf(runId);
  t.is(results.abortReason, 'parent-gone');
  t.is(results.exitCode, 143);
  await assertNothingLeft(t, results);
});

test.serial(
  "a run stalled past the lock staleness loses its domain: it stops without tearing down, the new owner's app is untouched and green, the stalled run ends error lock-lost",
  async (t) => {
    const first = startRun('107');
    const firstStarted = await first.started();
    await first.waitFor((event) => event.event === 'stage.started' && event.stage === 'install');
    // an event loop stalled past the staleness window, as a frozen VM or a swapped-out host would stall it
    process.kill(first.child.pid!, 'SIGSTOP');
    let second: Started;
    let secondStarted: Extract<RunEvent, { event: 'run.started' }>;
    try {
      second = startRun('107');
      secondStarted = await second.started();
      t.is(secondStarted.domain, firstStarted.domain);
      const endedEarly = second.child.then((result) =>
        Promise.reject(new Error(`the second run ended before installing: ${String(result.stdout)}`)),
      );
      await Promise.race([
        second.waitFor((event) => event.event === 'lock.waiting' && event.holder?.runId === firstStarted.runId),
        endedEarly,
      ]);
      // took the stale lock over, cleared what the stalled run had deployed, and deployed its own app
      await Promise.race([second.waitFor((event) => event.event === 'stage.started' && event.stage === 'install'), endedEarly]);
      endedEarly.catch(() => undefined);
    } finally {
      process.kill(first.child.pid!, 'SIGCONT');
    }
    const firstExit = await first.child;
    t.is(firstExit.exitCode, 3);
    const lost = await resultsOf(String(firstStarted.runId));
    t.is(lost.abortReason, 'lock-lost');
    t.is(lost.verdict, 'error');
    t.regex(lost.abortDetail ?? '', new RegExp(`it is now held by run ${secondStarted.runId} `));
    t.false(lost.teardown.ran, 'the stalled run never tore the domain down');
    const lostLog = await readFile(join(runsDir, lost.runId, 'run.log'), 'utf8');
    t.false(lostLog.includes('"msg":"teardown finished"'));
    t.deepEqual(await processesOf(lost.runId), []);

    const secondExit = await second.child;
    t.is(secondExit.exitCode, 0, String(secondExit.stdout));
    const owner = await resultsOf(String(secondStarted.runId));
    t.is(owner.verdict, 'success', JSON.stringify(owner.rungs));
    t.deepEqual(owner.deploys, { expected: 1, actual: 1 });
    t.true(
      second.events.some(
        (event) =>
          event.event === 'notice' &&
          event.message === `${owner.domain}: removing what a previous run left on it (its lock had gone stale)`,
      ),
    );
    await assertNothingLeft(t, owner);
    t.false(await pathExists(lockPaths((await bedConfig()).lockDir, owner.domain).ownerFile), 'the new owner released its lock');
  },
);

test.serial(
  'a SIGKILLed run leaves its app and no results.json; the janitor pass that reaps the app once its lock is stale records the run: error, killed, what was reaped',
  async (t) => {
    const run = startRun('108');
    const { runId, domain } = await run.started();
    // installed and about to be upgraded: the app is up, the run holds its lock
    await run.waitFor((event) => event.event === 'stage.started' && event.stage === 'upgrade');
    run.child.kill('SIGKILL');
    await run.child;
    t.false(await pathExists(join(runsDir, runId, 'results.json')), 'a SIGKILLed run writes nothing more');
    t.not((await stackLeftovers(stackName(domain))).length, 0);
    // its children run in their own process groups: the upgrade's abra call may finish its deploy first
    await new Promise((resolve) => setTimeout(resolve, LOCK_STALE_MS + 1_000));
    const pass = await execa(ccciBin, ['janitor', '--config', bedConfigFile], { reject: false });
    t.is(pass.exitCode, 0, pass.stderr);
    t.regex(pass.stdout, new RegExp(`^${domain.replaceAll('.', '\\.')}\\s+owner-gone\\s+reaped\\s+`, 'm'));
    const results = await resultsOf(runId);
    t.like(results, {
      runId,
      domain,
      verdict: 'error',
      abortReason: 'killed',
      exitCode: 3,
      level: 0,
      teardown: { ran: true, leftovers: [] },
    });
    t.regex(
      results.abortDetail ?? '',
      new RegExp(
        `^run ${runId} \\(pid ${run.child.pid} on [^,]+, since [^)]+\\) died without finishing: its process was gone and its lock stale when the janitor pass \\S+ found it at \\S+; its app was reaped$`,
      ),
    );
    t.is(results.rungs.upgrade.reason, 'unverified: the run was killed before it recorded this rung');
    await assertNothingLeft(t, results);
  },
);
