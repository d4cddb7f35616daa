// Benchmark (npm run bench:daemon): `ccci daemon` against the test bed's real Gitea. Prints the latency
// from a `!testme` comment to the `pending` commit status (via the webhook, then via polling), the idle
// CPU and RSS of a daemon with 21 enrolled repositories, and the forge requests of one poll cycle.
// It prints figures and never asserts on them; it fails only when something does not happen at all.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { STATUS_CONTEXT } from '../src/daemon/report.js';
import { stackName } from '../src/domain/identity.js';
import { readLockOwner } from '../src/io/lock.js';
import { Results } from '../src/results/schema.js';
import {
  addWebhook,
  api,
  closePull,
  combinedStatus,
  comment,
  forgeBed,
  openPullRequest,
  removeWebhook,
  type OpenedPull,
} from '../test/helpers/forge-bed.js';
import { bedConfigFile, ccciBin, stackLeftovers } from '../test/helpers/test-bed.js';

const PARTS = new Set((process.env.BENCH_PARTS ?? '1,2,3').split(','));
const PULLS = Number(process.env.BENCH_PULLS ?? 5);
const POLL_SECONDS = Number(process.env.BENCH_POLL_SECONDS ?? 5);
const IDLE_REPOSITORIES = 20;
const IDLE_SECONDS = Number(process.env.BENCH_IDLE_SECONDS ?? 60);
const STATUS_POLL_MS = 50;
const STOP_TIMEOUT_MS = 180_000;
const CLK_TCK = 100; // getconf CLK_TCK on Linux/x86_64 and arm64

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const seconds = (ms: number) => (ms / 1000).toFixed(2);

type LogLine = Record<string, unknown> & { msg?: string };

interface RunSeen {
  readonly runId: string;
  readonly pid: number | undefined;
}

interface StopReport {
  readonly label: string;
  readonly stopMs: number;
  readonly exit: string;
  readonly runs: readonly RunSeen[];
  readonly errors: readonly string[];
}

/** One `ccci daemon` child: its JSON log lines (stderr) kept and searchable. */
class Daemon {
  readonly lines: LogLine[] = [];
  readonly child: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private waiters: (() => void)[] = [];
  private exitedYet = false;
  url = '';

  constructor(
    readonly label: string,
    configFile: string,
  ) {
    this.child = spawn(ccciBin, ['daemon', '--config', configFile], { stdio: ['ignore', 'ignore', 'pipe'] });
    this.exited = new Promise((resolve) =>
      this.child.once('exit', (code, signal) => {
        this.exitedYet = true;
        this.wake();
        resolve({ code, signal });
      }),
    );
    createInterface({ input: this.child.stderr! }).on('line', (text) => {
      let line: LogLine;
      try {
        line = JSON.parse(text) as LogLine;
      } catch {
        line = { msg: text, unparsed: true };
      }
      this.lines.push(line);
      this.wake();
    });
    live.add(this);
    void this.exited.then(() => live.delete(this));
  }

  get alive(): boolean {
    return !this.exitedYet;
  }

  private wake(): void {
    for (const waiter of this.waiters.splice(0)) waiter();
  }

  count(predicate: (line: LogLine) => boolean): number {
    return this.lines.filter(predicate).length;
  }

  /** Resolves with the first matching line (already logged or to come); throws on exit or timeout. */
  async waitFor(what: string, predicate: (line: LogLine) => boolean, timeoutMs = 60_000): Promise<LogLine> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.lines.find(predicate);
      if (found !== undefined) return found;
      if (!this.alive) throw new Error(`${this.label} daemon exited before "${what}"\n${this.tail()}`);
      if (Date.now() > deadline) throw new Error(`${this.label} daemon: no "${what}" within ${timeoutMs / 1000} s\n${this.tail()}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 500);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async ready(repositories: readonly string[]): Promise<void> {
    this.url = String((await this.waitFor('HTTP server listening', (line) => line.msg === 'HTTP server listening')).url);
    for (const repo of repositories) {
      await this.waitFor(`first poll of ${repo}`, (line) => line.msg === 'first poll: existing comments marked seen' && line.repo === repo);
    }
  }

  /** The node process itself: bin/ccci is a node script, so the child is the daemon. */
  async pid(): Promise<number> {
    const pid = this.child.pid!;
    const cmdline = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0');
    if (!cmdline[0]!.endsWith('node') || !cmdline.includes('daemon'))
      throw new Error(`pid ${pid} is not the daemon's node process: ${cmdline.join(' ')}`);
    return pid;
  }

