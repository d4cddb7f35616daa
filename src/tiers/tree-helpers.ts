// Helpers for a customization tree's own tests (tests/<op>.test.ts, custom/*.test.ts), exported as
// `cc-ci/recipe`: the env contract read for them, the app over HTTP and a command in one of its
// services, the same facts a hook gets through its ctx. Node built-ins only: a tree's test process
// loads this once per file.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import type { DependencyRecord } from '../domain/run-types.js';
import { CONTRACT_NAMES, TierContext, type ContractEnv } from './tier-context.js';

/** The env contract of this test process, every name set; throws naming the missing ones otherwise. */
export function contractEnv(): ContractEnv {
  const missing = CONTRACT_NAMES.filter((name) => process.env[name] === undefined);
  if (missing.length > 0) throw new Error(`not started by cc-ci: the env contract is incomplete (${missing.join(', ')} unset)`);
  return Object.fromEntries(CONTRACT_NAMES.map((name) => [name, process.env[name]!])) as ContractEnv;
}

async function readJson(file: string): Promise<unknown> {
  return JSON.parse(await readFile(file, 'utf8'));
}

/** CCCI_CONTEXT_FILE: the stack, the app service, HEALTH_PATH, HEALTH_OK, the abra settings. */
export async function tierContext(): Promise<TierContext> {
  return TierContext.parse(await readJson(contractEnv().CCCI_CONTEXT_FILE));
}

/** CCCI_OP_STATE_FILE: what the ops recorded (upgrade, backup, restore) and what hooks wrote (hooks). */
export async function opState(): Promise<Readonly<Record<string, Readonly<Record<string, unknown>>>>> {
  try {
    return (await readJson(contractEnv().CCCI_OP_STATE_FILE)) as Record<string, Record<string, unknown>>;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
}

/** What a hook stored with ctx.opState.write(key, value); undefined when none did. */
export async function hookValue<T = unknown>(key: string): Promise<T | undefined> {
  return (await opState()).hooks?.[key] as T | undefined;
}

/** The record of a ready dependency (CCCI_DEPS_FILE); throws with the reason when it is not ready, as a test needing it must fail. */
export async function readyDependency(recipe: string): Promise<DependencyRecord> {
  const env = contractEnv();
  const skipped = (await readJson(env.CCCI_DEPS_SKIP_FILE).catch(() => ({}))) as Record<string, string>;
  if (skipped[recipe] !== undefined) throw new Error(`dependency ${recipe} is not ready: ${skipped[recipe]}`);
  const ready = (await readJson(env.CCCI_DEPS_FILE).catch(() => ({}))) as Record<string, DependencyRecord>;
  const record = ready[recipe];
  if (record === undefined) throw new Error(`dependency ${recipe} was not deployed for this run (is it in DEPS?)`);
  return record;
}

export interface AppAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: string;
}

export interface AppRequestOptions {
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | URLSearchParams;
  /** Default 30 s. */
  readonly timeoutMs?: number;
  /** Another app's base URL (a dependency's record.baseUrl); default CCCI_BASE_URL. */
  readonly baseUrl?: string;
}

/** An HTTP request to `path` of the app (CCCI_BASE_URL + path). Redirects are not followed: a 3xx is itself the answer. */
export async function appRequest(path: string, options: AppRequestOptions = {}): Promise<AppAnswer> {
  if (!path.startsWith('/')) throw new Error(`appRequest: "${path}" is not a path (it starts with /)`);
  const baseUrl = (options.baseUrl ?? contractEnv().CCCI_BASE_URL).replace(/\/+$/, '');
  const response = await fetch(`${baseUrl}${path}`, {
    method: options.method ?? 'GET',
    redirect: 'manual',
    headers: { 'user-agent': 'cc-ci', ...options.headers },
    ...(options.body === undefined ? {} : { body: options.body }),
    signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
  });
  return { status: response.status, headers: response.headers, body: await response.text() };
}

export interface ExecOutput {
  readonly stdout: string;
  readonly stderr: string;
}

function docker(argv: readonly string[], input?: string): Promise<ExecOutput> {
  return new Promise((resolve, reject) => {
    const child = execFile('docker', argv, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error === null) resolve({ stdout, stderr });
      else
        reject(
          new Error(
            `docker ${argv.slice(0, 2).join(' ')} … failed (${error.code ?? error.message}): ${stderr.trim().split('\n').slice(-10).join('\n')}`,
          ),
        );
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}

/**
 * Runs argv in the first running container of the app's service `service` ("app", "db", …), as ctx.exec
 * does for a hook; resolves its output, throws on a non-zero exit. `options.stack` reaches another
 * stack (a dependency's record.stack).
 */
export async function serviceExec(
  service: string,
  argv: readonly string[],
  options: { readonly input?: string; readonly stack?: string } = {},
): Promise<ExecOutput> {
  const stack = options.stack ?? (await tierContext()).stack;
  const name = `${stack}_${service}`;
  const { stdout } = await docker(['ps', '-q', '--filter', `label=com.docker.swarm.service.name=${name}`, '--filter', 'status=running']);
  const container = stdout.split('\n').find((line) => line.trim() !== '');
  if (container === undefined) throw new Error(`serviceExec: service ${name} has no running container`);
  return docker(['exec', ...(options.input === undefined ? [] : ['-i']), container.trim(), ...argv], options.input);
}
