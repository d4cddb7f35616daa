// recordOpState: read-modify-write updates of one op-state file take turns, so concurrent writers
// (a hook's parallel ctx.opState.write calls, an op recording beside them) lose nothing.
import test from 'ava';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readJsonFile, recordOpState, type OpState } from '../../src/io/run-state.js';

test('50 concurrent updates of one file all land, and no temporary file is left', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'ccci-op-state-'));
  const file = join(dir, 'op-state.json');
  await Promise.all(
    Array.from({ length: 50 }, (_, index) => recordOpState(file, index % 2 === 0 ? 'hooks' : 'backup', { [`key${index}`]: index })),
  );
  const state = await readJsonFile<OpState>(file, {});
  t.is(Object.keys(state.hooks ?? {}).length, 25);
  t.is(Object.keys(state.backup ?? {}).length, 25);
  t.is(state.backup?.key49, 49);
  t.deepEqual(await readdir(dir), ['op-state.json']);
});

test('a failed update rejects its caller and does not block the next update of that file', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'ccci-op-state-'));
  const parent = join(dir, 'state');
  await writeFile(parent, 'a file where the state directory should be');
  const file = join(parent, 'op-state.json');
  await t.throwsAsync(recordOpState(file, 'hooks', { a: 1 }));
  await rm(parent);
  await recordOpState(file, 'hooks', { b: 2 });
  t.deepEqual(await readJsonFile<OpState>(file, {}), { hooks: { b: 2 } });
});