  async health(): Promise<Health> {
    const response = await fetch(`${this.url}/healthz`, { signal: AbortSignal.timeout(5_000) });
    return (await response.json()) as Health;
  }

  errors(): string[] {
    return this.lines
      .filter((line) => Number(line.level) >= 50 || line.unparsed === true)
      .map((line) => `${String(line.msg)}${line.err === undefined ? '' : `: ${JSON.stringify(line.err)}`}`);
  }

  tail(count = 30): string {
    return this.lines
      .slice(-count)
      .map((line) => JSON.stringify(line))
      .join('\n');
  }

  /** SIGTERM, then waits for the exit (the daemon SIGTERMs its runs, which tear down first). */
  async stop(): Promise<StopReport> {
    const started = performance.now();
    if (this.alive) this.child.kill('SIGTERM');
    let timer: ReturnType<typeof setTimeout> | undefined;
    const exit = await Promise.race([
      this.exited,
      new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), STOP_TIMEOUT_MS))),
    ]);
    clearTimeout(timer);
    let exitText: string;
    if (exit === undefined) {
      this.child.kill('SIGKILL');
      exitText = `did not exit within ${STOP_TIMEOUT_MS / 1000} s: SIGKILL`;
    } else {
      exitText = exit.signal === null ? `exit ${exit.code}` : `signal ${exit.signal}`;
    }
    await writeFile(join(work, `${this.label}-daemon.log`), this.lines.map((line) => JSON.stringify(line)).join('\n') + '\n');
    const runs = this.lines
      .filter((line) => line.msg === 'run process started')
      .map((line) => ({ runId: String(line.runId), pid: typeof line.pid === 'number' ? line.pid : undefined }));
    return { label: this.label, stopMs: performance.now() - started, exit: exitText, runs, errors: this.errors() };
  }
}

interface Health {
  status: string;
  waiting: number;
  running: unknown[];
  owed: number;
  lastPoll: { at: string; repositories: number; comments: number; failed: string[]; requests: number; ms: number } | null;
}

