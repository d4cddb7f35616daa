// Names of a run: its id, its app domain, and the swarm names derived from that domain.
import { createHash, randomBytes } from 'node:crypto';

/** Sortable: UTC time first, then randomness; manual runs carry the pid too. */
export function makeRunId(now: Date, options: { readonly pid?: number } = {}): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  const random = randomBytes(3).toString('hex');
  return options.pid === undefined ? `${stamp}-${random}` : `${stamp}-${random}-p${options.pid}`;
}

export const RUN_ID_PATTERN = /^\d{8}T\d{6}Z-[0-9a-f]{6}(?:-p\d+)?$/;

/** The recipe name as abra uses it: lower case, only [a-z0-9-]. */
export function normalizeRecipeName(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

export function appDomain(recipe: string, pr: string | number | undefined, ref: string, ciDomain: string): string {
  const prefix = normalizeRecipeName(recipe).slice(0, 4).replace(/-+$/, '') || 'app';
  const hash = createHash('sha256')
    .update(`${recipe}|${pr ?? ''}|${ref}`)
    .digest('hex')
    .slice(0, 6);
  return `${prefix}-${hash}.${ciDomain}`;
}

/** A dependency's domain: its own per-run name, derived from the app's domain so it is unique per run target. */
export function dependencyDomain(appDomainName: string, dependency: string, ciDomain: string): string {
  const prefix = normalizeRecipeName(dependency).slice(0, 4).replace(/-+$/, '') || 'dep';
  const hash = createHash('sha256').update(`${appDomainName}|dependency|${dependency}`).digest('hex').slice(0, 6);
  return `${prefix}-${hash}.${ciDomain}`;
}

/** abra derives the stack name from the domain: dots become underscores. */
export function stackName(domain: string): string {
  return domain.replaceAll('.', '_');
}

/** Matches only per-run domains, so warm and canonical apps are never probed. */
export function perRunDomainPattern(ciDomain: string): RegExp {
  const escaped = ciDomain.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^[a-z0-9-]{1,4}-[0-9a-f]{6}\\.${escaped}$`);
}

/** Kinds of swarm object a stack deploy creates, each named `<stack>_<key>` unless the compose names it. */
export type SwarmObjectKind = 'service' | 'network' | 'volume' | 'secret' | 'config';

/** What swarm and the engine accept (measured on the engine: services and networks are refused over 63, volumes are directories). */
export const SWARM_NAME_LIMITS: Readonly<Record<SwarmObjectKind, number>> = {
  service: 63,
  network: 63,
  volume: 255,
  secret: 64,
  config: 64,
};

/** A recipe name is a directory name in the run's ABRA_DIR (NAME_MAX); a domain is a DNS name. */
export const RECIPE_NAME_LIMIT = 255;
export const DNS_NAME_LIMIT = 253;
export const DNS_LABEL_LIMIT = 63;

export interface SwarmObjectName {
  readonly kind: SwarmObjectKind;
  /** The full swarm name, e.g. `<stack>_<name>_<version>`. */
  readonly name: string;
}

/** Names swarm would refuse, said before anything is deployed. */
export function swarmNameProblems(objects: readonly SwarmObjectName[]): string[] {
  return objects
    .filter((object) => object.name.length > SWARM_NAME_LIMITS[object.kind])
    .map((object) => `${object.kind} "${object.name}" is ${object.name.length} characters; swarm allows ${SWARM_NAME_LIMITS[object.kind]}`);
}

/**
 * The names a run derives before it clones anything: the recipe's directory, the app's domain and its
 * stack. The stack must leave room for `_<service>` of at least one character.
 */
export function runNameProblems(names: { readonly recipe: string; readonly domain: string }): string[] {
  const problems: string[] = [];
  if (names.recipe.length > RECIPE_NAME_LIMIT) {
    problems.push(
      `recipe name "${names.recipe.slice(0, 40)}…" is ${names.recipe.length} characters; it becomes a directory name, which allows ${RECIPE_NAME_LIMIT}`,
    );
  }
  if (names.domain.length > DNS_NAME_LIMIT)
    problems.push(`domain "${names.domain}" is ${names.domain.length} characters; DNS allows ${DNS_NAME_LIMIT}`);
  for (const label of names.domain.split('.').filter((part) => part.length > DNS_LABEL_LIMIT)) {
    problems.push(`domain label "${label}" is ${label.length} characters; DNS allows ${DNS_LABEL_LIMIT}`);
  }
  const stack = stackName(names.domain);
  const stackLimit = SWARM_NAME_LIMITS.service - 2;
  if (stack.length > stackLimit) {
    problems.push(
      `stack "${stack}" is ${stack.length} characters; services are named <stack>_<service> and swarm allows ${SWARM_NAME_LIMITS.service}, so a stack allows ${stackLimit} (shorten ciDomain)`,
    );
  }
  return problems;
}
