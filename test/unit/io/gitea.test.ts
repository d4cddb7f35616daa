// forgeEndpoint: one metrics label per forge endpoint, whatever repository, number or commit a call names.
import test from 'ava';
import { forgeEndpoint } from '../../../src/io/gitea.js';

const CASES: [string, string, string][] = [
  ['GET', '/user', 'GET /user'],
  ['GET', '/orgs/coop-cloud/members/alice', 'GET /orgs/{org}/members/{user}'],
  ['GET', '/repos/coop-cloud/web/issues/comments', 'GET /repos/{owner}/{repo}/issues/comments'],
  ['POST', '/repos/coop-cloud/web/issues/42/comments', 'POST /repos/{owner}/{repo}/issues/{id}/comments'],
  ['PATCH', '/repos/coop-cloud/web/issues/comments/1234', 'PATCH /repos/{owner}/{repo}/issues/comments/{id}'],
  ['POST', `/repos/coop-cloud/web/statuses/${'a1'.repeat(20)}`, 'POST /repos/{owner}/{repo}/statuses/{sha}'],
  ['GET', '/repos/coop-cloud/web/pulls/7', 'GET /repos/{owner}/{repo}/pulls/{id}'],
];

for (const [method, path, endpoint] of CASES) {
  test(`${method} ${path} is ${endpoint}`, (t) => {
    t.is(forgeEndpoint(method, path), endpoint);
  });
}
