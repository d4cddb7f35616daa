// Upgrade overlay of custom-html: the content volume outlived the in-place upgrade.
import { test } from 'node:test';
import { assertServed, recordedMarker } from './served.js';

test('the page written before the upgrade is still served, byte for byte', async () => {
  await assertServed(await recordedMarker('upgradeMarker'));
});
