// Every child process of cc-ci: own process group, explicit env, lines streamed into the run log,
// SIGTERM to the whole group on abort or timeout, SIGKILL after a grace period, nothing left behind.
import { execa } from 'execa';
import { onExit } from 'signal-exit';
import { bookOutsideTime } from './clock.js';
import type { Logger } from './log.js';
import { redactor } from './redact.js';

export interface CommandOptions {
  readonly log: Logger;
  readonly cwd?: string;
  /** Added to the small inherited base (PATH, HOME, locale, docker client settings). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly signal?: AbortSignal;
  readonly timeoutMs?: number;
  /** Time between SIGTERM and SIGKILL of the leader (the rest of the group gets SIGKILL once the leader is gone). @default 5000 */
  readonly graceMs?: number;
  readonly input?: string;
  /** Log level for the child's output lines; 'none' keeps them out of the log (the caller logs them). @default 'debug' */
  readonly outputLevel?: 'debug' | 'info' | 'none';
}

export interface CommandResult {
  readonly command: string;
  readonly exitCode: number | undefined;
  readonly signal: string | undefined;
  readonly timedOut: boolean;
  /** Why cc-ci stopped the command (the abort reason, or its timeout), if it did. */
  readonly stopReason: string | undefined;
  /** Set when the command could not be started at all (execa's message, e.g. `spawn docker ENOENT`). */
  readonly spawnError: string | undefined;
  readonly failed: boolean;
  readonly stdout: string;
  readonly stderr: string;
  readonly durationMs: number;
  /** What execa knows about why it ended: the abort reason, the timeout, the spawn error. */
  readonly cause: unknown;
}

const INHERITED_ENV = [
  'PATH',
  'HOME',
  'LANG',
  'LC_ALL',
  'TZ',
  'TMPDIR',
  'USER',
  'DOCKER_HOST',
  'DOCKER_CONTEXT',
  'DOCKER_CONFIG',
  'DOCKER_CERT_PATH',
  'DOCKER_TLS_VERIFY',
];

function baseEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of INHERITED_ENV) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  return env;
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

export function describeCommand(argv: readonly string[]): string {
  return argv.map((part) => (/^[\w@%+=:,./-]+$/.test(part) ? part : `'${part.replaceAll("'", "'\\''")}'`)).join(' ');
}

class CommandTimeout extends Error {
  constructor(readonly timeoutMs: number) {
    super(`timed out after ${timeoutMs} ms`);
    this.name = 'CommandTimeout';
  }
}

/**
 * The command's own stop signal: it aborts on the caller's abort (with its reason) or at the timeout,
 * whichever comes first. The caller's signal, often a whole stage's, gets one listener per command,
 * removed when the command ends (not AbortSignal.any, whose listener outlives the command until
 * garbage collection); execa and the group kill listen on this one.
 */
function stopSignalOf(options: CommandOptions): { readonly signal: AbortSignal; dispose(): void } {
  const { signal: caller, timeoutMs } = options;
  const stop = new AbortController();
  const onAbort = () => stop.abort(caller?.reason);
  caller?.addEventListener('abort', onAbort, { once: true });
  const timer = timeoutMs === undefined ? undefined : setTimeout(() => stop.abort(new CommandTimeout(timeoutMs)), timeoutMs);
  return {
    signal: stop.signal,
    dispose: () => {
      clearTimeout(timer);
      caller?.removeEventListener('abort', onAbort);
    },
  };
}

function describeReason(reason: unknown): string {
  return reason instanceof Error ? reason.message : String(reason ?? 'aborted');
}

/**
 * execa stops the command on the stop signal (the caller's abort, or the timeout as one more abort
 * reason): SIGTERM, then SIGKILL after the grace period (`forceKillAfterDelay`). execa signals only
 * the leader, and its `cleanup` does not cover detached children, so the group is ours: SIGTERM to
 * the whole group with the leader's, SIGKILL to what is left once the leader is gone, and SIGKILL
 * when this process exits.
 */
