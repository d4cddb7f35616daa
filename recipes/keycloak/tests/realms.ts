// Shared by the keycloak overlays: a marker realm a hook recorded, and that Keycloak serves it.
import assert from 'node:assert/strict';
import { contractEnv, hookValue } from 'cc-ci/recipe';
import { discovery } from '../admin.js';

export async function recordedRealm(key: 'upgradeRealm' | 'backupRealm'): Promise<string> {
  const realm = await hookValue<string>(key);
  assert.equal(typeof realm, 'string', `no ${key} in the op state: its hook did not run`);
  return realm!;
}

/** The realm exists: its discovery document is served and names it as its issuer. */
export async function assertRealm(realm: string): Promise<void> {
  const answer = await discovery(contractEnv().CCCI_BASE_URL, realm);
  assert.equal(answer.status, 200, `realm ${realm} answered ${answer.status}: it is not in Keycloak's database`);
  assert.ok(answer.issuer?.endsWith(`/realms/${realm}`), `the issuer of realm ${realm} is ${answer.issuer}`);
}
