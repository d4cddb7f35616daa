// What cc-ci reads from a recipe's compose files: version label, backupbot labels, swarm object names.
import { parse } from 'yaml';
import type { SwarmObjectKind, SwarmObjectName } from '../domain/identity.js';

interface TopLevelObject {
  name?: string;
  external?: boolean | { name?: string };
}

interface ComposeUnchecked {
  services?: Record<string, { deploy?: { labels?: string[] | Record<string, string> } } | null>;
  networks?: Record<string, TopLevelObject | null>;
  volumes?: Record<string, TopLevelObject | null>;
  secrets?: Record<string, TopLevelObject | null>;
  configs?: Record<string, TopLevelObject | null>;
}

function parseCompose(text: string, file: string): ComposeUnchecked {
  try {
    return (parse(text) ?? {}) as ComposeUnchecked;
  } catch (error) {
    throw new Error(`${file} is not valid YAML: ${(error as Error).message}`);
  }
}

function labelsOf(service: { deploy?: { labels?: string[] | Record<string, string> } } | null | undefined): Record<string, string> {
  const labels = service?.deploy?.labels;
  if (labels === undefined) return {};
  if (Array.isArray(labels)) {
    return Object.fromEntries(
      labels.map((label) => {
        const index = label.indexOf('=');
        return index === -1 ? [label, ''] : [label.slice(0, index), label.slice(index + 1)];
      }),
    );
  }
  return Object.fromEntries(Object.entries(labels).map(([key, value]) => [key, String(value)]));
}

/** The recipe version the compose declares: `coop-cloud.${STACK_NAME}.version=<version>`. */
export function composeVersion(text: string, file = 'compose.yml'): string | undefined {
  const compose = parseCompose(text, file);
  for (const service of Object.values(compose.services ?? {})) {
    for (const [key, value] of Object.entries(labelsOf(service))) {
      if (/^coop-cloud\.\$\{?STACK_NAME\}?\.version$/.test(key) && value !== '') return value;
    }
  }
  return undefined;
}

/** backup-bot-two backs a stack up when one service carries `backupbot.backup=true`. */
export function declaresBackup(text: string, file = 'compose.yml'): boolean {
  const compose = parseCompose(text, file);
  return Object.values(compose.services ?? {}).some((service) => labelsOf(service)['backupbot.backup'] === 'true');
}

/** Expands `$$`, `$VAR`, `${VAR}`, `${VAR-default}` (unset) and `${VAR:-default}` (unset or empty) as compose does. */
export function interpolate(template: string, variables: Readonly<Record<string, string>>): string {
  return template.replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)-([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (whole: string, braced: string | undefined, colon: string | undefined, fallback: string | undefined, bare: string | undefined) => {
      if (whole === '$$') return '$';
      const value = variables[braced ?? bare!];
      if (fallback === undefined) return value ?? '';
      const useFallback = colon === ':' ? value === undefined || value === '' : value === undefined;
      return useFallback ? fallback : value!;
    },
  );
}

/**
 * Full swarm names of what a stack deploy of this compose creates: services, then networks, volumes,
 * secrets and configs, named `<stack>_<key>` unless the compose names them (expanded with
 * `variables`). External objects without a name already exist under their key and are not listed.
 */
export function swarmObjectNames(
  text: string,
  variables: Readonly<Record<string, string>>,
  stack: string,
  file = 'compose.yml',
): (SwarmObjectName & { key: string })[] {
  const compose = parseCompose(text, file);
  const names: (SwarmObjectName & { key: string })[] = Object.keys(compose.services ?? {}).map((key) => ({
    kind: 'service',
    key,
    name: `${stack}_${key}`,
  }));
  const topLevel: [SwarmObjectKind, Record<string, TopLevelObject | null> | undefined][] = [
    ['network', compose.networks],
    ['volume', compose.volumes],
    ['secret', compose.secrets],
    ['config', compose.configs],
  ];
  for (const [kind, entries] of topLevel) {
    for (const [key, entry] of Object.entries(entries ?? {})) {
      if (entry?.name !== undefined) names.push({ kind, key, name: interpolate(entry.name, variables) });
      else if (entry?.external === undefined || entry.external === false) names.push({ kind, key, name: `${stack}_${key}` });
    }
  }
  return names;
}

/** `export NAME=value` lines of a recipe's abra.sh (abra sources it for config versions). */
export function abraShExports(text: string): Record<string, string> {
  const exports: Record<string, string> = {};
  for (const match of text.matchAll(/^\s*export\s+([A-Za-z_][A-Za-z0-9_]*)=["']?([^"'\s]*)["']?/gm)) exports[match[1]!] = match[2]!;
  return exports;
}
