// Functional tests of drone: its dependency gitea is up, and drone's login sends the browser to the
// OAuth authorize page of that Gitea (the check the original cc-ci made). Drone must run with the
// Gitea domain EXTRA_ENV gave it; this tree cannot create an OAuth application in Gitea, so the sign-in
// itself is not tested (README.md).
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { appRequest, contractEnv, readyDependency } from 'cc-ci/recipe';
import { GITEA_DOMAIN_VARIABLE } from '../wiring.js';

test('gitea, the dependency, is ready and answers', async () => {
  const gitea = await readyDependency('gitea');
  const answer = await appRequest('/', { baseUrl: gitea.baseUrl });
  assert.ok(answer.status < 500, `gitea at ${gitea.baseUrl} answered ${answer.status}`);
});

test(`the recipe takes its Gitea server from ${GITEA_DOMAIN_VARIABLE}`, async () => {
  const env = contractEnv();
  const compose = await readFile(join(env.ABRA_DIR, 'recipes', env.CCCI_RECIPE, 'compose.yml'), 'utf8');
  const line = compose.split('\n').find((text) => text.includes('DRONE_GITEA_SERVER'));
  assert.ok(line, 'compose.yml sets no DRONE_GITEA_SERVER: this tree no longer matches the recipe');
  assert.ok(
    line.includes(`\${${GITEA_DOMAIN_VARIABLE}}`),
    `DRONE_GITEA_SERVER is not taken from \${${GITEA_DOMAIN_VARIABLE}} (${line.trim()}): set the variable the recipe uses in wiring.ts`,
  );
});

test('/login redirects to the OAuth authorize page of that gitea', async () => {
  const gitea = await readyDependency('gitea');
  const answer = await appRequest('/login');
  assert.ok(answer.status >= 300 && answer.status < 400, `/login answered ${answer.status}, not a redirect`);
  const location = answer.headers.get('location');
  assert.ok(location, '/login redirects nowhere');
  const target = new URL(location, contractEnv().CCCI_BASE_URL);
  assert.equal(target.hostname, gitea.domain, `/login redirects to ${target.origin}, not to gitea`);
  assert.equal(target.pathname, '/login/oauth/authorize');
  assert.equal(target.searchParams.get('response_type'), 'code');
});
