// Functional tests of custom-html: nginx serves the site's files with the content types of its
// mime.types (the bad canary of the original cc-ci served a stale web root with the wrong ones), and a
// missing page is a real 404, not a catch-all.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, test } from 'node:test';
import { appRequest, serviceExec } from 'cc-ci/recipe';
import { removeServed, WEB_ROOT, writeServed } from '../site.js';

const id = randomBytes(6).toString('hex');
/** One file per type; nginx's stock mime.types maps each extension to the type beside it. */
const FILES = [
  { path: `/ccci-types-${id}.html`, content: '<!doctype html><title>cc-ci</title><p>html</p>\n', type: 'text/html' },
  { path: `/ccci-types-${id}.css`, content: 'p { color: green; }\n', type: 'text/css' },
  { path: `/ccci-types-${id}.txt`, content: `plain ${id}\n`, type: 'text/plain' },
  { path: `/ccci-types-${id}.json`, content: `{"id":"${id}"}\n`, type: 'application/json' },
];

after(async () => {
  for (const file of FILES) await removeServed(serviceExec, file.path).catch(() => undefined);
});

test('the landing page is HTML', async () => {
  const answer = await appRequest('/');
  assert.equal(answer.status, 200);
  assert.match(answer.headers.get('content-type') ?? '', /^text\/html\b/);
  assert.match(answer.body, /<html|<!doctype html/i, 'the landing page is not an HTML document');
});

test('files in the web root are served with their content types and exact bytes', async () => {
  for (const file of FILES) await writeServed(serviceExec, file.path, file.content);
  for (const file of FILES) {
    const answer = await appRequest(file.path);
    assert.equal(answer.status, 200, `${file.path} answered ${answer.status}: a file written to ${WEB_ROOT} is not served`);
    assert.equal(answer.body, file.content, `${file.path} is served with other bytes than were written`);
    const type = answer.headers.get('content-type') ?? '';
    assert.equal(type.split(';')[0]!.trim(), file.type, `${file.path} is served as "${type}", not ${file.type}`);
  }
});

test('a page that does not exist is a 404', async () => {
  const answer = await appRequest(`/ccci-missing-${id}.html`);
  assert.equal(answer.status, 404);
});
