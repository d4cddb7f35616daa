// Names of a run: its id, its app domain, and the swarm names derived from that domain (SPEC §4.1).
import { createHash, randomBytes } from 'node:crypto';

/** Sortable: UTC time first, then randomness; manual runs carry the pid too. */
export function makeRunId(now: Date, options: { readonly pid?: number } = {}): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const random = randomBytes(3).toString('hex');
  return options.pid === undefined ? `${stamp}-${random}` : `${stamp}-${random}-p${options.pid}`;
}

export const RUN_ID_PATTERN = /^\d{8}T\d{6}Z-[0-9a-f]{6}(?:-p\d+)?$/;

/** The recipe name as abra uses it: lower case, only [a-z0-9-]. */
export function normalizeRecipeName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '');
}

export function appDomain(recipe: string, pr: string | number | undefined, ref: string, ciDomain: string): string {
  const prefix = normalizeRecipeName(recipe).slice(0, 4).replace(/-+$/, '') || 'app';
  const hash = createHash('sha256').update(`${recipe}|${pr ?? ''}|${ref}`).digest('hex').slice(0, 6);
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

export const SWARM_NAME_LIMIT = 64;

export interface SwarmResource {
  readonly kind: 'secret' | 'config';
  /** The full swarm name, e.g. `<stack>_<name>_<version>`. */
  readonly name: string;
}

/** Swarm refuses secret and config names over 64 characters; say which ones before deploying. */
export function swarmNameProblems(resources: readonly SwarmResource[]): string[] {
  return resources
    .filter((resource) => resource.name.length > SWARM_NAME_LIMIT)
    .map((resource) => `${resource.kind} "${resource.name}" is ${resource.name.length} characters; swarm allows ${SWARM_NAME_LIMIT}`);
}
