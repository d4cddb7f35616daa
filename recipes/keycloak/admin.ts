// What the keycloak tree does with Keycloak's documented admin interfaces, shared by ops.ts and the
// tests: the admin's credentials from inside the app container, a token by the password grant of the
// master realm's admin-cli client, and realms created and deleted through the admin REST API.
import { randomBytes } from 'node:crypto';

/** Runs argv in a service of the app and resolves its output: serviceExec from cc-ci/recipe (it logs nothing). */
export type Exec = (
  service: string,
  argv: readonly string[],
  options?: { readonly input?: string; readonly stack?: string },
) => Promise<{ readonly stdout: string }>;

export interface Credentials {
  readonly username: string;
  readonly password: string;
}

/**
 * The bootstrap admin as the app container knows it. Keycloak reads it from KC_BOOTSTRAP_ADMIN_* (26 and
 * later) or KEYCLOAK_ADMIN* (before); the recipe is expected to keep the password in its abra-generated
 * secret admin_password (an assumption, README.md). Read with serviceExec, never ctx.exec: ctx.exec
 * logs a command's output.
 */
const CREDENTIALS_SCRIPT = `set -eu
user="\${KC_BOOTSTRAP_ADMIN_USERNAME:-\${KEYCLOAK_ADMIN:-\${ADMIN_USERNAME:-admin}}}"
pass="\${KC_BOOTSTRAP_ADMIN_PASSWORD:-\${KEYCLOAK_ADMIN_PASSWORD:-}}"
if [ -z "$pass" ]; then pass="$(cat /run/secrets/admin_password)"; fi
printf '%s\\n%s' "$user" "$pass"`;

export async function adminCredentials(exec: Exec, stack?: string): Promise<Credentials> {
  const { stdout } = await exec('app', ['bash', '-c', CREDENTIALS_SCRIPT], stack === undefined ? {} : { stack });
  const newline = stdout.indexOf('\n');
  const username = stdout.slice(0, newline);
  const password = stdout.slice(newline + 1);
  if (newline < 1 || password === '') throw new Error('the app container names no admin user and password');
  return { username, password };
}

async function call(url: string, init: RequestInit): Promise<Response> {
  return fetch(url, { redirect: 'manual', ...init, signal: AbortSignal.timeout(30_000) });
}

/** POST /realms/master/protocol/openid-connect/token, grant_type=password, client admin-cli: the token's JSON. */
export async function passwordGrant(baseUrl: string, credentials: Credentials): Promise<Record<string, unknown>> {
  const response = await call(`${baseUrl}/realms/master/protocol/openid-connect/token`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'password', client_id: 'admin-cli', ...credentials }),
  });
  const body = await response.text();
  // never the body of a failure: it is Keycloak's, but the request carried the password
  if (response.status !== 200) throw new Error(`the password grant of admin-cli answered ${response.status}`);
  return JSON.parse(body) as Record<string, unknown>;
}

async function adminToken(baseUrl: string, credentials: Credentials): Promise<string> {
  const token = (await passwordGrant(baseUrl, credentials)).access_token;
  if (typeof token !== 'string') throw new Error('the password grant gave no access_token');
  return token;
}

/** A realm name no other run uses: the marker whose presence the tests check. */
export function markerRealm(purpose: string): string {
  return `ccci-${purpose}-${randomBytes(6).toString('hex')}`;
}

/** POST /admin/realms with {realm, enabled}; 201 Created. */
export async function createRealm(baseUrl: string, credentials: Credentials, realm: string): Promise<void> {
  const response = await call(`${baseUrl}/admin/realms`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await adminToken(baseUrl, credentials)}`, 'content-type': 'application/json' },
    body: JSON.stringify({ realm, enabled: true }),
  });
  if (response.status !== 201)
    throw new Error(`creating realm ${realm} answered ${response.status}: ${(await response.text()).slice(0, 200)}`);
}

/** DELETE /admin/realms/{realm}; 204 No Content. */
export async function deleteRealm(baseUrl: string, credentials: Credentials, realm: string): Promise<void> {
  const response = await call(`${baseUrl}/admin/realms/${realm}`, {
    method: 'DELETE',
    headers: { authorization: `Bearer ${await adminToken(baseUrl, credentials)}` },
  });
  if (response.status !== 204)
    throw new Error(`deleting realm ${realm} answered ${response.status}: ${(await response.text()).slice(0, 200)}`);
}

/** The realm's OpenID Provider metadata (/.well-known/openid-configuration): its status, and its issuer when served. */
export async function discovery(baseUrl: string, realm: string): Promise<{ readonly status: number; readonly issuer?: string }> {
  const response = await call(`${baseUrl}/realms/${realm}/.well-known/openid-configuration`, {});
  const body = await response.text();
  if (response.status !== 200) return { status: response.status };
  return { status: 200, issuer: (JSON.parse(body) as { issuer?: string }).issuer };
}
