// Recipe checkouts: versions (git tags), chaos versions, compose files and the interpolation environment.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { recipeDir } from './env.js';
import { fatal, info } from './log.js';
import { docker, git, gitChecked, lines, run } from './proc.js';

export function ensureRecipeDir(recipe: string, offline: boolean): string {
  const dir = recipeDir(recipe);
  if (!existsSync(join(dir, '.git'))) {
    if (offline) fatal(`unable to find recipe ${recipe} in ${dir} (offline mode, not cloning)`);
    fatal(`unable to find recipe ${recipe} in ${dir} (the stand-in cannot clone from the recipe catalogue)`);
  }
  return dir;
}

/** Orders `<semver>+<upstream>` tags: by the recipe semver, then by the upstream part. */
export function compareVersions(a: string, b: string): number {
  const split = (v: string) => {
    const [recipePart = '', upstream = ''] = v.split('+', 2);
    return [recipePart, upstream] as const;
  };
  const cmpParts = (x: string, y: string) => {
    const xs = x.split(/[.-]/);
    const ys = y.split(/[.-]/);
    for (let i = 0; i < Math.max(xs.length, ys.length); i++) {
      const p = xs[i];
      const q = ys[i];
      if (p === undefined) return -1;
      if (q === undefined) return 1;
      const pn = /^\d+$/.test(p) ? Number(p) : NaN;
      const qn = /^\d+$/.test(q) ? Number(q) : NaN;
      if (!Number.isNaN(pn) && !Number.isNaN(qn)) {
        if (pn !== qn) return pn - qn;
      } else if (p !== q) return p < q ? -1 : 1;
    }
    return 0;
  };
  const [ar, au] = split(a);
  const [br, bu] = split(b);
  return cmpParts(ar, br) || cmpParts(au, bu);
}

export function tags(dir: string): string[] {
  return lines(gitChecked(dir, ['tag', '--list'])).sort(compareVersions);
}

export function newestTag(dir: string): string | null {
  const all = tags(dir);
  return all.length === 0 ? null : all[all.length - 1]!;
}

export function isDirty(dir: string): boolean {
  return gitChecked(dir, ['status', '--porcelain']).trim() !== '';
}

/** abra's ChaosVersion: first 8 hex chars of HEAD, plus `+U` when the work tree has changes (untracked included). */
export function chaosVersion(dir: string): string {
  const sha = gitChecked(dir, ['rev-parse', 'HEAD']).trim().slice(0, 8);
  return isDirty(dir) ? `${sha}+U` : sha;
}

export function headSha(dir: string): string {
  return gitChecked(dir, ['rev-parse', 'HEAD']).trim().slice(0, 8);
}

export function failIfDirty(recipe: string, dir: string): void {
  if (isDirty(dir)) fatal(`${recipe} has locally unstaged changes? please commit/remove your changes before proceeding`);
}

/** Checks out a tag or commit (detached), as abra's EnsureVersion does. */
export function checkoutVersion(recipe: string, dir: string, version: string): void {
  const ref = version.replace(/\+U$/, '');
  if (git(dir, ['rev-parse', '-q', '--verify', `${ref}^{commit}`]).status !== 0)
    fatal(`invalid version ${version} specified for ${recipe}`);
  const target = gitChecked(dir, ['rev-parse', `${ref}^{commit}`]).trim();
  const head = git(dir, ['rev-parse', 'HEAD']).stdout.trim();
  if (head === target && git(dir, ['symbolic-ref', '-q', 'HEAD']).status !== 0) return;
  gitChecked(dir, ['checkout', '-q', '--detach', target]);
  info(`${recipe} checked out at ${version}`);
}

/** Variables exported by the recipe's abra.sh (sourced in bash; whatever it exports). */
export function abraShExports(dir: string): Record<string, string> {
  if (!existsSync(join(dir, 'abra.sh'))) return {};
  const marker = '\0--abra-sh--\0';
  const script = `env -0; printf '${marker.replaceAll('\0', '\\0')}'; . ./abra.sh >/dev/null 2>&1 </dev/null || exit 97; env -0`;
  const result = run('bash', ['-c', script], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root' },
  });
  if (result.status !== 0) fatal(`unable to source ${join(dir, 'abra.sh')} (exit ${result.status})`);
  const [before = '', after = ''] = result.stdout.split(marker);
  const parse = (text: string) => {
    const map: Record<string, string> = {};
    for (const item of text.split('\0')) {
      const eq = item.indexOf('=');
      if (eq > 0) map[item.slice(0, eq)] = item.slice(eq + 1);
    }
    return map;
  };
  const base = parse(before);
  const sourced = parse(after);
  const exported: Record<string, string> = {};
  for (const [key, value] of Object.entries(sourced)) {
    if (key === '_' || key === 'SHLVL' || key === 'PWD' || key === 'OLDPWD') continue;
    if (base[key] !== value) exported[key] = value;
  }
  return exported;
}

/** COMPOSE_FILE (colon-separated, default compose.yml) as absolute paths; FATA if one is missing. */
export function composeFiles(dir: string, env: Record<string, string>): string[] {
  const spec = env.COMPOSE_FILE && env.COMPOSE_FILE.trim() !== '' ? env.COMPOSE_FILE : 'compose.yml';
  return spec
    .split(':')
    .map((f) => f.trim())
    .filter((f) => f !== '')
    .map((f) => {
      const path = join(dir, f);
      if (!existsSync(path)) fatal(`${path} does not exist`);
      return path;
    });
}

/** The environment compose files are interpolated with: the app env, abra.sh exports, STACK_NAME. */
export function interpolationEnv(appEnv: Record<string, string>, dir: string, stack: string): Record<string, string> {
  return { ...appEnv, ...abraShExports(dir), STACK_NAME: stack };
}

/** The docker CLI's environment for stack commands: only what docker itself needs, plus the interpolation env. */
export function stackCommandEnv(vars: Record<string, string>): NodeJS.ProcessEnv {
  const keep = Object.entries(process.env).filter(
    ([key]) => ['PATH', 'HOME', 'TMPDIR', 'LANG', 'LC_ALL'].includes(key) || key.startsWith('DOCKER_'),
  );
  return { ...Object.fromEntries(keep), ...vars };
}

export interface ComposeConfig {
  services?: Record<string, { image?: string; deploy?: { labels?: Record<string, string> | string[] } } & Record<string, unknown>>;
  secrets?: Record<string, { name?: string; external?: boolean | { name?: string } }>;
  configs?: Record<string, { name?: string; file?: string }>;
  volumes?: Record<string, { name?: string } | null>;
}

/** Merged and interpolated config, exactly as `docker stack deploy` would see it (`docker stack config`). */
export function stackConfig(files: readonly string[], env: NodeJS.ProcessEnv): ComposeConfig {
  const result = docker(['stack', 'config', ...files.flatMap((f) => ['-c', f])], { env });
  if (result.status !== 0) fatal(`unable to validate recipe: ${result.stderr.trim()}`);
  return (parseYaml(result.stdout) ?? {}) as ComposeConfig;
}
