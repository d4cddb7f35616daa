// The repo-local allowlist: parsing (comments, blank lines, "*" is not a wildcard), reading (absent = deny all), isAllowed.
import test from 'ava';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isAllowed, parseAllowlist, readAllowlist } from '../../../src/recipes/allowlist.js';

const FILE = '/etc/cc-ci/allowlist';

test('one recipe per line; comments, trailing comments, blank lines and surrounding spaces are ignored', (t) => {
  const allowlist = parseAllowlist(
    '# trusted recipes\n\nkeycloak\n  wordpress   # maintained by us\n\t\n#authentik\nmatrix-synapse\n',
    FILE,
  );
  t.is(allowlist.file, FILE);
  t.deepEqual([...allowlist.recipes], ['keycloak', 'wordpress', 'matrix-synapse']);
  t.deepEqual(allowlist.notes, []);
});

test('"*" is not a wildcard: a note names file:line, and only a recipe named "*" matches', (t) => {
  const allowlist = parseAllowlist('keycloak\n\n*\n', FILE);
  t.deepEqual(allowlist.notes, [`${FILE}:3: "*" is not a wildcard; list each recipe by name`]);
  t.true(isAllowed(allowlist, 'keycloak'));
  t.false(isAllowed(allowlist, 'wordpress'));
  t.true(isAllowed(allowlist, '*'));
});

test('an empty or comment-only allowlist allows nothing', (t) => {
  t.deepEqual([...parseAllowlist('', FILE).recipes], []);
  t.deepEqual([...parseAllowlist('# nothing yet\n\n', FILE).recipes], []);
  t.false(isAllowed(parseAllowlist('# keycloak\n', FILE), 'keycloak'));
});

test('isAllowed matches whole names exactly', (t) => {
  const allowlist = parseAllowlist('keycloak\n', FILE);
  t.true(isAllowed(allowlist, 'keycloak'));
  t.false(isAllowed(allowlist, 'keycloak-dev'));
  t.false(isAllowed(allowlist, 'Keycloak'));
  t.false(isAllowed(allowlist, 'keyclo'));
});

test('readAllowlist(undefined): no allowlist configured, nothing allowed, no notes', async (t) => {
  const allowlist = await readAllowlist(undefined);
  t.is(allowlist.file, null);
  t.is(allowlist.recipes.size, 0);
  t.deepEqual(allowlist.notes, []);
});

test('readAllowlist of a missing file: nothing allowed and a note saying so', async (t) => {
  const file = join(await mkdtemp(join(tmpdir(), 'ccci-allowlist-')), 'allowlist');
  const allowlist = await readAllowlist(file);
  t.is(allowlist.file, file);
  t.is(allowlist.recipes.size, 0);
  t.deepEqual(allowlist.notes, [`${file} does not exist: no recipe's repository-local code runs`]);
});

test('readAllowlist of a real file parses it, with notes naming that file', async (t) => {
  const file = join(await mkdtemp(join(tmpdir(), 'ccci-allowlist-')), 'allowlist');
  await writeFile(file, 'keycloak\n*\n');
  const allowlist = await readAllowlist(file);
  t.is(allowlist.file, file);
  t.deepEqual([...allowlist.recipes], ['keycloak', '*']);
  t.deepEqual(allowlist.notes, [`${file}:2: "*" is not a wildcard; list each recipe by name`]);
});
