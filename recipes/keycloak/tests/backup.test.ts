// Backup overlay of keycloak: the marker realm existed when the backup was taken.
import { test } from 'node:test';
import { assertRealm, recordedRealm } from './realms.js';

test('the realm created before the backup was there when it was taken', async () => {
  await assertRealm(await recordedRealm('backupRealm'));
});
