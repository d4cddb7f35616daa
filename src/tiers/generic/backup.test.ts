// Generic backup assertions: the snapshot the op created exists.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tierEnvironment } from '../tier-environment.js';

const tier = await tierEnvironment();

test('the snapshot created by the backup exists', async () => {
  const backup = (await tier.opState()).backup as { snapshotId?: string } | undefined;
  assert.ok(backup?.snapshotId, 'the backup op recorded no snapshot id');
  const snapshots = await tier.abra.backupSnapshots(tier.context.domain);
  assert.ok(snapshots.includes(backup.snapshotId), `snapshot ${backup.snapshotId} is not among ${snapshots.join(', ') || 'no snapshots'}`);
});
