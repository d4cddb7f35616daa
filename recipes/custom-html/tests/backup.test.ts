// Backup overlay of custom-html: the marker page was being served when the backup was taken, so the
// restore overlay's check is about the backed-up web root and not about a file nginx never saw.
import { test } from 'node:test';
import { assertServed, recordedMarker } from './served.js';

test('the page written before the backup was served when it was taken', async () => {
  await assertServed(await recordedMarker('backupMarker'));
});