const live = new Set<Daemon>();
process.on('exit', () => {
  for (const daemon of live) daemon.child.kill('SIGTERM');
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => process.exit(130));

const work = await mkdtemp(join(tmpdir(), 'ccci-bench-daemon-'));
const bed = await forgeBed();
const baseConfig = JSON.parse(await readFile(bedConfigFile, 'utf8')) as Record<string, unknown>;
const runsDir = join(work, 'runs');
let keepWork = false;

async function daemonConfig(name: string, daemon: Record<string, unknown>): Promise<string> {
  const file = join(work, `${name}.json`);
  const config = {
    ...baseConfig,
    runsDir,
    daemon: {
      forge: {
        url: bed.url,
        tokenFile: bed.users.bot.tokenFile,
        ...(daemon.webhookSecretFile === undefined ? {} : { webhookSecretFile: daemon.webhookSecretFile }),
      },
      org: bed.org,
      repositories: daemon.repositories,
      pollIntervalSeconds: daemon.pollIntervalSeconds,
      maxTests: 1,
      stateDir: join(work, `${name}-state`),
      listen: { host: '127.0.0.1', port: 0 },
    },
  };
  await writeFile(file, `${JSON.stringify(config, null, 2)}\n`);
  return file;
}

/** Newest cc-ci/testme status of the commit (id, state, target URL), as the combined status shows it. */
async function latestStatus(pull: OpenedPull): Promise<{ id: number; state: string; targetUrl: string } | undefined> {
  const status = (await combinedStatus(pull.repo, pull.sha)).statuses?.find((entry) => entry.context === STATUS_CONTEXT);
  return status === undefined ? undefined : { id: status.id, state: status.status, targetUrl: status.target_url };
}

/** Waits until the daemon owes the forge nothing, so the next measurement starts from a quiet daemon. */
async function settled(daemon: Daemon): Promise<void> {
  const deadline = Date.now() + 30_000;
  while ((await daemon.health()).owed > 0) {
    if (Date.now() > deadline) throw new Error(`${daemon.label} daemon: reports still owed after 30 s`);
    await sleep(100);
  }
}

const opened: OpenedPull[] = [];

interface Latency {
  /** From just before the comment POST until the forge shows the pending status. */
  readonly totalMs: number;
  /** From just before the comment POST until the daemon logged "trigger seen" (webhook delivery, or the wait for a poll). */
  readonly seenMs: number;
  /** From "trigger seen" until the daemon logged the pending "status reported" (membership, pull, queue, status POST). */
  readonly daemonMs: number;
}

/**
 * Comment → pending latency over fresh pull requests (each with a head commit of its own). Another daemon
 * on this forge that enrols recipes/web answers the same comment and posts the same context: only a status
 * newer than the one seen before the comment, pointing at this daemon's URL, counts.
 */
async function commentToPending(daemon: Daemon, jitterMs: number): Promise<Latency[]> {
  const latencies: Latency[] = [];
  for (let index = 0; index < PULLS; index++) {
    const pull = await openPullRequest('web');
    opened.push(pull);
    await settled(daemon);
    // a random pause, so comments do not fall at the same phase of the poll cycle (or the forge's queue) every time
    await sleep(Math.random() * jitterMs);
    const before = (await latestStatus(pull))?.id ?? 0;
    const started = performance.now();
    const startedAt = Date.now(); // pino's "time" is epoch ms on the same clock
    await comment('member', pull.repo, pull.number, '!testme');
    for (;;) {
      const status = await latestStatus(pull);
      if (status !== undefined && status.id > before && status.state === 'pending' && status.targetUrl.startsWith(`${daemon.url}/`)) break;
      if (performance.now() - started > 60_000)
        throw new Error(`${daemon.label} daemon: no pending status on ${pull.repo}#${pull.number} within 60 s\n${daemon.tail()}`);
      await sleep(STATUS_POLL_MS);
    }
    const totalMs = performance.now() - started;
    const seen = await daemon.waitFor(
      `trigger seen on #${pull.number}`,
      (line) => line.msg === 'trigger seen' && line.pull === pull.number,
      5_000,
    );
    const reported = await daemon.waitFor(
      `pending status after #${pull.number}`,
      (line) => line.msg === 'status reported' && line.state === 'pending' && Number(line.time) >= Number(seen.time),
      5_000,
    );
    latencies.push({ totalMs, seenMs: Number(seen.time) - startedAt, daemonMs: Number(reported.time) - Number(seen.time) });
    process.stderr.write(
      `  ${daemon.label}: ${pull.repo}#${pull.number} pending after ${seconds(totalMs)} s (trigger seen after ${seconds(latencies.at(-1)!.seenMs)} s, via ${String(seen.via)})\n`,
    );
  }
  return latencies;
}

/** After a daemon stopped: its runs must be gone, their results written and nothing of them on the swarm. */
async function checkRuns(report: StopReport): Promise<string[]> {
  const problems: string[] = [];
  for (const run of report.runs) {
    if (run.pid !== undefined && existsSync(`/proc/${run.pid}`)) {
      const cmdline = await readFile(`/proc/${run.pid}/cmdline`, 'utf8').catch(() => '');
      if (cmdline.includes(run.runId)) {
        problems.push(`run ${run.runId} (pid ${run.pid}) still running after the daemon exited`);
        keepWork = true;
      }
    }
    const text = await readFile(join(runsDir, run.runId, 'results.json'), 'utf8').catch(() => undefined);
    if (text === undefined) {
      problems.push(`run ${run.runId}: no results.json`);
      continue;
    }
    const results = Results.parse(JSON.parse(text));
    const left = await stackLeftovers(stackName(results.domain));
    // another daemon on this forge that enrols recipes/web answers the same comment: its run of the same
    // pull and head has the same domain, and may hold it (and have its app deployed) right now
    const owner = await readLockOwner(String(baseConfig.lockDir), results.domain);
    if (left.length > 0 && owner !== undefined && owner.runId !== run.runId && existsSync(`/proc/${owner.pid}`)) {
      notes.push(
        `run ${run.runId} (${results.domain}): the domain is on the swarm, but held by another live run ${owner.runId} (pid ${owner.pid}), not this daemon's`,
      );
    } else if (!results.flags.cleanTeardown || left.length > 0) {
      problems.push(`run ${run.runId} (${results.domain}): left ${[...results.teardown.leftovers, ...left].join(', ')}`);
    }
    process.stderr.write(
      `  ${report.label}: run ${run.runId} ${results.verdict}${results.abortReason === null ? '' : ` (${results.abortReason})`}, clean teardown ${results.flags.cleanTeardown}\n`,
    );
  }
  return problems;
}

/** Creates recipes/bench-1 … bench-<count> (auto-initialised) unless they exist. */
async function benchRepositories(count: number): Promise<string[]> {
  const repos: string[] = [];
  for (let index = 1; index <= count; index++) {
    const name = `bench-${index}`;
    const repo = `${bed.org}/${name}`;
    const found = await api('admin', 'GET', `/repos/${repo}`);
    if (found.status === 404) {
      const created = await api('admin', 'POST', `/orgs/${bed.org}/repos`, {
        name,
        auto_init: true,
        default_branch: 'main',
        private: false,
        description: 'enrolled by scripts/bench-daemon.ts',
      });
      if (created.status !== 201) throw new Error(`creating ${repo} answered ${created.status}: ${JSON.stringify(created.json)}`);
    } else if (found.status !== 200) {
      throw new Error(`GET /repos/${repo} answered ${found.status}`);
    }
    repos.push(repo);
  }
  return repos;
}

interface ProcSample {
  readonly at: number;
  readonly ticks: number;
  readonly childTicks: number;
  readonly rssKb: number;
}

/** The daemon's child processes (a run, a janitor pass's abra or docker, …) with their RSS. */
async function children(pid: number): Promise<string[]> {
  const tasks = await readdir(`/proc/${pid}/task`);
  const pids = (await Promise.all(tasks.map((task) => readFile(`/proc/${pid}/task/${task}/children`, 'utf8').catch(() => ''))))
    .join(' ')
    .split(/\s+/)
    .filter((entry) => entry !== '');
  return Promise.all(
    pids.map(async (child) => {
      const cmdline = (await readFile(`/proc/${child}/cmdline`, 'utf8').catch(() => '')).split('\0').join(' ').trim();
      const rss = /^VmRSS:\s+(\d+) kB/m.exec(await readFile(`/proc/${child}/status`, 'utf8').catch(() => ''))?.[1];
      return `${child} ${cmdline.slice(0, 80)} (RSS ${rss === undefined ? '?' : (Number(rss) / 1024).toFixed(0)} MiB)`;
    }),
  );
}

async function sample(pid: number): Promise<ProcSample> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // fields after the command name in parentheses: state is field 3, utime 14, stime 15, cutime 16, cstime 17
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const field = (number: number) => Number(fields[number - 3]);
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1]);
  return { at: performance.now(), ticks: field(14) + field(15), childTicks: field(16) + field(17), rssKb };
}

