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
  /** Time between SIGTERM and SIGKILL of the group. @default 5000 */
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
  /** Why cc-ci stopped the command (the abort reason), if it did. */
  readonly stopReason: string | undefined;
  readonly failed: boolean;
  readonly stdout: string;
  readonly stderr: string;
  readonly durationMs: number;
}

const INHERITED_ENV = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR', 'USER', 'DOCKER_HOST', 'DOCKER_CONTEXT', 'DOCKER_CONFIG', 'DOCKER_CERT_PATH', 'DOCKER_TLS_VERIFY'];

let commandMs = 0;
/** Total wall time spent inside child processes by this process. */
export function totalCommandMs(): number {
  return Math.round(commandMs);
}

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

export async function runCommand(argv: readonly [string, ...string[]], options: CommandOptions): Promise<CommandResult> {
  const graceMs = options.graceMs ?? 5_000;
  const command = describeCommand(argv);
  const env = { ...baseEnv() };
  for (const [name, value] of Object.entries(options.env ?? {})) if (value !== undefined) env[name] = value;
  const log = options.log.child({ command: argv[0] });
  log.debug({ argv: command, cwd: options.cwd }, 'command start');
  const started = performance.now();

  if (options.signal?.aborted) {
    const stopReason = String(options.signal.reason ?? 'aborted');
    log.debug({ stopReason }, 'command not started: its stage was stopped');
    return { command, exitCode: undefined, signal: undefined, timedOut: false, stopReason, failed: true, stdout: '', stderr: '', durationMs: 0 };
  }
  const subprocess = execa(argv[0], argv.slice(1), {
    cwd: options.cwd,
    env,
    extendEnv: false,
    detached: true,
    reject: false,
    all: true,
    stripFinalNewline: true,
    input: options.input,
    stdin: options.input === undefined ? 'ignore' : undefined,
  });
  const pid = subprocess.pid;
  // detached children get no execa cleanup: kill the group ourselves when this process exits
  const removeExitHook = onExit(() => killGroup(pid, 'SIGKILL'));
  let stopReason: string | undefined;
  let timedOut = false;
  let escalation: NodeJS.Timeout | undefined;
  const terminateGroup = () => {
    killGroup(pid, 'SIGTERM');
    escalation ??= setTimeout(() => killGroup(pid, 'SIGKILL'), graceMs);
  };
  const onAbort = () => {
    stopReason ??= String(options.signal?.reason ?? 'aborted');
    terminateGroup();
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const deadline =
    options.timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          stopReason ??= `timed out after ${options.timeoutMs} ms`;
          terminateGroup();
        }, options.timeoutMs);
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
  clearTimeout(deadline);
  clearTimeout(escalation);
  clearTimeout(straggler);
  removeExitHook();
  options.signal?.removeEventListener('abort', onAbort);
  const ended = performance.now();
  const durationMs = ended - started;
  commandMs += durationMs;
  bookOutsideTime(started, ended);
  const outcome: CommandResult = {
    command,
    exitCode: result.exitCode,
    signal: result.signal,
    timedOut,
    stopReason,
    failed: result.failed || stopReason !== undefined,
    stdout: String(result.stdout ?? '').replaceAll('\r', ''),
    stderr: String(result.stderr ?? '').replaceAll('\r', ''),
    durationMs: Math.round(durationMs),
  };
  log.debug({ exitCode: outcome.exitCode, signal: outcome.signal, ms: outcome.durationMs, stopReason }, 'command end');
  return outcome;
}

/** Why a command failed and what it printed, reason first (redacted). */
export function describeFailure(result: CommandResult, tailLines = 20): string {
  const reason = result.stopReason !== undefined
    ? `was stopped (${result.stopReason})`
    : result.signal !== undefined
      ? `was killed by ${result.signal}`
      : `exited with code ${result.exitCode}`;
  const tail = (text: string) => text.split('\n').slice(-tailLines).join('\n').trim();
  return [`Command ${reason}: ${result.command}`, tail(result.stderr), tail(result.stdout)]
    .filter((part) => part !== '')
    .map(redactor.redact)
    .join('\n');
}

export class CommandError extends Error {
  readonly code = 'command-failed';
  constructor(readonly result: CommandResult) {
    super(describeFailure(result));
    this.name = 'CommandError';
  }
}

/** Runs a command and throws CommandError unless it succeeded. */
export async function runChecked(argv: readonly [string, ...string[]], options: CommandOptions): Promise<CommandResult> {
  const result = await runCommand(argv, options);
  if (result.failed) throw new CommandError(result);
  return result;
}
