// flags.noSecretLeak: every artifact of the run is scanned for every secret value this process knows
// (operator secrets, the forge token, secrets marked secret(…), the app's generated secrets). The
// artifacts are what is published of a run: its log, its tier reports and its results.json. Images
// (a card, a screenshot) are not text and cannot be scanned.
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';

export interface LeakScan {
  /** Every artifact scanned, relative to the run directory. */
  readonly scanned: readonly string[];
  /** The artifacts a known secret appears in unmasked. */
  readonly leaked: readonly string[];
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const nested = await Promise.all(
    entries.map((entry) => (entry.isDirectory() ? filesUnder(join(dir, entry.name)) : Promise.resolve([join(dir, entry.name)]))),
  );
  return nested.flat().sort();
}

/** Scans the log and every tier report on disk, and the results text about to be written as `resultsName`. */
export async function scanArtifacts(
  paths: { readonly runDir: string; readonly logFile: string; readonly tierReportsDir: string },
  results: { readonly name: string; readonly text: string },
  isClean: (text: string) => boolean,
): Promise<LeakScan> {
  const files = [paths.logFile, ...(await filesUnder(paths.tierReportsDir))];
  const scanned: string[] = [];
  const leaked: string[] = [];
  for (const file of files) {
    const text = await readFile(file, 'utf8').catch(() => undefined);
    if (text === undefined) continue;
    scanned.push(relative(paths.runDir, file));
    if (!isClean(text)) leaked.push(relative(paths.runDir, file));
  }
  scanned.push(results.name);
  if (!isClean(results.text)) leaked.push(results.name);
  return { scanned, leaked };
}
