// .env files as abra keeps them: parsed to a map; edited in place with comments and order kept.
import test from 'ava';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { editEnv, editEnvFile, parseEnv, readEnvFile } from '../../../src/io/env-file.js';

const SAMPLE = [
  '# Keycloak',
  'TYPE=keycloak',
  '',
  '## Domain aliases',
  '#EXTRA_DOMAINS=',
  'DOMAIN=keycloak.example.com',
  'export LETS_ENCRYPT_ENV=production',
  'ADMIN_NAME="Jane Doe"',
  "WELCOME='hello world'",
  'TIMEOUT=30 # seconds',
  'EMPTY=',
  '  INDENTED = no',
  'SECRET_DB_PASSWORD_VERSION=v1',
  '',
].join('\n');

test('parseEnv reads KEY=value lines and skips comments and blank lines', (t) => {
  t.deepEqual(
    [...parseEnv(SAMPLE)],
    [
      ['TYPE', 'keycloak'],
      ['DOMAIN', 'keycloak.example.com'],
      ['LETS_ENCRYPT_ENV', 'production'],
      ['ADMIN_NAME', 'Jane Doe'],
      ['WELCOME', 'hello world'],
      ['TIMEOUT', '30'],
      ['EMPTY', ''],
      ['SECRET_DB_PASSWORD_VERSION', 'v1'],
    ],
  );
});

const parsesValue = test.macro({
  exec(t, line: string, expected: string) {
    t.is(parseEnv(line).get('A'), expected);
  },
  title: (_providedTitle, line: string, expected: string) => `parseEnv reads ${line} as "${expected}"`,
});

test(parsesValue, 'A=plain', 'plain');
test(parsesValue, 'A="double quoted"', 'double quoted');
test(parsesValue, "A='single quoted'", 'single quoted');
test(parsesValue, 'A="quoted" # comment', 'quoted');
test(parsesValue, 'A=x#not-a-comment', 'x#not-a-comment');
test(parsesValue, 'A=a=b=c', 'a=b=c');
test(parsesValue, 'A=  padded  ', 'padded');

test('parseEnv lets a later line win over an earlier one', (t) => {
  t.is(parseEnv('A=1\nA=2\n').get('A'), '2');
});

test('parseEnv ignores lines that are not assignments', (t) => {
  t.deepEqual([...parseEnv('1A=x\nA-B=y\njust text\n=z\n')], []);
});

test('editEnv sets a key in place and keeps comments, blank lines and order', (t) => {
  t.is(editEnv(SAMPLE, { DOMAIN: 'keyc-0a1b2c.ci.test' }), SAMPLE.replace('DOMAIN=keycloak.example.com', 'DOMAIN=keyc-0a1b2c.ci.test'));
});

test('editEnv can set a commented-out key only by appending it', (t) => {
  const edited = editEnv('#EXTRA_DOMAINS=\nTYPE=x\n', { EXTRA_DOMAINS: 'a.example' });
  t.is(edited, '#EXTRA_DOMAINS=\nTYPE=x\nEXTRA_DOMAINS=a.example\n');
});

test('editEnv appends new keys at the end, after trailing blank lines are trimmed', (t) => {
  t.is(editEnv('A=1\n\n\n', { B: '2', C: '3' }), 'A=1\nB=2\nC=3\n');
});

test('editEnv removes a key given undefined', (t) => {
  t.is(editEnv('# head\nA=1\nB=2\nC=3\n', { B: undefined }), '# head\nA=1\nC=3\n');
});

test('editEnv does not append a key that is removed but absent', (t) => {
  t.is(editEnv('A=1\n', { GONE: undefined }), 'A=1\n');
});

test('editEnv quotes values that need it and leaves simple ones bare', (t) => {
  t.is(
    editEnv('', { SIMPLE: 'a-b_c.d/e:f,g@h%i+j=k', SPACED: 'two words', EMPTY: '', DOLLAR: 'a$b' }),
    'SIMPLE=a-b_c.d/e:f,g@h%i+j=k\nSPACED="two words"\nEMPTY=\nDOLLAR="a$b"\n',
  );
});

test('editEnv replaces an exported key without the export keyword', (t) => {
  t.is(editEnv('export A=1\n', { A: '2' }), 'A=2\n');
});

test('editEnv of an empty text gives just the new keys', (t) => {
  t.is(editEnv('', { A: '1' }), 'A=1\n');
  t.is(editEnv('', {}), '\n');
});

test('an edited file parses to the edited values', (t) => {
  const edited = editEnv(SAMPLE, { DOMAIN: 'new.ci.test', ADMIN_NAME: 'John Roe', NEW: 'with space', EMPTY: undefined });
  const values = parseEnv(edited);
  t.is(values.get('DOMAIN'), 'new.ci.test');
  t.is(values.get('ADMIN_NAME'), 'John Roe');
  t.is(values.get('NEW'), 'with space');
  t.false(values.has('EMPTY'));
  t.is(values.get('TYPE'), 'keycloak');
});

test('readEnvFile and editEnvFile work on a file', async (t) => {
  const directory = await mkdtemp(join(tmpdir(), 'ccci-env-'));
  try {
    const file = join(directory, 'app.env');
    await writeFile(file, '# c\nA=1\n');
    await editEnvFile(file, { A: '2', B: 'x y' });
    t.is(await readFile(file, 'utf8'), '# c\nA=2\nB="x y"\n');
    t.deepEqual(
      [...(await readEnvFile(file))],
      [
        ['A', '2'],
        ['B', 'x y'],
      ],
    );
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
});

// Known bugs (see the report): these document the expected behaviour and pass once the source is fixed.
test('a quoted value containing " #" is kept whole', (t) => {
  t.is(parseEnv('A="foo #bar"').get('A'), 'foo #bar');
});

test('a value with a double quote survives editEnv then parseEnv', (t) => {
  t.is(parseEnv(editEnv('', { A: 'say "hi"' })).get('A'), 'say "hi"');
});

test('editing a key that appears twice changes the value parseEnv reads', (t) => {
  t.is(parseEnv(editEnv('A=1\nA=2\n', { A: '3' })).get('A'), '3');
});
