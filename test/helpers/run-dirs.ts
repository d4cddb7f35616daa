// Run directories as a finished run leaves them, last written at a chosen time: what the pruning
// tests (unit, janitor, daemon and worker) give the janitor to judge.
import { mkdir, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DAY_MS } from '../../src/domain/run-retention.js';

/** That many days before now, in whole seconds: what utimes sets and stat reads back agree exactly. */
export function daysAgo(days: number): Date {
  return new Date(Math.floor((Date.now() - days * DAY_MS) / 1000) * 1000);
}

/** A run directory holding run.log, all last written at `lastWrite`; `fresh` adds a file or sub-directory written now. */
export async function writeRunDir(runsDir: string, name: string, lastWrite: Date, fresh?: 'file' | 'subdir'): Promise<void> {
  const dir = join(runsDir, name);
  await mkdir(dir);
  await writeFile(join(dir, 'run.log'), '{}\n');
  await utimes(join(dir, 'run.log'), lastWrite, lastWrite);
  if (fresh === 'file') await writeFile(join(dir, 'results.json'), '{}');
  if (fresh === 'subdir') await mkdir(join(dir, 'tier-reports'));
  await utimes(dir, lastWrite, lastWrite);
}