const stats = (values: readonly number[]) => {
  const sorted = [...values].sort((left, right) => left - right);
  return { min: sorted[0]!, median: sorted[Math.floor(sorted.length / 2)]!, max: sorted.at(-1)! };
};

const stops: StopReport[] = [];
const problems: string[] = [];
const notes: string[] = [];
let webhookLatencies: Latency[] = [];
let pollLatencies: Latency[] = [];
let idle:
  | {
      children: string[];
      cpuPercent: number;
      halves: [number, number];
      childCpuPercent: number;
      rssStartMb: number;
      rssMinMb: number;
      rssMaxMb: number;
      rssEndMb: number;
      repositories: number;
      priming: Health['lastPoll'];
      cycle: Health['lastPoll'];
    }
  | undefined;

async function stopDaemon(daemon: Daemon): Promise<void> {
  process.stderr.write(`  ${daemon.label}: SIGTERM, waiting for the daemon and its runs to stop\n`);
  const report = await daemon.stop();
  stops.push(report);
  problems.push(...report.errors.map((error) => `${daemon.label} daemon logged: ${error}`));
  // the janitor only logs a pass at info when it acted: something an earlier run (of anyone) left
  for (const line of daemon.lines.filter((entry) => entry.msg === 'janitor pass'))
    notes.push(`${daemon.label} daemon: janitor acted: ${JSON.stringify(line.decisions)}`);
  if (!report.exit.startsWith('exit 0')) problems.push(`${daemon.label} daemon: ${report.exit}`);
  problems.push(...(await checkRuns(report)));
}

