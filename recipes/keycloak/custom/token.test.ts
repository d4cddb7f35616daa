// Functional test of keycloak: the admin gets a token by the password grant of admin-cli (as the
// original cc-ci checked), issued for the live domain, and the master realm's discovery document agrees.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { contractEnv, serviceExec } from 'cc-ci/recipe';
import { adminCredentials, discovery, passwordGrant } from '../admin.js';

function claims(jwt: string): Record<string, unknown> {
  const [, payload] = jwt.split('.');
  assert.ok(payload, 'the access token is not a JWT');
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
}

test('the password grant of admin-cli gives a bearer token for the live domain', async () => {
  const env = contractEnv();
  const token = await passwordGrant(env.CCCI_BASE_URL, await adminCredentials(serviceExec));
  assert.equal(String(token.token_type).toLowerCase(), 'bearer');
  assert.equal(typeof token.access_token, 'string');
  const jwt = claims(token.access_token as string);
  assert.equal(jwt.azp, 'admin-cli');
  assert.equal(jwt.typ, 'Bearer');
  assert.ok(typeof jwt.exp === 'number' && jwt.exp * 1000 > Date.now(), `the token expired at ${jwt.exp}`);
  assert.equal(typeof jwt.iss, 'string');
  assert.equal(new URL(jwt.iss as string).hostname, env.CCCI_APP_DOMAIN, `the token was issued by ${jwt.iss}`);
  const master = await discovery(env.CCCI_BASE_URL, 'master');
  assert.equal(master.status, 200);
  assert.equal(jwt.iss, master.issuer, 'the token and the discovery document name different issuers');
});

test('a realm that does not exist is a 404', async () => {
  const answer = await discovery(contractEnv().CCCI_BASE_URL, `ccci-missing-${Date.now()}`);
  assert.equal(answer.status, 404);
});
