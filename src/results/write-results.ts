// The only writer of results.json: validate, then write to a temporary file and rename it into place.
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Results } from './schema.js';

export const RESULTS_FILE = 'results.json';

export async function writeResults(runDirectory: string, results: Results): Promise<string> {
  const checked = Results.parse(results);
  const target = join(runDirectory, RESULTS_FILE);
  const temporary = `${target}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(checked, null, 2)}\n`, { mode: 0o644 });
  await rename(temporary, target);
  return target;
}
