// Reads a run's results.json back (the daemon, the run pages): the record, or what is wrong with it.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Results } from './schema.js';
import { RESULTS_FILE } from './write-results.js';

export type ReadResults = { readonly results: Results } | { readonly problem: string };

export async function readResults(runDirectory: string): Promise<ReadResults> {
  let text: string;
  try {
    text = await readFile(join(runDirectory, RESULTS_FILE), 'utf8');
  } catch {
    return { problem: `no ${RESULTS_FILE}` };
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { problem: `${RESULTS_FILE} is not JSON` };
  }
  const parsed = Results.safeParse(data);
  return parsed.success ? { results: parsed.data } : { problem: `${RESULTS_FILE} does not match its schema` };
}
