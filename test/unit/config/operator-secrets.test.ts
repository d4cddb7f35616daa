// The operator's secrets dir on disk: what values a file holds, which files count, the daemon's token
// and webhook secret files, and the message when the dir cannot be read.
import test from 'ava';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readOperatorSecrets, SecretsDirError, secretValuesOf } from '../../../src/config/operator-secrets.js';
import { ConfigError } from '../../../src/config/load-config.js';

test('a file holds its whole text, each line, and the value of each NAME=value line', (t) => {
  t.deepEqual(secretValuesOf('  token-abcdefgh \n'), ['token-abcdefgh']);
  t.deepEqual(secretValuesOf('SMTP_PASSWORD="p4ss w0rd!"\nAPI=plainvalue1\n'), [
    'SMTP_PASSWORD="p4ss w0rd!"\nAPI=plainvalue1',
    'SMTP_PASSWORD="p4ss w0rd!"',
    'API=plainvalue1',
    'p4ss w0rd!',
    'plainvalue1',
  ]);
  t.deepEqual(secretValuesOf('\n\n'), []);
});

test('every regular file of the dir counts (not below it), and the daemon token file wherever it is', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'ccci-secrets-'));
  await writeFile(join(dir, 'forge-token'), 'gitea-token-0123456789\n');
  await writeFile(join(dir, 'notes'), 'SMTP=smtp-secret-value\n');
  await mkdir(join(dir, 'old'));
  await writeFile(join(dir, 'old', 'rotated'), 'rotated-away-value');
  const elsewhere = join(await mkdtemp(join(tmpdir(), 'ccci-token-')), 'token');
  await writeFile(elsewhere, 'daemon-token-abcdefgh');
  const values = await readOperatorSecrets({
    secretsDir: dir,
    daemon: { forge: { url: 'http://127.0.0.1:3000', tokenFile: elsewhere } } as never,
  });
  t.true(values.includes('gitea-token-0123456789'));
  t.true(values.includes('smtp-secret-value'));
  t.true(values.includes('daemon-token-abcdefgh'));
  t.false(values.includes('rotated-away-value'));
});

test('a secrets dir that cannot be read is a configuration error naming it', async (t) => {
  const missing = join(tmpdir(), `ccci-no-such-secrets-${process.pid}`);
  const error = await t.throwsAsync(readOperatorSecrets({ secretsDir: missing }), { instanceOf: SecretsDirError });
  t.true(error instanceof ConfigError);
  t.regex(error.message, new RegExp(`^cannot read the secrets dir ${missing} \\(secretsDir in the configuration\\): ENOENT`));
});

test('no secrets dir and no daemon: nothing to read', async (t) => {
  t.deepEqual(await readOperatorSecrets({}), []);
});