export async function runCommand(argv: readonly [string, ...string[]], options: CommandOptions): Promise<CommandResult> {
  const command = describeCommand(argv);
  const env = { ...baseEnv() };
  for (const [name, value] of Object.entries(options.env ?? {})) if (value !== undefined) env[name] = value;
  const log = options.log.child({ command: argv[0] });
  log.debug({ argv: command, cwd: options.cwd }, 'command start');
  const started = performance.now();

  if (options.signal?.aborted) {
    const stopReason = describeReason(options.signal.reason);
    log.debug({ stopReason }, 'command not started: its stage was stopped');
    return {
      command,
      exitCode: undefined,
      signal: undefined,
      timedOut: false,
      stopReason,
      spawnError: undefined,
      failed: true,
      stdout: '',
      stderr: '',
      durationMs: 0,
      cause: options.signal.reason,
    };
  }
  const stop = stopSignalOf(options);
  const subprocess = execa(argv[0], argv.slice(1), {
    cwd: options.cwd,
    env,
    extendEnv: false,
    detached: true,
    cleanup: false,
    reject: false,
    all: true,
    stripFinalNewline: true,
    input: options.input,
    stdin: options.input === undefined ? 'ignore' : undefined,
    cancelSignal: stop.signal,
    killSignal: 'SIGTERM',
    forceKillAfterDelay: options.graceMs ?? 5_000,
  });
  const pid = subprocess.pid;
  const removeExitHook = onExit(() => killGroup(pid, 'SIGKILL'));
  const terminateGroup = () => killGroup(pid, 'SIGTERM');
  stop.signal.addEventListener('abort', terminateGroup, { once: true });
  // grandchildren that keep the output pipes open would hold the result forever once the leader exits
  let straggler: NodeJS.Timeout | undefined;
  subprocess.once('exit', () => {
    straggler = setTimeout(() => killGroup(pid, 'SIGKILL'), 500);
  });
  const level = options.outputLevel ?? 'debug';
  const streaming = (async () => {
    if (level === 'none') return;
    for await (const line of subprocess.iterable({ from: 'all' })) log[level]({ pid }, redactor.redact(String(line).replace(/\r$/, '')));
  })().catch(() => undefined);

  const result = await subprocess;
  await streaming;
  killGroup(pid, 'SIGKILL');
  stop.dispose();
  clearTimeout(straggler);
  removeExitHook();
  stop.signal.removeEventListener('abort', terminateGroup);
  const ended = performance.now();
  const durationMs = ended - started;
  bookOutsideTime('command', started, ended);
  const stopped = result.isCanceled ? result.cause : undefined;
  const ran = result.exitCode !== undefined || result.signal !== undefined || result.isCanceled;
  const outcome: CommandResult = {
    command,
    exitCode: result.exitCode,
    signal: result.signal,
    timedOut: stopped instanceof CommandTimeout,
    stopReason: result.isCanceled ? describeReason(stopped) : undefined,
    spawnError: ran ? undefined : result.cause instanceof Error ? result.cause.message : result.shortMessage,
    failed: result.failed,
    stdout: String(result.stdout ?? '').replaceAll('\r', ''),
    stderr: String(result.stderr ?? '').replaceAll('\r', ''),
    durationMs: Math.round(durationMs),
    cause: result.cause,
  };
  log.debug(
    {
      exitCode: outcome.exitCode,
      signal: outcome.signal,
      ms: outcome.durationMs,
      stopReason: outcome.stopReason,
      spawnError: outcome.spawnError,
    },
    'command end',
  );
  return outcome;
}

/** Why a command failed and what it printed, reason first (redacted). */
export function describeFailure(result: CommandResult, tailLines = 20): string {
  const reason =
    result.stopReason !== undefined
      ? `was stopped (${result.stopReason})`
      : result.spawnError !== undefined
        ? `could not start (${result.spawnError})`
        : result.signal !== undefined
          ? `was killed by ${result.signal}`
          : `exited with code ${result.exitCode}`;
  const tail = (text: string) => text.split('\n').slice(-tailLines).join('\n').trim();
  return [`Command ${reason}: ${result.command}`, tail(result.stderr), tail(result.stdout)]
    .filter((part) => part !== '')
    .map(redactor.redact)
    .join('\n');
}

/** A command that did not succeed; `cause` is execa's (the abort reason, the timeout, the spawn error). */
export class CommandError extends Error {
  readonly code = 'command-failed';
  /** True when cc-ci stopped the command (its stage was aborted or it timed out). */
  readonly isCanceled: boolean;
  constructor(readonly result: CommandResult) {
    super(describeFailure(result), { cause: result.cause });
    this.name = 'CommandError';
    this.isCanceled = result.stopReason !== undefined;
  }
}

/** Runs a command and throws CommandError unless it succeeded. */
export async function runChecked(argv: readonly [string, ...string[]], options: CommandOptions): Promise<CommandResult> {
  const result = await runCommand(argv, options);
  if (result.failed) throw new CommandError(result);
  return result;
}
