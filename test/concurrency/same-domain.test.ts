// Double `!testme`: two runs for the same domain at once. The second waits for the domain lock
// before creating the app; both finish green with exactly one deploy each, because every run-state
// file belongs to its run, never to the domain (the original's builds 279/281).
import test from 'ava';
import { execa } from 'execa';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appDomain, stackName } from '../../src/domain/identity.js';
import { lockPaths } from '../../src/io/lock.js';
import { Results } from '../../src/results/schema.js';
import { bedConfig, bedConfigFile, ccciBin, fixture, runEvents, stackLeftovers } from '../helpers/test-bed.js';
import { deployApp } from '../helpers/deploy-app.js';

test.serial('two runs for the same domain: the second waits for the lock, both are green with one deploy each', async (t) => {
  const runsDir = await mkdtemp(join(tmpdir(), 'ccci-same-domain-'));
  const start = () =>
    execa(ccciBin, ['run', fixture('web'), '--ref', 'pr/1', '--pr', '301', '--config', bedConfigFile, '--runs-dir', runsDir, '--json'], {
      reject: false,
    });
  const [first, second] = await Promise.all([start(), start()]);
  const outcomes = [first, second].map((child) => {
    const events = runEvents(child.stdout);
    return { child, events, finished: events.find((event) => event.event === 'run.finished') };
  });
  const results: Results[] = [];
  for (const outcome of outcomes) {
    t.truthy(outcome.finished, outcome.child.stdout + outcome.child.stderr);
    results.push(Results.parse(JSON.parse(await readFile(outcome.finished!.results, 'utf8'))));
  }
  t.is(results[0]!.domain, results[1]!.domain);
  for (const [index, result] of results.entries()) {
    t.is(outcomes[index]!.child.exitCode, 0, JSON.stringify(result.rungs));
    t.is(result.verdict, 'success');
    t.is(result.level, 5);
    t.deepEqual(result.deploys, { expected: 1, actual: 1 });
  }
  const waited = outcomes.filter((outcome) =>
    outcome.events.some(
      (event) => event.event === 'lock.waiting' && event.domain === results[0]!.domain && event.waitedMs === 0 && event.holder !== null,
    ),
  );
  t.is(waited.length, 1, 'exactly one run waited for the other');
  // the waiter created its app only after the holder's teardown had finished
  const [holder, waiter] = outcomes[0] === waited[0] ? [results[1]!, results[0]!] : [results[0]!, results[1]!];
  const holderLog = await readFile(join(runsDir, holder.runId, 'run.log'), 'utf8');
  const waiterLog = await readFile(join(runsDir, waiter.runId, 'run.log'), 'utf8');
  const timeOf = (log: string, message: string) =>
    JSON.parse(log.split('\n').find((line) => line.includes(`"msg":"${message}"`))!).time as number;
  t.true(timeOf(waiterLog, 'domain lock acquired') >= timeOf(holderLog, 'domain lock released'));
  t.deepEqual(await stackLeftovers(stackName(holder.domain)), []);
});

test.serial('a new run for a domain waits while a janitor reap holds its lock, then runs green', async (t) => {
  const config = await bedConfig();
  const runsDir = await mkdtemp(join(tmpdir(), 'ccci-reap-wait-'));
  const domain = appDomain('web', '302', 'pr/1', config.ciDomain);
  await deployApp(domain); // what a dead run of this very domain left behind
  const janitor = execa(ccciBin, ['janitor', '--config', bedConfigFile], { reject: false });
  const ownerFile = lockPaths(config.lockDir, domain).ownerFile;
  while (
    !(await readFile(ownerFile, 'utf8').then(
      () => true,
      () => false,
    ))
  )
    await new Promise((resolve) => setTimeout(resolve, 50));
  const run = await execa(
    ccciBin,
    ['run', fixture('web'), '--ref', 'pr/1', '--pr', '302', '--config', bedConfigFile, '--runs-dir', runsDir, '--json'],
    { reject: false },
  );
  const reap = await janitor;
  t.regex(reap.stdout, new RegExp(`^${domain.replaceAll('.', '\\.')}\\s+owner-gone\\s+reaped`, 'm'));
  const events = runEvents(run.stdout);
  t.true(
    events.some((event) => event.event === 'lock.waiting' && event.domain === domain && event.holder !== null),
    run.stdout,
  );
  const finished = events.find((event) => event.event === 'run.finished')!;
  t.is(run.exitCode, 0, run.stdout);
  const results = Results.parse(JSON.parse(await readFile(finished.results, 'utf8')));
  t.is(results.domain, domain);
  t.deepEqual(results.deploys, { expected: 1, actual: 1 });
  t.deepEqual(await stackLeftovers(stackName(domain)), []);
});
