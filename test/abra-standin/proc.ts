// Child processes: the docker and git CLIs, run synchronously.
import { spawnSync } from 'node:child_process';
import { debug, fatal } from './log.js';

export interface Result {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly input?: string;
  /** Pass stdout/stderr straight through instead of capturing them. */
  readonly stream?: boolean;
}

export function run(command: string, args: readonly string[], options: RunOptions = {}): Result {
  debug(`running: ${[command, ...args].map(quote).join(' ')}${options.cwd ? ` (in ${options.cwd})` : ''}`);
  const result = spawnSync(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    input: options.input,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    stdio: [options.input === undefined ? 'ignore' : 'pipe', options.stream ? 'inherit' : 'pipe', options.stream ? 'inherit' : 'pipe'],
  });
  if (result.error) fatal(`unable to run ${command}: ${result.error.message}`);
  return { status: result.status ?? 1, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
}

/** Runs and FATAs with the command's stderr when it fails; returns stdout. */
export function runChecked(command: string, args: readonly string[], options: RunOptions = {}): string {
  const result = run(command, args, options);
  if (result.status !== 0) fatal(`${command} ${args.slice(0, 3).join(' ')} failed: ${(result.stderr || result.stdout).trim()}`);
  return result.stdout;
}

export function quote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

let dockerServer = 'default';

/** `default` is the local engine; any other server is the docker context of the same name (as abra does). */
export function setServer(server: string): void {
  dockerServer = server;
}

export function dockerEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  if (dockerServer !== 'default') env.DOCKER_CONTEXT = dockerServer;
  return env;
}

export function docker(args: readonly string[], options: RunOptions = {}): Result {
  return run('docker', args, { ...options, env: options.env ?? dockerEnv() });
}

export function dockerChecked(args: readonly string[], options: RunOptions = {}): string {
  return runChecked('docker', args, { ...options, env: options.env ?? dockerEnv() });
}

export function lines(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

export function git(repo: string, args: readonly string[]): Result {
  return run('git', ['-C', repo, ...args]);
}

export function gitChecked(repo: string, args: readonly string[]): string {
  return runChecked('git', ['-C', repo, ...args]);
}
