// Benchmark (npm run bench:convergence): how soon a dead deployment is said so. For each test bed
// fixture whose services can never run, one `ccci run`; prints the time from the end of the deploy
// command to the deploy stage's failure, against the target: healthcheck interval × retries + start
// period + 10 s (never DEPLOY_TIMEOUT).
import { execa } from 'execa';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { parseRunEvent } from '../src/results/run-events.js';

const bed = process.env.CCCI_TESTBED_DIR ?? '/var/lib/ccci-testbed';
const ccci = fileURLToPath(new URL('../bin/ccci', import.meta.url));
const fixtureSources = fileURLToPath(new URL('../test/bed/recipes', import.meta.url));
const FIXTURES = ['never-healthy', 'exits-clean', 'crash-loop', 'gives-up', 'no-image'];

await execa(fileURLToPath(new URL('../test/bed/testbed.sh', import.meta.url)), ['up'], { stdio: 'inherit' });

/** Compose durations as swarm reads them: 1m30s, 2s, 500ms. */
function seconds(duration: unknown): number {
  if (duration === undefined) return 0;
  let total = 0;
  for (const [, amount, unit] of String(duration).matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g))
    total += Number(amount) * { ms: 0.001, s: 1, m: 60, h: 3600 }[unit as 'ms' | 's' | 'm' | 'h'];
  return total;
}

async function targetSeconds(fixture: string): Promise<number> {
  const compose = parse(await readFile(join(fixtureSources, fixture, 'tree', 'compose.yml'), 'utf8')) as {
    services: Record<string, { healthcheck?: Record<string, unknown> }>;
  };
  const budgets = Object.values(compose.services).map(({ healthcheck }) =>
    healthcheck === undefined
      ? 0
      : seconds(healthcheck.interval ?? '30s') * Number(healthcheck.retries ?? 3) + seconds(healthcheck.start_period),
  );
  return Math.max(...budgets) + 10;
}

console.log('fixture         detected as      after deploy s   target s   deploy stage s');
for (const [index, fixture] of FIXTURES.entries()) {
  const run = await execa(
    ccci,
    ['run', join(bed, 'recipes', fixture), '--ref', 'pr/1', '--pr', String(900 + index), '--config', join(bed, 'ccci.json'), '--json'],
    { reject: false },
  );
  const events = run.stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => {
      const parsed = parseRunEvent(line);
      if ('problem' in parsed) throw new Error(`${fixture}: an event that is not in the schema: ${parsed.problem}`);
      return parsed.event;
    });
  const deploy = events.find((event) => event.event === 'stage.finished' && event.stage === 'deploy');
  const started = events.find((event) => event.event === 'run.started');
  if (deploy?.event !== 'stage.finished' || started?.event !== 'run.started')
    throw new Error(`${fixture}: no deploy stage in the run's events:\n${run.stdout}\n${run.stderr}`);
  const logLines = (await readFile(join(started.runDir, 'run.log'), 'utf8'))
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as { time: number; msg: string; argv?: string });
  const starts = logLines.filter((line) => line.msg === 'command start' && line.argv?.includes(' app deploy ')).at(-1);
  const deployEnd = logLines.find(
    (line) =>
      line.msg === 'command end' && starts !== undefined && line.time >= starts.time && (line as { command?: string }).command === 'script',
  );
  if (deployEnd === undefined) throw new Error(`${fixture}: no end of the deploy command in ${started.runDir}/run.log`);
  const after = (Date.parse(deploy.at) - deployEnd.time) / 1000;
  const state = /failed: ([a-z-]+):/.exec(deploy.detail)?.[1] ?? deploy.detail.slice(0, 16);
  const target = await targetSeconds(fixture);
  console.log(
    `${fixture.padEnd(15)} ${state.padEnd(16)} ${after.toFixed(1).padStart(14)}   ${target.toFixed(0).padStart(8)}   ${(deploy.ms / 1000).toFixed(1).padStart(14)}${after <= target ? '' : '   over target'}`,
  );
}
