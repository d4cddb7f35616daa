// Pruning a runs dir on real files: what is read, what is removed, what a dry run and a missing dir do.
import test from 'ava';
import { mkdtemp, readdir, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../../src/io/log.js';
import { pruneRunDirs } from '../../../src/io/prune-run-dirs.js';
import { daysAgo, writeRunDir } from '../../helpers/run-dirs.js';

const old = daysAgo(40);

type Entry = 'old-dir' | 'old-file' | 'old-dir-fresh-file' | 'old-dir-fresh-subdir';

async function runsDirWith(entries: Record<string, Entry>): Promise<string> {
  const runsDir = await mkdtemp(join(tmpdir(), 'ccci-prune-'));
  for (const [name, kind] of Object.entries(entries)) {
    if (kind === 'old-file') {
      await writeFile(join(runsDir, name), 'x');
      await utimes(join(runsDir, name), old, old);
    } else
      await writeRunDir(
        runsDir,
        name,
        old,
        kind === 'old-dir-fresh-file' ? 'file' : kind === 'old-dir-fresh-subdir' ? 'subdir' : undefined,
      );
  }
  return runsDir;
}

test('an old run directory is removed with all it holds, and named with its last write', async (t) => {
  const runsDir = await runsDirWith({ '20261001T120000Z-0a0b0c-p7': 'old-dir' });
  const pruned = await pruneRunDirs(runsDir, 30, { log: silentLogger });
  t.deepEqual(pruned, [{ runId: '20261001T120000Z-0a0b0c-p7', action: 'pruned', lastWrite: old.toISOString() }]);
  t.deepEqual(await readdir(runsDir), []);
});

test('a fresh file or sub-directory in an old run directory keeps it', async (t) => {
  const runsDir = await runsDirWith({ '20261001T120000Z-0a0b0c': 'old-dir-fresh-file', '20261002T120000Z-0d0e0f': 'old-dir-fresh-subdir' });
  t.deepEqual(await pruneRunDirs(runsDir, 30, { log: silentLogger }), []);
  t.is((await readdir(runsDir)).length, 2);
});

test('a dry run says what it would remove and removes nothing', async (t) => {
  const runsDir = await runsDirWith({ '20261001T120000Z-0a0b0c': 'old-dir', '20261001T130000Z-0d0e0f': 'old-file' });
  t.deepEqual(await pruneRunDirs(runsDir, 30, { log: silentLogger, dryRun: true }), [
    { runId: '20261001T120000Z-0a0b0c', action: 'would-prune', lastWrite: old.toISOString() },
  ]);
  t.is((await readdir(runsDir)).length, 2);
});

test('a runs dir that does not exist yet has nothing to prune', async (t) => {
  t.deepEqual(await pruneRunDirs(join(await mkdtemp(join(tmpdir(), 'ccci-prune-')), 'absent'), 30, { log: silentLogger }), []);
});

test('a runs dir that is not readable as a directory is an error naming it', async (t) => {
  const file = join(await mkdtemp(join(tmpdir(), 'ccci-prune-')), 'runs');
  await writeFile(file, 'not a directory');
  await t.throwsAsync(pruneRunDirs(file, 30, { log: silentLogger }), { message: new RegExp(`ENOTDIR.*${file}`) });
});
