// Restore overlay of custom-html: preRestore removed the backup marker page, the restore brought it back.
import { test } from 'node:test';
import { assertServed, recordedMarker } from './served.js';

test('the page removed before the restore is served again, byte for byte', async () => {
  await assertServed(await recordedMarker('backupMarker'));
});

test('the page written before the upgrade is still served after the restore', async () => {
  await assertServed(await recordedMarker('upgradeMarker'));
});