const benchStarted = performance.now();
try {
  // 1. webhook → pending
  if (PARTS.has('1')) {
    process.stderr.write('1. webhook → pending\n');
    const secretFile = join(work, 'webhook.secret');
    const secret = randomBytes(24).toString('hex');
    await writeFile(secretFile, `${secret}\n`);
    const daemon = new Daemon(
      'webhook',
      await daemonConfig('webhook', { repositories: ['recipes/web'], pollIntervalSeconds: 600, webhookSecretFile: secretFile }),
    );
    let hook: number | undefined;
    try {
      await daemon.ready(['recipes/web']);
      hook = await addWebhook('recipes/web', `${daemon.url}/hook`, secret, ['issue_comment', 'pull_request_comment']);
      webhookLatencies = await commentToPending(daemon, 2_000);
      const viaPoll = daemon.count((line) => line.msg === 'trigger seen' && line.via === 'poll');
      if (viaPoll > 0) problems.push(`webhook daemon: ${viaPoll} triggers came by poll, not by the webhook`);
    } finally {
      if (hook !== undefined) await removeWebhook('recipes/web', hook);
      await stopDaemon(daemon);
    }
  }

  // 2. poll → pending
  if (PARTS.has('2')) {
    process.stderr.write(`2. poll (every ${POLL_SECONDS} s) → pending\n`);
    const daemon = new Daemon('poll', await daemonConfig('poll', { repositories: ['recipes/web'], pollIntervalSeconds: POLL_SECONDS }));
    try {
      await daemon.ready(['recipes/web']);
      pollLatencies = await commentToPending(daemon, POLL_SECONDS * 1000);
    } finally {
      await stopDaemon(daemon);
    }
  }

  // 3 and 4. idle with 20 + 1 repositories
  if (PARTS.has('3')) {
    process.stderr.write(`3. idle ${IDLE_SECONDS} s with ${IDLE_REPOSITORIES} + 1 repositories (poll every 30 s)\n`);
    const repositories = [...(await benchRepositories(IDLE_REPOSITORIES)), 'recipes/web'];
    const daemon = new Daemon('idle', await daemonConfig('idle', { repositories, pollIntervalSeconds: 30 }));
    try {
      await daemon.ready(repositories);
      let priming = (await daemon.health()).lastPoll;
      while (priming === null) {
        await sleep(100);
        priming = (await daemon.health()).lastPoll;
      }
      const pid = await daemon.pid();
      const samples: ProcSample[] = [await sample(pid)];
      const end = samples[0]!.at + IDLE_SECONDS * 1000;
      while (performance.now() < end) {
        await sleep(Math.min(1000, Math.max(0, end - performance.now())));
        samples.push(await sample(pid));
      }
      const first = samples[0]!;
      const last = samples.at(-1)!;
      const middle = samples[Math.floor(samples.length / 2)]!;
      const cpu = (from: ProcSample, to: ProcSample) => ((to.ticks - from.ticks) / CLK_TCK / ((to.at - from.at) / 1000)) * 100;
      const health = await daemon.health();
      const childList = await children(pid);
      idle = {
        children: childList,
        cpuPercent: cpu(first, last),
        halves: [cpu(first, middle), cpu(middle, last)],
        childCpuPercent: ((last.childTicks - first.childTicks) / CLK_TCK / ((last.at - first.at) / 1000)) * 100,
        rssStartMb: first.rssKb / 1024,
        rssMinMb: Math.min(...samples.map((entry) => entry.rssKb)) / 1024,
        rssMaxMb: Math.max(...samples.map((entry) => entry.rssKb)) / 1024,
        rssEndMb: last.rssKb / 1024,
        repositories: repositories.length,
        priming,
        cycle: health.lastPoll,
      };
      if (health.lastPoll === null || health.lastPoll.at === priming.at)
        problems.push(`idle daemon: no poll cycle after the first one within ${IDLE_SECONDS} s`);
      if (daemon.count((line) => line.msg === 'trigger seen') > 0)
        problems.push('idle daemon: saw a trigger (someone commented !testme on an enrolled repository)');
    } finally {
      await stopDaemon(daemon);
    }
  }
} finally {
  for (const pull of opened)
    await closePull(pull.repo, pull.number).catch((error: unknown) =>
      problems.push(`closing ${pull.repo}#${pull.number}: ${(error as Error).message}`),
    );
  for (const daemon of live) await daemon.stop();
  // the daemon logs and run directories are kept when something looked wrong
  if (keepWork || problems.length > 0 || process.env.BENCH_KEEP === '1')
    process.stderr.write(`kept ${work} (daemon logs, run directories)\n`);
  else await rm(work, { recursive: true, force: true });
}

