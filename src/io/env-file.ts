// An app's .env file as abra keeps it: KEY=value lines, comments and order preserved on edit.
import { readFile, writeFile } from 'node:fs/promises';

const LINE = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/;

function unquote(raw: string): string {
  const value = raw.replace(/\s+#.*$/, '').trim();
  if ((value.startsWith('"') && value.endsWith('"')) || (value.startsWith("'") && value.endsWith("'"))) return value.slice(1, -1);
  return value;
}

export function parseEnv(text: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = LINE.exec(line);
    if (match) values.set(match[1]!, unquote(match[2]!));
  }
  return values;
}

/** Sets keys in place where they are, appends the rest; a value of undefined removes the key. */
export function editEnv(text: string, changes: Readonly<Record<string, string | undefined>>): string {
  const pending = new Map(Object.entries(changes));
  const lines = text.split('\n').flatMap((line) => {
    const match = LINE.exec(line);
    if (!match || !pending.has(match[1]!)) return [line];
    const value = pending.get(match[1]!);
    pending.delete(match[1]!);
    return value === undefined ? [] : [`${match[1]}=${quote(value)}`];
  });
  while (lines.length > 0 && lines.at(-1) === '') lines.pop();
  for (const [key, value] of pending) if (value !== undefined) lines.push(`${key}=${quote(value)}`);
  return `${lines.join('\n')}\n`;
}

function quote(value: string): string {
  return /^[\w@%+=:,./-]*$/.test(value) ? value : `"${value.replaceAll('"', '\\"')}"`;
}

export async function readEnvFile(path: string): Promise<Map<string, string>> {
  return parseEnv(await readFile(path, 'utf8'));
}

export async function editEnvFile(path: string, changes: Readonly<Record<string, string | undefined>>): Promise<void> {
  await writeFile(path, editEnv(await readFile(path, 'utf8'), changes));
}
