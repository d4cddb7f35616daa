// Restore overlay of keycloak: preRestore deleted the backup's marker realm, the restore brought it back.
import { test } from 'node:test';
import { assertRealm, recordedRealm } from './realms.js';

test('the realm deleted before the restore is back', async () => {
  await assertRealm(await recordedRealm('backupRealm'));
});

test('the realm created before the upgrade is still there after the restore', async () => {
  await assertRealm(await recordedRealm('upgradeRealm'));
});
