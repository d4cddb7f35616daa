// A real `ccci daemon` for tests: a config on the test bed (its swarm, its Gitea), the daemon as a
// child process with its JSON log lines collected, and what tests ask of it (wait for a log line,
// stop it, kill -9 it, start it again on the same state and port).
import type { ExecutionContext } from 'ava';
import { execa, type ResultPromise } from 'execa';
import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { COMMENT_MARKER } from '../../src/daemon/report.js';
import type { ForgeComment } from '../../src/forge/forge.js';
import { Results } from '../../src/results/schema.js';
import { closePull, comment, forgeBed, loginOf, openPullRequest, pullComments, statuses, type OpenedPull } from './forge-bed.js';
import { bedConfigFile, ccciBin } from './test-bed.js';

export type LogLine = Record<string, unknown> & { readonly msg?: string };

export interface DaemonOptions {
  readonly repositories: readonly string[];
  readonly maxTests?: number;
  readonly pollIntervalSeconds?: number;
  readonly webhookSecret?: string;
  readonly commenterAllowlist?: readonly string[];
  readonly runLimitMinutes?: number;
  /** Reuse a state dir, runs dir and port (a restart). */
  readonly reuse?: DaemonUnderTest;
  /** Scale-out: the config's nats section (runs go to workers). */
  readonly nats?: Record<string, unknown>;
  /** A runs dir that already holds something (a fresh one otherwise). */
  readonly runsDir?: string;
}

export interface DaemonUnderTest {
  readonly url: string;
  readonly port: number;
  readonly stateDir: string;
  readonly runsDir: string;
  readonly configFile: string;
  readonly child: ResultPromise;
  readonly pid: number;
  readonly logs: LogLine[];
  /** Resolves with the first log line (already seen or to come) that satisfies the predicate. */
  waitForLog(predicate: (line: LogLine) => boolean, what: string, timeoutMs?: number): Promise<LogLine>;
  /** Sends the signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | undefined>;
}

export function byMessage(msg: string, fields: Record<string, unknown> = {}): (line: LogLine) => boolean {
  return (line) => line.msg === msg && Object.entries(fields).every(([key, value]) => line[key] === value);
}

/** Collects a child's JSON log lines (stderr) and waits for the ones a test asks for. */
export function followProcessLog(child: ResultPromise, what: string) {
  const logs: LogLine[] = [];
  const waiters: { predicate: (line: LogLine) => boolean; resolve: (line: LogLine) => void }[] = [];
  createInterface({ input: child.stderr! }).on('line', (text) => {
    let line: LogLine;
    try {
      line = JSON.parse(text) as LogLine;
    } catch {
      line = { msg: text, unparsed: true };
    }
    logs.push(line);
    for (const waiter of [...waiters]) {
      if (waiter.predicate(line)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(line);
      }
    }
  });
  const exited = child.then((result) => result.exitCode);
  const waitForLog = (predicate: (line: LogLine) => boolean, awaited: string, timeoutMs = 5 * 60_000) =>
    new Promise<LogLine>((resolve, reject) => {
      const seen = logs.find(predicate);
      if (seen !== undefined) return resolve(seen);
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `${what} log: no "${awaited}" within ${timeoutMs} ms; last lines:\n${logs
                .slice(-15)
                .map((line) => JSON.stringify(line))
                .join('\n')}`,
            ),
          ),
        timeoutMs,
      );
      const waiter = {
        predicate,
        resolve: (line: LogLine) => {
          clearTimeout(timer);
          resolve(line);
        },
      };
      waiters.push(waiter);
      void exited.then((code) => {
        if (!waiters.includes(waiter)) return;
        clearTimeout(timer);
        reject(
          new Error(
            `the ${what} exited (${code}) before "${awaited}"; last lines:\n${logs
              .slice(-15)
              .map((line) => JSON.stringify(line))
              .join('\n')}`,
          ),
        );
      });
    });
  return { logs, waitForLog, exited };
}

