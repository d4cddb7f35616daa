// An app's .env file as abra keeps it: KEY=value lines, comments and order preserved on edit.
import { readFile, writeFile } from 'node:fs/promises';

const LINE = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/;

/** A quoted value ends at its closing quote (a `#` inside is data); an unquoted one at ` #`. */
function unquote(raw: string): string {
  const value = raw.trim();
  const quote = value[0];
  if (quote === '"' || quote === "'") {
    for (let index = 1; index < value.length; index++) {
      if (quote === '"' && value[index] === '\\') {
        index++;
        continue;
      }
      if (value[index] === quote) {
        const inner = value.slice(1, index);
        return quote === '"' ? inner.replace(/\\(["\\])/g, '$1') : inner;
      }
    }
  }
  return value.replace(/\s+#.*$/, '').trim();
}

export function parseEnv(text: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = LINE.exec(line);
    if (match) values.set(match[1]!, unquote(match[2]!));
  }
  return values;
}

/** Sets keys in place (every occurrence), appends the rest; a value of undefined removes the key. */
export function editEnv(text: string, changes: Readonly<Record<string, string | undefined>>): string {
  const pending = new Map(Object.entries(changes));
  const seen = new Set<string>();
  const lines = text.split('\n').flatMap((line) => {
    const match = LINE.exec(line);
    if (!match || !pending.has(match[1]!)) return [line];
    seen.add(match[1]!);
    const value = pending.get(match[1]!);
    return value === undefined ? [] : [`${match[1]}=${quote(value)}`];
  });
  for (const key of seen) pending.delete(key);
  while (lines.length > 0 && lines.at(-1) === '') lines.pop();
  for (const [key, value] of pending) if (value !== undefined) lines.push(`${key}=${quote(value)}`);
  return `${lines.join('\n')}\n`;
}

function quote(value: string): string {
  return /^[\w@%+=:,./-]*$/.test(value) ? value : `"${value.replace(/(["\\])/g, '\\$1')}"`;
}

export async function readEnvFile(path: string): Promise<Map<string, string>> {
  return parseEnv(await readFile(path, 'utf8'));
}

export async function editEnvFile(path: string, changes: Readonly<Record<string, string | undefined>>): Promise<void> {
  await writeFile(path, editEnv(await readFile(path, 'utf8'), changes));
}
