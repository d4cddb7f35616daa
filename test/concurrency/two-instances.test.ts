// Two cc-ci instances on one swarm, each with its own lock dir (a second operator, a misconfiguration,
// a test set-up): neither janitor reaps the other's live app, though no record of it is in its lock dir.
import test from 'ava';
import { execa } from 'execa';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { stackName } from '../../src/domain/identity.js';
import { Results } from '../../src/results/schema.js';
import type { RunEvent } from '../../src/results/run-events.js';
import { bedConfigFile, ccciBin, fixture, runEvents, stackLeftovers } from '../helpers/test-bed.js';

/** A `ccci run` of web; `reached(stage)` resolves once that stage has started. */
function startRun(configFile: string, runsDir: string, pr: string) {
  const child = execa(
    ccciBin,
    ['run', fixture('web'), '--ref', 'pr/1', '--pr', pr, '--config', configFile, '--runs-dir', runsDir, '--json'],
    { reject: false },
  );
  const events: RunEvent[] = [];
  const waiters: (() => void)[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    if (!line.startsWith('{')) return;
    events.push(...runEvents(line));
    for (const waiter of waiters.splice(0)) waiter();
  });
  const seen = (predicate: (event: RunEvent) => boolean) =>
    new Promise<RunEvent>((resolve) => {
      const check = () => {
        const found = events.find(predicate);
        if (found === undefined) waiters.push(check);
        else resolve(found);
      };
      check();
    });
  return {
    child,
    started: () => seen((event) => event.event === 'run.started') as Promise<Extract<RunEvent, { event: 'run.started' }>>,
    reached: (stage: string) => seen((event) => event.event === 'stage.started' && event.stage === stage),
  };
}

const janitor = (configFile: string) => execa(ccciBin, ['janitor', '--config', configFile], { reject: false });

test.serial(
  "two instances with their own lock dirs on one swarm: each janitor leaves the other's live app, and both runs finish green",
  async (t) => {
    const scratch = await mkdtemp(join(tmpdir(), 'ccci-two-instances-'));
    const otherConfigFile = join(scratch, 'other-instance.json');
    const otherLockDir = await mkdtemp(join(tmpdir(), 'ccci-other-instance-locks-'));
    await writeFile(otherConfigFile, JSON.stringify({ ...JSON.parse(await readFile(bedConfigFile, 'utf8')), lockDir: otherLockDir }));
    const runsDir = join(scratch, 'runs');

    const first = startRun(bedConfigFile, runsDir, '301');
    const { domain: firstDomain, runId: firstRun } = await first.started();
    // the first app is deployed and labelled: the second run's own pre-deploy pass meets it
    await first.reached('install');
    const second = startRun(otherConfigFile, runsDir, '302');
    const { domain: secondDomain, runId: secondRun } = await second.started();
    await second.reached('install');

    // both apps live, each known only to its own lock dir: a pass of each instance leaves the other's
    const [bedPass, otherPass] = [await janitor(bedConfigFile), await janitor(otherConfigFile)];
    t.is(bedPass.exitCode, 0, bedPass.stderr);
    t.is(otherPass.exitCode, 0, otherPass.stderr);
    // labelled, it is another instance's; while a redeploy of it converges (its labels come back after), it is nobody's known: left either way
    const leftAlone = (domain: string, runId: string) =>
      new RegExp(
        `^${domain.replaceAll('.', '\\.')}\\s+(other-instance\\s+left\\s+the app of another cc-ci instance \\(instance [0-9a-f]{12}, run ${runId}, |unowned-stack\\s+left\\s+)`,
        'm',
      );
    t.regex(bedPass.stdout, leftAlone(secondDomain, secondRun));
    t.regex(otherPass.stdout, leftAlone(firstDomain, firstRun));

    const [firstExit, secondExit] = await Promise.all([first.child, second.child]);
    for (const [exit, runId] of [
      [firstExit, firstRun],
      [secondExit, secondRun],
    ] as const) {
      const results = Results.parse(JSON.parse(await readFile(join(runsDir, runId, 'results.json'), 'utf8')));
      t.is(exit.exitCode, 0, `${runId}: ${JSON.stringify(results.rungs)}`);
      t.like(results, { verdict: 'success', level: 5, flags: { cleanTeardown: true } });
    }
    t.deepEqual(await stackLeftovers(stackName(firstDomain)), []);
    t.deepEqual(await stackLeftovers(stackName(secondDomain)), []);
  },
);
