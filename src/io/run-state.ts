// The run's own state files (op state, deploys, dependencies, tier context): exports for the run's
// children under the env contract, at exact paths, never keyed by domain.
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeFileAtomically } from './fs.js';

/** CCCI_OP_STATE_FILE: what each op recorded, by op (`op_state[op] = {...}`). */
export type OpState = Record<string, Record<string, unknown>>;

export async function readJsonFile<T>(path: string, fallback: T): Promise<T> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return fallback;
    throw error;
  }
}

export async function writeStateFile(path: string, value: unknown): Promise<void> {
  await writeFileAtomically(path, `${JSON.stringify(value, null, 2)}\n`);
}

/** One line per `abra app new` + first deploy attempted (CCCI_DEPLOYS_FILE; the deploy budget, docs/results.md). */
export async function recordDeploy(path: string, domain: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await appendFile(path, `${new Date().toISOString()} ${domain}\n`);
}

/** The domains of the deploys a run recorded, in order: how the janitor knows what a killed run spent. */
export async function readDeployAttempts(path: string): Promise<string[]> {
  try {
    return (await readFile(path, 'utf8'))
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => line.trim().split(/\s+/).at(-1)!);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}
