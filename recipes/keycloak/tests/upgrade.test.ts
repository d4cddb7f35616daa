// Upgrade overlay of keycloak: the database outlived the in-place upgrade (and the upgraded Keycloak reads it).
import { test } from 'node:test';
import { assertRealm, recordedRealm } from './realms.js';

test('the realm created before the upgrade is still there', async () => {
  await assertRealm(await recordedRealm('upgradeRealm'));
});