const row = (name: string, values: readonly number[], target: string) => {
  const { min, median, max } = stats(values);
  return `${name.padEnd(36)} ${seconds(min).padStart(6)} ${seconds(median).padStart(8)} ${seconds(max).padStart(6)}   ${target}`.trimEnd();
};
console.log(`\ncomment → pending, ${PULLS} pull requests        min s  median s  max s   target`);
const rows = (name: string, latencies: readonly Latency[], target: string) => {
  if (latencies.length === 0) return;
  console.log(
    row(
      name,
      latencies.map((latency) => latency.totalMs),
      target,
    ),
  );
  console.log(
    row(
      '  comment → "trigger seen"',
      latencies.map((latency) => latency.seenMs),
      '',
    ),
  );
  console.log(
    row(
      '  "trigger seen" → status reported',
      latencies.map((latency) => latency.daemonMs),
      '',
    ),
  );
};
rows('webhook (poll every 600 s)', webhookLatencies, '< 2 s');
rows(`poll every ${POLL_SECONDS} s (no webhook)`, pollLatencies, `≤ ${POLL_SECONDS} s`);
if (idle !== undefined) {
  console.log(`\nidle daemon, ${idle.repositories} repositories, poll every 30 s, ${IDLE_SECONDS} s after the first poll`);
  console.log(
    `  CPU ${idle.cpuPercent.toFixed(2)} % of one core (first half ${idle.halves[0].toFixed(2)} %, second half ${idle.halves[1].toFixed(2)} %; its child processes ${idle.childCpuPercent.toFixed(2)} %)   target ≈ 0 %`,
  );
  console.log(
    `  RSS ${idle.rssStartMb.toFixed(0)} MiB at start, ${idle.rssMaxMb.toFixed(0)} MiB max, ${idle.rssMinMb.toFixed(0)} MiB min, ${idle.rssEndMb.toFixed(0)} MiB at end   target < 120 MB`,
  );
  console.log(`  child processes at the end: ${idle.children.length === 0 ? 'none' : idle.children.join('; ')}`);
  console.log(
    `  forge requests per poll cycle: ${idle.cycle?.requests} for ${idle.cycle?.repositories} repositories (${idle.cycle?.ms} ms; first cycle, priming: ${idle.priming?.requests} requests, ${idle.priming?.ms} ms)`,
  );
}
console.log('\ndaemon    stop s  exit     runs');
for (const stop of stops)
  console.log(`${stop.label.padEnd(8)} ${seconds(stop.stopMs).padStart(7)}  ${stop.exit.padEnd(7)}  ${stop.runs.length}`);
console.log(
  `\nbenchmark ${((performance.now() - benchStarted) / 1000).toFixed(0)} s; ${problems.length === 0 ? 'nothing left behind, no errors logged' : `problems:\n  ${problems.join('\n  ')}`}`,
);
if (notes.length > 0) console.log(`notes:\n  ${notes.join('\n  ')}`);
