// Benchmark (npm run bench): the start-up CPU time of `ccci`, then full runs of the example recipe
// `web` on the test bed; prints wall time, time inside child processes and waits, harness overhead,
// peak RSS and deploy count, and each engine-bound stage beside its floor: the same step in raw
// docker (scripts/bench-floor.ts), measured in the same session.
import { execa } from 'execa';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { measureFloor, type Floor } from './bench-floor.js';

const runs = Number(process.env.BENCH_RUNS ?? 3);
const bed = process.env.CCCI_TESTBED_DIR ?? '/var/lib/ccci-testbed';
const ccci = fileURLToPath(new URL('../bin/ccci', import.meta.url));

await execa(fileURLToPath(new URL('../test/bed/testbed.sh', import.meta.url)), ['up'], { stdio: 'inherit' });

/** User + system CPU seconds of one `ccci` process (bash's `time` reads the child's rusage). */
async function startupCpuSeconds(args: readonly string[]): Promise<number> {
  const quoted = [ccci, ...args].map((arg) => `'${arg}'`).join(' ');
  const timed = await execa('bash', ['-c', `TIMEFORMAT='%U %S'; time ${quoted} >/dev/null 2>&1`], { reject: false });
  const [user, system] = timed.stderr.trim().split(/\s+/).map(Number);
  return user! + system!;
}

const STARTUP_SAMPLES = 7;
const startups = [
  { label: 'ccci --help', args: ['--help'] },
  {
    label: 'ccci run, bad input (no such recipe)',
    args: ['run', join(bed, 'recipes', 'no-such-recipe'), '--config', join(bed, 'ccci.json')],
  },
];
console.log(`start-up CPU (user + system), ${STARTUP_SAMPLES} samples each         min s  median s  max s   target`);
for (const { label, args } of startups) {
  await startupCpuSeconds(args); // warms the page cache and, after an edit, rebuilds dist/
  const samples: number[] = [];
  for (let index = 0; index < STARTUP_SAMPLES; index++) samples.push(await startupCpuSeconds(args));
  samples.sort((left, right) => left - right);
  const figure = (value: number) => value.toFixed(2).padStart(6);
  console.log(
    `  ${label.padEnd(52)} ${figure(samples[0]!)}  ${figure(samples[Math.floor(samples.length / 2)]!)}  ${figure(samples.at(-1)!)}   < 0.5 s`,
  );
}
if (runs === 0) process.exit(0);

interface Timings {
  wallMs: number;
  outsideMs: number;
  commandMs: number;
  waitMs: number;
  maxRssKb: number;
}
type StageMs = Partial<Record<'deploy' | 'install' | 'upgrade' | 'teardown', number>>;
const rows: (Timings & { deploys: number; level: number; stages: StageMs })[] = [];
const floors: Floor[] = [];
for (let index = 0; index < runs; index++) {
  const child = await execa(
    ccci,
    ['run', join(bed, 'recipes', 'web'), '--ref', 'pr/1', '--pr', '1', '--config', join(bed, 'ccci.json'), '--json'],
    { reject: false },
  );
  const events = child.stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  const finished = events.find((event) => event.event === 'run.finished');
  const stages: StageMs = Object.fromEntries(
    events.filter((event) => event.event === 'stage.finished').map((event) => [String(event.stage), Number(event.ms)]),
  );
  if (finished === undefined) throw new Error(`run ${index + 1} did not finish:\n${child.stdout}\n${child.stderr}`);
  const resultsFile = String(finished.results);
  const results = JSON.parse(await readFile(resultsFile, 'utf8')) as { level: number; deploys: { actual: number } };
  const log = (await readFile(join(resultsFile, '..', 'run.log'), 'utf8')).split('\n').filter((line) => line.includes('"run timings"'));
  const timings = JSON.parse(log.at(-1)!) as Timings;
  rows.push({ ...timings, deploys: results.deploys.actual, level: results.level, stages });
  floors.push(await measureFloor());
}

const seconds = (ms: number) => (ms / 1000).toFixed(1).padStart(7);
console.log('run   wall s  outside s  (commands s  waits s)  overhead s  peak RSS MiB  deploys  level');
for (const [index, row] of rows.entries()) {
  console.log(
    `${String(index + 1).padStart(3)} ${seconds(row.wallMs)} ${seconds(row.outsideMs)}    (${seconds(row.commandMs)} ${seconds(row.waitMs)})  ${seconds(row.wallMs - row.outsideMs)}  ${(row.maxRssKb / 1024).toFixed(0).padStart(12)}  ${String(row.deploys).padStart(7)}  ${String(row.level).padStart(5)}`,
  );
}
const median = (values: number[]) => [...values].sort((left, right) => left - right)[Math.floor(values.length / 2)]!;
console.log(
  `median wall ${seconds(median(rows.map((row) => row.wallMs)))} s, overhead ${seconds(median(rows.map((row) => row.wallMs - row.outsideMs)))} s, peak RSS ${(median(rows.map((row) => row.maxRssKb)) / 1024).toFixed(0)} MiB`,
);

// a stage's ratio to the engine's floor for the same step: what cc-ci adds on top of docker
const floorOf = (pick: (floor: Floor) => number) => median(floors.map(pick));
const stageOf = (pick: (stages: StageMs) => number | undefined) => median(rows.map((row) => pick(row.stages) ?? Number.NaN));
const comparisons = [
  {
    step: 'deploy + install (→ healthy, install tests)',
    stage: stageOf((stages) => (stages.deploy ?? 0) + (stages.install ?? 0)),
    floor: floorOf((floor) => floor.deployMs),
    target: '—',
  },
  {
    step: 'upgrade (in-place redeploy → new task healthy)',
    stage: stageOf((stages) => stages.upgrade),
    floor: floorOf((floor) => floor.updateMs),
    target: '≤ 1.15×',
  },
  {
    step: 'teardown (→ nothing of the stack left)',
    stage: stageOf((stages) => stages.teardown),
    floor: floorOf((floor) => floor.removeMs),
    target: '≤ 1.15×',
  },
];
console.log('stage against its floor (medians)                   stage s  floor s  ratio  target');
for (const { step, stage, floor, target } of comparisons) {
  console.log(`  ${step.padEnd(48)} ${seconds(stage)}  ${seconds(floor)}  ${(stage / floor).toFixed(2).padStart(5)}  ${target}`);
}
console.log(`peak RSS of the run process: ${(median(rows.map((row) => row.maxRssKb)) / 1024).toFixed(0)} MiB (target < 150 MiB)`);
