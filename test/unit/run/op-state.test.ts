// OpStateExport: the op state kept in memory and exported to its file; concurrent records (a hook's
// parallel ctx.opState.write calls, an op recording beside them) lose nothing, and the file always
// ends with the latest state.
import test from 'ava';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OpStateExport } from '../../../src/run/op-state.js';

async function exported(file: string): Promise<unknown> {
  return JSON.parse(await readFile(file, 'utf8'));
}

test('50 concurrent records all land in memory and in the file, and no temporary file is left', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'ccci-op-state-'));
  const file = join(dir, 'op-state.json');
  const opState = new OpStateExport(file);
  await Promise.all(
    Array.from({ length: 50 }, (_, index) => opState.record(index % 2 === 0 ? 'hooks' : 'backup', { [`key${index}`]: index })),
  );
  const state = opState.read();
  t.is(Object.keys(state.hooks ?? {}).length, 25);
  t.is(Object.keys(state.backup ?? {}).length, 25);
  t.is(state.backup?.key49, 49);
  t.deepEqual(await exported(file), state);
  t.deepEqual(await readdir(dir), ['op-state.json']);
});

test('read gives a copy: changing it changes nothing recorded', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'ccci-op-state-'));
  const opState = new OpStateExport(join(dir, 'op-state.json'));
  await opState.record('backup', { snapshotId: 's1' });
  const copy = opState.read();
  copy.backup!.snapshotId = 'changed';
  t.deepEqual(opState.read(), { backup: { snapshotId: 's1' } });
});

test('a failed write rejects its caller and does not block the next record', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'ccci-op-state-'));
  const parent = join(dir, 'state');
  await writeFile(parent, 'a file where the state directory should be');
  const file = join(parent, 'op-state.json');
  const opState = new OpStateExport(file);
  await t.throwsAsync(opState.record('hooks', { a: 1 }));
  await rm(parent);
  await opState.record('hooks', { b: 2 });
  t.deepEqual(await exported(file), { hooks: { a: 1, b: 2 } });
});
