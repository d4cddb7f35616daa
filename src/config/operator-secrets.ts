// The operator's secrets: every file of the configured secrets dir, and the daemon's token and webhook
// secret files wherever they are. Each value is registered with the process's redactor at start, so
// no log line, artifact or comment of this process shows it.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { redactor } from '../io/redact.js';
import { ConfigError } from './load-config.js';
import type { Config } from './schema.js';

/** The secrets dir (or one secret in it) cannot be read: bad input, like any other configuration mistake. */
export class SecretsDirError extends ConfigError {
  constructor(message: string) {
    super(message);
    this.name = 'SecretsDirError';
  }
}

/** The values a secret file holds: the whole text, each line, and the value of each NAME=value line. */
export function secretValuesOf(text: string): string[] {
  const lines = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  const assigned = lines.flatMap((line) => {
    const match = /^[A-Za-z_][A-Za-z0-9_]*=(.*)$/.exec(line);
    return match === null ? [] : [match[1]!.trim().replace(/^(["'])(.*)\1$/, '$2')];
  });
  return [...new Set([text.trim(), ...lines, ...assigned])].filter((value) => value !== '');
}

/** The regular files of the secrets dir (not below it: a secret is one file). */
async function secretsDirFiles(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    throw new SecretsDirError(`cannot read the secrets dir ${dir} (secretsDir in the configuration): ${(error as Error).message}`);
  }
  return entries.filter((entry) => entry.isFile()).map((entry) => join(dir, entry.name));
}

/** Every operator secret value this configuration names. */
export async function readOperatorSecrets(config: Pick<Config, 'secretsDir' | 'daemon'>): Promise<string[]> {
  const files = config.secretsDir === undefined ? [] : await secretsDirFiles(config.secretsDir);
  const forge = config.daemon?.forge;
  // the daemon reads these itself and fails on a missing one; a run only masks what it can read
  const daemonFiles = [forge?.tokenFile, forge?.webhookSecretFile].filter((file): file is string => file !== undefined);
  const values: string[] = [];
  for (const file of files) {
    try {
      values.push(...secretValuesOf(await readFile(file, 'utf8')));
    } catch (error) {
      throw new SecretsDirError(`cannot read the secret ${file}: ${(error as Error).message}`);
    }
  }
  for (const file of daemonFiles) values.push(...secretValuesOf(await readFile(file, 'utf8').catch(() => '')));
  return values;
}

/** Registers every operator secret with the process's redactor; returns how many values were read. */
export async function registerOperatorSecrets(config: Pick<Config, 'secretsDir' | 'daemon'>): Promise<number> {
  const values = await readOperatorSecrets(config);
  for (const value of values) redactor.add(value);
  return values.length;
}

/** The text of one secret of the secrets dir, for secret({ file }): a plain file name, no path. */
export async function readSecretFile(secretsDir: string | undefined, name: string): Promise<string> {
  if (secretsDir === undefined)
    throw new SecretsDirError(`secret({ file: "${name}" }) needs secretsDir in the configuration, and none is set`);
  if (!/^[A-Za-z0-9_.-]+$/.test(name) || name.startsWith('.')) {
    throw new SecretsDirError(
      `secret({ file: "${name}" }): a secret is named by a plain file name of the secrets dir (letters, digits, _ . -)`,
    );
  }
  const file = join(secretsDir, name);
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch (error) {
    throw new SecretsDirError(`secret({ file: "${name}" }): cannot read ${file}: ${(error as Error).message}`);
  }
}
