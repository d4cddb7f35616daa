// ABRA_DIR layout and app env files ($ABRA_DIR/servers/<server>/<domain>.env).
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fatal } from './log.js';

export function abraDir(): string {
  return process.env.ABRA_DIR && process.env.ABRA_DIR !== '' ? process.env.ABRA_DIR : join(homedir(), '.abra');
}

export function serversDir(): string {
  return join(abraDir(), 'servers');
}

export function recipeDir(recipe: string): string {
  return join(abraDir(), 'recipes', recipe);
}

export function stackName(domain: string): string {
  return domain.replaceAll('.', '_');
}

export interface EnvEntry {
  readonly key: string;
  readonly value: string;
  /** Modifiers in the trailing comment, e.g. `# length=64` → { length: '64' }. */
  readonly modifiers: Readonly<Record<string, string>>;
}

/** Parses KEY=VALUE lines (optional `export `, quotes, trailing `# comment` with modifiers). */
export function parseEnv(text: string): EnvEntry[] {
  const entries: EnvEntry[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!match) continue;
    const key = match[1]!;
    let rest = match[2]!;
    let value: string;
    let comment = '';
    const quote = rest[0];
    if (quote === '"' || quote === "'") {
      const end = rest.indexOf(quote, 1);
      value = end === -1 ? rest.slice(1) : rest.slice(1, end);
      rest = end === -1 ? '' : rest.slice(end + 1);
      const hash = rest.indexOf('#');
      if (hash !== -1) comment = rest.slice(hash + 1);
    } else {
      const hash = rest.search(/\s#/);
      value = (hash === -1 ? rest : rest.slice(0, hash)).trim();
      if (hash !== -1) comment = rest.slice(hash + 2);
    }
    const modifiers: Record<string, string> = {};
    for (const m of comment.matchAll(/([A-Za-z_]+)=(\S+)/g)) modifiers[m[1]!] = m[2]!;
    entries.push({ key, value, modifiers });
  }
  return entries;
}

export function envMap(entries: readonly EnvEntry[]): Record<string, string> {
  const map: Record<string, string> = {};
  for (const e of entries) map[e.key] = e.value;
  return map;
}

export interface App {
  readonly domain: string;
  readonly server: string;
  readonly envPath: string;
  readonly stack: string;
  readonly env: Record<string, string>;
  readonly entries: readonly EnvEntry[];
  /** From the TYPE= (or RECIPE=) line: `<recipe>[:<version>]`. */
  readonly recipe: string;
  readonly version: string | null;
}

export function listServers(): string[] {
  const dir = serversDir();
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((name) => {
    try {
      return statSync(join(dir, name)).isDirectory();
    } catch {
      return false;
    }
  });
}

export function findApp(domain: string): App {
  const found = listServers()
    .map((server) => ({ server, envPath: join(serversDir(), server, `${domain}.env`) }))
    .filter((c) => existsSync(c.envPath));
  if (found.length === 0) fatal(`cannot find app with name ${domain}`);
  if (found.length > 1) fatal(`${domain} is defined on several servers: ${found.map((f) => f.server).join(', ')}`);
  const { server, envPath } = found[0]!;
  const entries = parseEnv(readFileSync(envPath, 'utf8'));
  const env = envMap(entries);
  const type = env.TYPE ?? env.RECIPE;
  if (!type) fatal(`${envPath} has no TYPE= (or RECIPE=) line`);
  const colon = type.indexOf(':');
  return {
    domain,
    server,
    envPath,
    stack: stackName(domain),
    env,
    entries,
    recipe: colon === -1 ? type : type.slice(0, colon),
    version: colon === -1 ? null : type.slice(colon + 1),
  };
}

/** Rewrites `KEY=...` lines in env-file text (first uncommented occurrence of any of keys); appends if missing. */
export function setEnvLine(text: string, keys: readonly string[], render: (key: string) => string, appendKey: string): string {
  const lines = text.split('\n');
  const index = lines.findIndex((line) => keys.some((key) => new RegExp(`^\\s*(?:export\\s+)?${key}=`).test(line)));
  if (index === -1) {
    if (lines.length > 0 && lines[lines.length - 1] === '') lines.splice(lines.length - 1, 0, render(appendKey));
    else lines.push(render(appendKey));
  } else {
    const key = keys.find((k) => new RegExp(`^\\s*(?:export\\s+)?${k}=`).test(lines[index]!))!;
    lines[index] = render(key);
  }
  return lines.join('\n');
}

/** Writes `<recipe>:<version>` into the TYPE=/RECIPE= line of the app's env file. */
export function writeDeployedVersion(app: App, version: string): void {
  const text = readFileSync(app.envPath, 'utf8');
  writeFileSync(
    app.envPath,
    setEnvLine(text, ['TYPE', 'RECIPE'], (key) => `${key}=${app.recipe}:${version}`, 'TYPE'),
  );
}
