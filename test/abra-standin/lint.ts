// abra recipe lint: a subset of abra's rules (R001-R004, R006, R008, R009, R011, R014, R015), same table shape.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { envMap, parseEnv } from './env.js';
import { fatal, out, warn } from './log.js';
import { gitChecked, lines } from './proc.js';
import { checkoutVersion, ensureRecipeDir, failIfDirty, newestTag } from './recipe.js';
import { pipeTable } from './table.js';

interface Rule {
  readonly ref: string;
  readonly level: 'warn' | 'error';
  readonly description: string;
  readonly resolve: string;
  readonly check: (r: LoadedRecipe) => boolean;
}

interface Service {
  image?: unknown;
  healthcheck?: { disable?: boolean; test?: unknown } | null;
}

interface LoadedRecipe {
  readonly name: string;
  readonly dir: string;
  readonly files: readonly { name: string; doc: Record<string, unknown> }[];
  readonly services: Record<string, Service>;
  readonly secrets: readonly string[];
  readonly sampleEnv: Record<string, string> | null;
}

/** The stack-name placeholder R015 measures with: a 10-character domain-like name (`example.co`). */
export const R015_PLACEHOLDER_STACK = 'example_co';

function imageTag(image: string): string | null {
  const withoutDigest = image.split('@')[0]!;
  const last = withoutDigest.split('/').pop()!;
  const colon = last.indexOf(':');
  return colon === -1 ? null : last.slice(colon + 1);
}

const RULES: readonly Rule[] = [
  {
    ref: 'R001',
    level: 'warn',
    description: 'compose config has expected version',
    resolve: 'ensure "version: "3.8"" set on all compose.*.yml files',
    check: (r) => r.files.every((f) => String(f.doc.version ?? '') === '3.8'),
  },
  {
    ref: 'R002',
    level: 'warn',
    description: 'healthcheck enabled for all services',
    resolve: 'wire up healthchecks',
    check: (r) =>
      Object.values(r.services).every((s) => s.healthcheck != null && s.healthcheck.disable !== true && s.healthcheck.test !== undefined),
  },
  {
    ref: 'R003',
    level: 'warn',
    description: 'all images use a tag',
    resolve: 'use a tag for all images',
    check: (r) => Object.values(r.services).every((s) => typeof s.image !== 'string' || imageTag(s.image) !== null),
  },
  {
    ref: 'R004',
    level: 'warn',
    description: 'no unstable tags',
    resolve: 'tag all images with stable tags',
    check: (r) => Object.values(r.services).every((s) => typeof s.image !== 'string' || imageTag(s.image) !== 'latest'),
  },
  {
    ref: 'R006',
    level: 'error',
    description: 'has published recipe version',
    resolve: 'publish a recipe version to the catalogue',
    check: (r) => lines(gitChecked(r.dir, ['tag', '--list'])).length > 0,
  },
  {
    ref: 'R008',
    level: 'error',
    description: '.env.sample provided',
    resolve: 'create an example .env.sample',
    check: (r) => r.sampleEnv !== null,
  },
  {
    ref: 'R009',
    level: 'error',
    description: "one service named 'app'",
    resolve: 'name a service "app"',
    check: (r) => 'app' in r.services,
  },
  {
    ref: 'R011',
    level: 'error',
    description: 'all services have images',
    resolve: 'ensure "image" field is set in all services',
    check: (r) => Object.values(r.services).every((s) => typeof s.image === 'string' && s.image.trim() !== ''),
  },
  {
    ref: 'R014',
    level: 'error',
    description: 'only annotated tags used for recipe version',
    resolve: 'replace lightweight tag with annotated tag',
    check: (r) => lines(gitChecked(r.dir, ['for-each-ref', 'refs/tags', '--format', '%(objecttype)'])).every((type) => type === 'tag'),
  },
  {
    ref: 'R015',
    level: 'error',
    description: 'long secret names',
    resolve: 'reduce length of secret names so that <stack>_<secret>_<version> stays within 64 characters',
    check: (r) =>
      r.secrets.every((key) => {
        const version = r.sampleEnv?.[`SECRET_${key.toUpperCase()}_VERSION`] ?? 'v1';
        return `${R015_PLACEHOLDER_STACK}_${key}_${version}`.length <= 64;
      }),
  },
];

function load(recipe: string, dir: string): LoadedRecipe {
  const names = readdirSync(dir)
    .filter((f) => /^compose(\..+)?\.ya?ml$/.test(f))
    .sort((a, b) => (a === 'compose.yml' ? -1 : b === 'compose.yml' ? 1 : a.localeCompare(b)));
  if (!names.includes('compose.yml')) fatal(`unable to validate recipe: ${join(dir, 'compose.yml')} does not exist`);
  const files = names.map((name) => {
    let doc: unknown;
    try {
      doc = parseYaml(readFileSync(join(dir, name), 'utf8'));
    } catch (error) {
      fatal(`unable to validate recipe: ${name}: ${(error as Error).message}`);
    }
    if (doc === null || typeof doc !== 'object') fatal(`unable to validate recipe: ${name} is not a compose file`);
    return { name, doc: doc as Record<string, unknown> };
  });
  const services: Record<string, Service> = {};
  const secrets = new Set<string>();
  for (const { doc } of files) {
    for (const [name, spec] of Object.entries((doc.services ?? {}) as Record<string, Service | null>)) {
      services[name] = { ...(services[name] ?? {}), ...(spec ?? {}) };
    }
    for (const key of Object.keys((doc.secrets ?? {}) as Record<string, unknown>)) secrets.add(key);
  }
  const samplePath = join(dir, '.env.sample');
  const sampleEnv = existsSync(samplePath) ? envMap(parseEnv(readFileSync(samplePath, 'utf8'))) : null;
  return { name: recipe, dir, files, services, secrets: [...secrets], sampleEnv };
}

/** What a non-chaos deploy runs first: the error-level rules; returns the refs that failed. */
export function lintForErrors(recipe: string, dir: string): string[] {
  const loaded = load(recipe, dir);
  return RULES.filter((rule) => rule.level === 'error' && !rule.check(loaded)).map((rule) => rule.ref);
}

export function recipeLint(opts: { recipe: string; chaos: boolean; offline: boolean }): void {
  const dir = ensureRecipeDir(opts.recipe, opts.offline);
  if (!opts.chaos) {
    failIfDirty(opts.recipe, dir);
    const latest = newestTag(dir);
    if (latest !== null) checkoutVersion(opts.recipe, dir, latest);
  }
  const loaded = load(opts.recipe, dir);
  const rows: string[][] = [];
  let critical = false;
  for (const rule of RULES) {
    const satisfied = rule.check(loaded);
    if (!satisfied && rule.level === 'error') critical = true;
    rows.push([rule.ref, rule.description, rule.level, satisfied ? '✅' : '❌', '❌', satisfied ? '' : rule.resolve]);
  }
  out(pipeTable(['REF', 'RULE', 'SEVERITY', 'SATISFIED', 'SKIPPED', 'RESOLVE'], rows));
  if (critical) warn(`critical errors present in ${opts.recipe} config`);
}