export async function startDaemon(options: DaemonOptions): Promise<DaemonUnderTest> {
  const forge = await forgeBed();
  const base = JSON.parse(await readFile(bedConfigFile, 'utf8')) as Record<string, unknown>;
  const stateDir = options.reuse?.stateDir ?? (await mkdtemp(join(tmpdir(), 'ccci-daemon-state-')));
  const runsDir = options.reuse?.runsDir ?? options.runsDir ?? (await mkdtemp(join(tmpdir(), 'ccci-daemon-runs-')));
  const secretFile = join(stateDir, 'webhook-secret');
  if (options.webhookSecret !== undefined) await writeFile(secretFile, options.webhookSecret, { mode: 0o600 });
  const config = {
    ...base,
    runsDir,
    ...(options.nats === undefined ? {} : { nats: options.nats }),
    daemon: {
      forge: {
        url: forge.url,
        tokenFile: forge.users.bot.tokenFile,
        ...(options.webhookSecret === undefined ? {} : { webhookSecretFile: secretFile }),
      },
      org: forge.org,
      repositories: options.repositories,
      commenterAllowlist: options.commenterAllowlist ?? [],
      pollIntervalSeconds: options.pollIntervalSeconds ?? 2,
      maxTests: options.maxTests ?? 1,
      stateDir,
      listen: { host: '127.0.0.1', port: options.reuse?.port ?? 0 },
      janitorIntervalMinutes: 5,
      ...(options.runLimitMinutes === undefined ? {} : { runLimitMinutes: options.runLimitMinutes }),
    },
  };
  const configFile = join(stateDir, 'config.json');
  await writeFile(configFile, JSON.stringify(config, null, 2));
  // not detached: if the test process dies, execa's cleanup takes the daemon with it
  const child = execa(ccciBin, ['daemon', '--config', configFile, '--log-level', 'debug'], {
    reject: false,
    forceKillAfterDelay: false,
    stdout: 'ignore',
  });
  const { logs, waitForLog, exited } = followProcessLog(child, 'daemon');
  const listening = await waitForLog(byMessage('HTTP server listening'), 'HTTP server listening', 60_000);
  const url = String(listening.url);
  return {
    url,
    port: Number(new URL(url).port),
    stateDir,
    runsDir,
    configFile,
    child,
    pid: child.pid!,
    logs,
    waitForLog,
    async stop(signal = 'SIGTERM') {
      child.kill(signal);
      return exited;
    },
  };
}

/** Waits for the daemon to have polled every enrolled repository once (existing comments are then seen). */
export async function primed(daemon: DaemonUnderTest, repositories: readonly string[]): Promise<void> {
  for (const repo of repositories)
    await daemon.waitForLog(byMessage('first poll: existing comments marked seen', { repo }), `first poll of ${repo}`, 60_000);
}

/** results.json of every run in the daemon's runs directory. */
export async function runResults(daemon: DaemonUnderTest): Promise<Results[]> {
  const found: Results[] = [];
  for (const runId of await readdir(daemon.runsDir)) {
    const text = await readFile(join(daemon.runsDir, runId, 'results.json'), 'utf8').catch(() => undefined);
    if (text !== undefined) found.push(Results.parse(JSON.parse(text)));
  }
  return found;
}

/** Polls `probe` until it returns a value (not undefined), for at most `timeoutMs`. */
export async function eventually<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 5 * 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** A daemon for one test: started, stopped when the test ends, and (unless it restarts on old state) its first poll done. */
export async function daemonForTest(t: ExecutionContext, options: DaemonOptions): Promise<DaemonUnderTest> {
  const daemon = await startDaemon(options);
  t.teardown(async () => void (await daemon.stop()));
  if (options.reuse === undefined) await primed(daemon, options.repositories);
  return daemon;
}

/** Fresh pull requests of the recipe, each with a member's `!testme` (in order); closed when the test ends. */
export async function triggeredPulls(t: ExecutionContext, recipe: string, count: number): Promise<OpenedPull[]> {
  const pulls: OpenedPull[] = [];
  t.teardown(async () => {
    for (const pull of pulls) await closePull(pull.repo, pull.number);
  });
  for (let index = 0; index < count; index++) pulls.push(await openPullRequest(recipe));
  for (const pull of pulls) await comment('member', pull.repo, pull.number, '!testme');
  return pulls;
}

/** The `cc-ci/testme` statuses of a pull request's head, oldest first, as "state: description". */
export async function testmeStatuses(pull: OpenedPull): Promise<string[]> {
  return (await statuses(pull.repo, pull.sha))
    .filter((status) => status.context === 'cc-ci/testme')
    .reverse()
    .map((status) => `${status.status}: ${status.description}`);
}

/** The bot's marked comments on a pull request (there must be one at most). */
export async function botComments(pull: OpenedPull): Promise<ForgeComment[]> {
  const bot = await loginOf('bot');
  return (await pullComments(pull.repo, pull.number)).filter((entry) => entry.author === bot && entry.body.includes(COMMENT_MARKER));
}

/**
 * The bot's comments once one matches `body`. Each delivery round sends statuses before comments, so
 * a result status can be on the forge a moment before the comment that tells the same result.
 */
export async function botCommentsOnce(pull: OpenedPull, body: RegExp, timeoutMs = 60_000): Promise<ForgeComment[]> {
  return eventually(
    async () => {
      const found = await botComments(pull);
      return found.some((entry) => body.test(entry.body)) ? found : undefined;
    },
    `a bot comment on #${pull.number} matching ${body}`,
    timeoutMs,
  );
}

/** Waits until the run's own event stream says it started the stage. */
export async function reachedStage(daemon: DaemonUnderTest, runId: string, stage: string): Promise<void> {
  await eventually(
    async () =>
      (await readFile(join(daemon.runsDir, runId, 'events.jsonl'), 'utf8').catch(() => '')).includes(`"stage":"${stage}"`)
        ? true
        : undefined,
    `run ${runId} reached ${stage}`,
    3 * 60_000,
  );
}
