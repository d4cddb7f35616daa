// The run's own state files (op state, deploy count, tier context). Exact paths, never keyed by domain.
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeFileAtomically } from './fs.js';

function writeJsonAtomically(path: string, value: unknown): Promise<void> {
  return writeFileAtomically(path, `${JSON.stringify(value, null, 2)}\n`);
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

/** The last pending update of each op-state file: updates are read-modify-write, so they take turns. */
const pendingUpdates = new Map<string, Promise<void>>();

/** Records what an op did, for the assertions that run after it (`op_state[op] = {...}`). */
export function recordOpState(path: string, op: string, values: Record<string, unknown>): Promise<void> {
  const update = async () => {
    const state = await readJsonFile<OpState>(path, {});
    state[op] = { ...(state[op] ?? {}), ...values };
    await writeJsonAtomically(path, state);
  };
  const next = (pendingUpdates.get(path) ?? Promise.resolve()).then(update);
  const settled = next.catch(() => undefined);
  pendingUpdates.set(path, settled);
  void settled.then(() => {
    if (pendingUpdates.get(path) === settled) pendingUpdates.delete(path);
  });
  return next;
}

export async function writeStateFile(path: string, value: unknown): Promise<void> {
  await writeJsonAtomically(path, value);
}

/** One line per `abra app new` + first deploy attempted (the deploy budget, docs/results.md). */
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
