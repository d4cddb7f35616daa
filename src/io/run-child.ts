// One `ccci run --json` child of the daemon. It runs in its own process group and session, and its
// stdout and stderr are files in its run directory, not pipes: when the daemon dies the run keeps
// writing, notices its parent is gone and tears down (docs/concurrency.md).
import { execa } from 'execa';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { followLines } from './follow-file.js';
import type { Logger } from './log.js';
import { packageFile } from './package-root.js';

export const CCCI_BIN = packageFile('bin/ccci');
export const EVENTS_FILE = 'events.jsonl';
export const STDERR_FILE = 'stderr.log';

export interface RunChildSpec {
  readonly runId: string;
  /** Clone URL of the recipe repository. */
  readonly source: string;
  /** The pinned head commit. */
  readonly ref: string;
  readonly pull: number;
  readonly recipe: string;
  readonly configFile: string;
  readonly runsDir: string;
}

export interface RunChildExit {
  readonly exitCode: number | null;
  readonly signal: string | null;
  /** Set when the process could not be started at all. */
  readonly spawnError: string | null;
  /** Scale-out: why the daemon stopped waiting for a worker's end report (the run's end is not known). */
  readonly lost?: string;
}

/** A worker took (or, after another died holding it, took again) a dispatched request. */
export interface RunAttempt {
  readonly runId: string;
  readonly worker: string;
  /** 1 for the first worker to take the request, 2 after one died holding it, … */
  readonly delivery: number;
  readonly previous: { readonly runId: string; readonly worker: string } | null;
}

export interface RunHooks {
  /** Each line of the run's event stream. */
  readonly onLine: (line: string) => void;
  /** Scale-out only: a worker took the request (a new attempt when its run id differs from the last). */
  readonly onAttempt?: (attempt: RunAttempt) => void;
}

export interface RunChild {
  /** Undefined when the run is not a child of this process (scale-out: it runs on a worker). */
  readonly pid: number | undefined;
  /** Where the run's files are (a remote run's are copied here as they arrive); moves with a new attempt. */
  readonly runDir: string;
  /** SIGTERM to the run: it tears down and exits 143. Repeats are harmless (the run ignores them while tearing down). */
  terminate(): void;
  readonly exited: Promise<RunChildExit>;
}

export function runArguments(spec: RunChildSpec): string[] {
  return [
    'run',
    spec.source,
    '--ref',
    spec.ref,
    '--pr',
    String(spec.pull),
    '--name',
    spec.recipe,
    '--run-id',
    spec.runId,
    '--config',
    spec.configFile,
    '--runs-dir',
    spec.runsDir,
    '--json',
  ];
}

export function startRunChild(spec: RunChildSpec, options: { readonly log: Logger; readonly onLine: (line: string) => void }): RunChild {
  const runDir = join(spec.runsDir, spec.runId);
  mkdirSync(runDir, { recursive: true });
  const stdout = openSync(join(runDir, EVENTS_FILE), 'a');
  const stderr = openSync(join(runDir, STDERR_FILE), 'a');
  // execa hands a plain descriptor to the child as is (its types list only 3–9)
  const descriptor = (fd: number) => fd as unknown as 3;
  const subprocess = execa(CCCI_BIN, runArguments(spec), {
    detached: true,
    stdin: 'ignore',
    stdout: descriptor(stdout),
    stderr: descriptor(stderr),
    reject: false,
    cleanup: false,
    forceKillAfterDelay: false,
  });
  closeSync(stdout);
  closeSync(stderr);
  const log = options.log.child({ runId: spec.runId, pid: subprocess.pid });
  log.info({ argv: runArguments(spec).join(' ') }, 'run process started');

  const following = new AbortController();
  let ended = false;
  const follow = followLines(
    join(runDir, EVENTS_FILE),
    (line) => {
      if (line !== '') options.onLine(line);
    },
    { signal: following.signal, until: () => ended },
  );

  const exited = (async (): Promise<RunChildExit> => {
    const result = await subprocess;
    ended = true;
    await follow;
    following.abort();
    const spawnError =
      result.exitCode === undefined && result.signal === undefined ? (result.shortMessage ?? 'the process did not start') : null;
    const exit = { exitCode: result.exitCode ?? null, signal: result.signal ?? null, spawnError };
    log.info(exit, 'run process ended');
    return exit;
  })();

  return {
    pid: subprocess.pid,
    runDir,
    terminate() {
      if (subprocess.pid === undefined || subprocess.exitCode !== null) return;
      try {
        process.kill(subprocess.pid, 'SIGTERM');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
      }
    },
    exited,
  };
}
