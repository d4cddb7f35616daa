// A real `ccci worker` for tests: the test bed's config (its swarm, abra server and lock dir) with a
// runs dir of its own, a nats section and a name; the worker as a child process with its JSON log
// lines collected.
import type { ExecutionContext } from 'ava';
import { execa, type ResultPromise } from 'execa';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { followProcessLog, type LogLine } from './daemon-harness.js';
import { bedConfigFile, ccciBin } from './test-bed.js';

export interface WorkerUnderTest {
  readonly name: string;
  readonly runsDir: string;
  readonly child: ResultPromise;
  readonly logs: LogLine[];
  waitForLog(predicate: (line: LogLine) => boolean, what: string, timeoutMs?: number): Promise<LogLine>;
  stop(signal?: NodeJS.Signals): Promise<number | undefined>;
}

export async function workerForTest(
  t: ExecutionContext,
  options: {
    readonly name: string;
    readonly maxTests: number;
    readonly nats: Record<string, unknown>;
    /** A runs dir that already holds something (a fresh one otherwise). */
    readonly runsDir?: string;
  },
): Promise<WorkerUnderTest> {
  const base = JSON.parse(await readFile(bedConfigFile, 'utf8')) as Record<string, unknown>;
  const dir = await mkdtemp(join(tmpdir(), `ccci-worker-${options.name}-`));
  const runsDir = options.runsDir ?? join(dir, 'runs');
  const configFile = join(dir, 'config.json');
  const config = {
    ...base,
    runsDir,
    nats: options.nats,
    worker: { name: options.name, maxTests: options.maxTests, janitorIntervalMinutes: 60 },
  };
  await writeFile(configFile, JSON.stringify(config, null, 2));
  // not detached: if the test process dies, execa's cleanup takes the worker with it (its runs notice and tear down)
  const child = execa(ccciBin, ['worker', '--config', configFile, '--log-level', 'debug'], {
    reject: false,
    forceKillAfterDelay: false,
    stdout: 'ignore',
  });
  const { logs, waitForLog, exited } = followProcessLog(child, `worker ${options.name}`);
  t.teardown(async () => {
    child.kill('SIGTERM');
    await exited;
  });
  await waitForLog((line) => line.msg === 'worker connected: pulling run requests', 'connected', 60_000);
  return {
    name: options.name,
    runsDir,
    child,
    logs,
    waitForLog,
    async stop(signal = 'SIGTERM') {
      child.kill(signal);
      return exited;
    },
  };
}

/** The runs a worker held, from its own log: when it took each and when the run was acknowledged. */
export function heldRuns(worker: WorkerUnderTest): { runId: string; taken: number; released: number | undefined }[] {
  const time = (line: LogLine) => Number(line.time);
  return worker.logs
    .filter((line) => line.msg === 'run taken')
    .map((taken) => {
      const released = worker.logs.find(
        (line) =>
          line.runId === taken.runId && (line.msg === 'run finished and acknowledged' || String(line.msg).startsWith('run finished;')),
      );
      return { runId: String(taken.runId), taken: time(taken), released: released === undefined ? undefined : time(released) };
    });
}

/** The most runs the worker held at any one moment, from its log's take and release times. */
export function mostHeldAtOnce(worker: WorkerUnderTest): number {
  const edges = heldRuns(worker).flatMap((run) => [
    { at: run.taken, step: 1 },
    { at: run.released ?? Number.POSITIVE_INFINITY, step: -1 },
  ]);
  // a release at the same millisecond as a take counts first: the slot was free
  edges.sort((left, right) => left.at - right.at || left.step - right.step);
  let now = 0;
  let most = 0;
  for (const edge of edges) {
    now += edge.step;
    most = Math.max(most, now);
  }
  return most;
}
