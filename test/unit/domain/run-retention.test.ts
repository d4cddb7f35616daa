// Which run directories the janitor prunes: run-id names only, directories only, strictly older than the retention.
import test from 'ava';
import { DAY_MS, retentionCutoffMs, runDirsToPrune, type RunDirEntry } from '../../../src/domain/run-retention.js';

const now = Date.parse('2026-12-04T12:00:00Z');
const entry = (name: string, daysAgo: number, directory = true): RunDirEntry => ({
  name,
  directory,
  newestWriteMs: now - daysAgo * DAY_MS,
});

test('the cutoff is the retention before now', (t) => {
  t.is(retentionCutoffMs(now, 30), Date.parse('2026-11-04T12:00:00Z'));
  t.is(retentionCutoffMs(now, 0.5), Date.parse('2026-12-04T00:00:00Z'));
});

test('a run directory last written before the cutoff is pruned; at the cutoff or after it is kept', (t) => {
  const entries = [entry('20261001T120000Z-0a0b0c-p7', 31), entry('20261104T120000Z-0d0e0f', 30), entry('20261120T120000Z-1a1b1c', 14)];
  t.deepEqual(
    runDirsToPrune(entries, now, 30).map((found) => found.name),
    ['20261001T120000Z-0a0b0c-p7'],
  );
  t.deepEqual(
    runDirsToPrune([{ ...entries[1]!, newestWriteMs: entries[1]!.newestWriteMs - 1 }], now, 30).map((found) => found.name),
    ['20261104T120000Z-0d0e0f'],
    'one millisecond before the cutoff',
  );
});

test('what is not named as a run id stays, however old', (t) => {
  const names = ['notes', '20261001T120000Z-0a0b0c.tmp', '20261001T120000Z-0A0B0C', '20261001-0a0b0c', '.20261001T120000Z-0a0b0c', ''];
  t.deepEqual(
    runDirsToPrune(
      names.map((name) => entry(name, 400)),
      now,
      30,
    ),
    [],
  );
});

test('a file named as a run id stays: only directories are pruned', (t) => {
  t.deepEqual(runDirsToPrune([entry('20261001T120000Z-0a0b0c', 400, false)], now, 30), []);
});

test('the directories to prune come sorted by name, oldest run first', (t) => {
  const entries = [entry('20261003T000000Z-cccccc', 60), entry('20261001T000000Z-aaaaaa', 40), entry('20261002T000000Z-bbbbbb-p3', 50)];
  t.deepEqual(
    runDirsToPrune(entries, now, 30).map((found) => found.name),
    ['20261001T000000Z-aaaaaa', '20261002T000000Z-bbbbbb-p3', '20261003T000000Z-cccccc'],
  );
});
