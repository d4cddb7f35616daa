// The run's own state files (op state, deploy count, tier context). Exact paths, never keyed by domain.
import { appendFile, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

async function writeJsonAtomically(path: string, value: unknown): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(value, null, 2)}\n`);
  await rename(temporary, path);
}

export async function readJsonFile<T>(path: string, fallback: T): Promise<T> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return fallback;
    throw error;
  }
}

export type OpState = Record<string, Record<string, unknown>>;

/** Records what an op did, for the assertions that run after it (`op_state[op] = {...}`). */
export async function recordOpState(path: string, op: string, values: Record<string, unknown>): Promise<void> {
  const state = await readJsonFile<OpState>(path, {});
  state[op] = { ...(state[op] ?? {}), ...values };
  await writeJsonAtomically(path, state);
}

export async function writeStateFile(path: string, value: unknown): Promise<void> {
  await writeJsonAtomically(path, value);
}

/** One line per `abra app new` + first deploy attempted (SPEC §4.5). */
export async function recordDeploy(path: string, domain: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await appendFile(path, `${new Date().toISOString()} ${domain}\n`);
}

export async function countDeploys(path: string): Promise<number> {
  try {
    return (await readFile(path, 'utf8')).split('\n').filter((line) => line.trim() !== '').length;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
}
