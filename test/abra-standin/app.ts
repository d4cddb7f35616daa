// abra app new / deploy / undeploy / remove.
import { randomInt } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { findApp, listServers, parseEnv, serversDir, setEnvLine, stackName, writeDeployedVersion } from './env.js';
import { lintForErrors } from './lint.js';
import { debug, fatal, info, out, sleep, warn } from './log.js';
import { docker, dockerChecked, lines } from './proc.js';
import {
  chaosVersion,
  checkoutVersion,
  composeFiles,
  ensureRecipeDir,
  failIfDirty,
  interpolationEnv,
  newestTag,
  stackCommandEnv,
  stackConfig,
  type ComposeConfig,
} from './recipe.js';
import { isDeployed, lastTaskError, replicas, stackContainers, stackNetworks, stackServices } from './swarm.js';
import { keyValueBox, pipeTable } from './table.js';

export interface Globals {
  readonly noInput: boolean;
  readonly offline: boolean;
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

function randomSecret(length: number): string {
  let value = '';
  for (let i = 0; i < length; i++) value += ALPHABET[randomInt(ALPHABET.length)];
  return value;
}

/** The swarm name of every secret of the config that is meant to be created by abra (external ones). */
function declaredSecrets(config: ComposeConfig): { key: string; name: string }[] {
  return Object.entries(config.secrets ?? {})
    .filter(([, s]) => s.external === true || (typeof s.external === 'object' && s.external !== null))
    .map(([key, s]) => ({ key, name: s.name ?? (typeof s.external === 'object' ? s.external.name : undefined) ?? key }));
}

function requireInteractiveOrFlag(globals: Globals, what: string): void {
  if (!globals.noInput) fatal(`${what} needs confirmation and the stand-in cannot prompt: pass --no-input (-n) or --force (-f)`);
}

// ---------------------------------------------------------------------------------------------- app new

export function appNew(
  globals: Globals,
  opts: { recipe: string; version: string | null; server?: string; domain?: string; secrets: boolean; chaos: boolean },
): void {
  const { recipe } = opts;
  const servers = listServers();
  let server = opts.server;
  if (server === undefined) {
    if (globals.noInput && servers.length !== 1) fatal('no server provided (--server/-s)');
    if (servers.length !== 1) fatal('no server provided (--server/-s); the stand-in cannot prompt');
    server = servers[0]!;
  }
  if (!servers.includes(server)) fatal(`server ${server} does not exist in ${serversDir()}? (abra server add)`);
  const domain = opts.domain;
  if (domain === undefined || domain === '') fatal('no domain provided (--domain/-D)');
  const envPath = join(serversDir(), server, `${domain}.env`);
  if (existsSync(envPath)) fatal(`${envPath} already exists?`);
  for (const other of servers)
    if (existsSync(join(serversDir(), other, `${domain}.env`))) fatal(`${domain} already exists on server ${other}`);

  const dir = ensureRecipeDir(recipe, globals.offline);
  let version: string;
  if (opts.chaos) {
    version = chaosVersion(dir);
  } else {
    failIfDirty(recipe, dir);
    const chosen = opts.version ?? newestTag(dir);
    if (chosen === null) {
      warn(`no published versions of ${recipe}, using the latest commit`);
      version = chaosVersion(dir);
    } else {
      checkoutVersion(recipe, dir, chosen);
      version = chosen;
    }
  }

  const samplePath = join(dir, '.env.sample');
  if (!existsSync(samplePath)) fatal(`${samplePath} does not exist?`);
  let text = readFileSync(samplePath, 'utf8');
  text = setEnvLine(text, ['TYPE', 'RECIPE'], (key) => `${key}=${recipe}:${version}`, 'TYPE');
  text = setEnvLine(text, ['DOMAIN'], () => `DOMAIN=${domain}`, 'DOMAIN');
  writeFileSync(envPath, text);
  debug(`wrote ${envPath}`);

  const stack = stackName(domain);
  const generated: [string, string][] = [];
  if (opts.secrets) {
    const entries = parseEnv(text);
    const env: Record<string, string> = {};
    for (const e of entries) env[e.key] = e.value;
    const vars = interpolationEnv(env, dir, stack);
    const config = stackConfig(composeFiles(dir, env), stackCommandEnv(vars));
    for (const { key, name } of declaredSecrets(config)) {
      const versionKey = `SECRET_${key.toUpperCase()}_VERSION`;
      const entry = entries.find((e) => e.key === versionKey);
      if (entry?.modifiers.generate === 'false') {
        warn(`not generating ${name} (# generate=false)`);
        continue;
      }
      const length = entry?.modifiers.length ? Number(entry.modifiers.length) : 32;
      const value = randomSecret(Number.isFinite(length) && length > 0 ? length : 32);
      const result = docker(['secret', 'create', name, '-'], { input: value });
      if (result.status !== 0) fatal(`unable to create secret ${name}: ${result.stderr.trim()}`);
      generated.push([key, value]);
      debug(`created secret ${name}`);
    }
  }

  out(
    keyValueBox('NEW APP OVERVIEW', [
      ['SERVER', server],
      ['DOMAIN', domain],
      ['RECIPE', recipe],
      ['VERSION', version],
      ['ENV', envPath],
    ]),
  );
  if (opts.secrets) {
    if (generated.length > 0) {
      out(pipeTable(['SECRET NAME', 'SECRET VALUE'], generated));
      warn('generated secrets are not shown again, please take note of them *now*');
    } else {
      info('no secrets to generate');
    }
  }
  info(`${domain} created (version: ${version})`);
}

// ---------------------------------------------------------------------------------------------- app deploy

function labelOverlay(stack: string, recipe: string, chaos: boolean, version: string): string {
  const labels: Record<string, string> = {
    [`coop-cloud.${stack}.chaos`]: String(chaos),
    [`coop-cloud.${stack}.recipe`]: recipe,
  };
  if (chaos) labels[`coop-cloud.${stack}.chaos-version`] = version;
  return `# generated by abra (stand-in): labels abra sets on the app service\n${stringify({ version: '3.8', services: { app: { deploy: { labels } } } })}`;
}

export function appDeploy(
  globals: Globals,
  opts: { domain: string; version: string | null; chaos: boolean; force: boolean; noConvergeChecks: boolean },
): void {
  const app = findApp(opts.domain);
  const dir = ensureRecipeDir(app.recipe, globals.offline);
  if (isDeployed(app.stack) && !opts.force) fatal(`${app.domain} is already deployed`);

  let version: string;
  if (opts.chaos) {
    if (opts.version !== null) warn(`ignoring version ${opts.version}: --chaos deploys the recipe as it is`);
    version = chaosVersion(dir);
    info(`version: taking chaos version: ${version}`);
  } else {
    failIfDirty(app.recipe, dir);
    const chosen = opts.version ?? app.version ?? newestTag(dir);
    if (chosen === null) {
      version = chaosVersion(dir);
      warn(`no published versions of ${app.recipe}, deploying the latest commit ${version}`);
    } else {
      checkoutVersion(app.recipe, dir, chosen);
      version = chosen;
    }
    const failed = lintForErrors(app.recipe, dir);
    if (failed.length > 0) fatal(`lint failed for ${app.recipe}: ${failed.join(', ')} (abra recipe lint ${app.recipe})`);
  }

  const vars = interpolationEnv(app.env, dir, app.stack);
  const env = stackCommandEnv(vars);
  const files = composeFiles(dir, app.env);
  const config = stackConfig(files, env);
  if (!config.services?.app) warn(`${app.recipe} has no service named "app": chaos/recipe labels will create one`);
  for (const { name } of declaredSecrets(config)) {
    if (docker(['secret', 'inspect', name]).status !== 0) fatal(`secret not generated: ${name}`);
  }

  const tmp = mkdtempSync(join(tmpdir(), 'abra-deploy-'));
  try {
    const overlay = join(tmp, 'compose.abra-labels.yml');
    writeFileSync(overlay, labelOverlay(app.stack, app.recipe, opts.chaos, version));
    out(
      keyValueBox('DEPLOY OVERVIEW', [
        ['SERVER', app.server],
        ['DOMAIN', app.domain],
        ['RECIPE', app.recipe],
        ['CONFIG', files.map((f) => f.slice(dir.length + 1)).join(':')],
        ['VERSION', version],
        ['CHAOS', String(opts.chaos)],
      ]),
    );
    // newer docker CLIs print a notice unless --detach is given explicitly; older ones lack the flag
    const detach = docker(['stack', 'deploy', '--help']).stdout.includes('--detach') ? ['--detach=true'] : [];
    const args = ['stack', 'deploy', '--resolve-image', 'never', ...detach, ...[...files, overlay].flatMap((f) => ['-c', f]), app.stack];
    const result = docker(args, { env, stream: true });
    if (result.status !== 0) fatal(`docker stack deploy ${app.stack} failed (exit ${result.status})`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  writeDeployedVersion(app, version);

  if (opts.noConvergeChecks) {
    info(`${app.domain} deployed (version: ${version}); skipping converge checks`);
    return;
  }
  const timeout = Number(app.env.TIMEOUT ?? '300');
  waitForConverge(app.domain, app.stack, Number.isFinite(timeout) && timeout > 0 ? timeout : 300);
  info(`${app.domain} deployed and converged (version: ${version})`);
}

function waitForConverge(domain: string, stack: string, timeoutSeconds: number): void {
  info(`waiting for ${domain} to converge (timeout ${timeoutSeconds}s)`);
  const started = Date.now();
  let pending: string[] = [];
  for (;;) {
    const elapsed = Date.now() - started;
    const services = stackServices(stack);
    const counts = replicas(stack);
    pending = [];
    for (const s of services) {
      if (s.updateState === 'rollback_started' || s.updateState === 'rollback_completed' || s.updateState === 'paused') {
        fatal(`${s.name}: update ${s.updateState.replace('_', ' ')}: ${s.updateMessage}`);
      }
      const c = counts.get(s.name);
      if (s.updateState === 'updating') pending.push(`${s.name} (updating)`);
      else if (s.replicated && (!c || c.running < c.desired)) pending.push(`${s.name} (${c?.text ?? '?'})`);
    }
    // give swarm a moment to start an update after `docker stack deploy` returned
    if (pending.length === 0 && elapsed >= 2000) return;
    if (elapsed > timeoutSeconds * 1000) break;
    sleep(1000);
  }
  const details = pending.map((p) => {
    const name = p.split(' ')[0]!;
    const err = lastTaskError(name);
    return err ? `${p}: ${err}` : p;
  });
  fatal(`${domain} did not converge within ${timeoutSeconds}s: ${details.join('; ')}`);
}

// ---------------------------------------------------------------------------------------------- app undeploy

export function appUndeploy(_globals: Globals, domain: string): void {
  const app = findApp(domain);
  if (!isDeployed(app.stack)) fatal(`${domain} is not deployed?`);
  const result = docker(['stack', 'rm', app.stack], { stream: true });
  if (result.status !== 0) fatal(`docker stack rm ${app.stack} failed (exit ${result.status})`);
  const started = Date.now();
  for (;;) {
    const left = [
      ...lines(
        dockerChecked(['service', 'ls', '--filter', `label=com.docker.stack.namespace=${app.stack}`, '--format', 'service {{.Name}}']),
      ),
      ...stackContainers(app.stack).map((c) => `container ${c}`),
      ...stackNetworks(app.stack).map((n) => `network ${n}`),
    ];
    if (left.length === 0) break;
    if (Date.now() - started > 180_000) fatal(`${domain} still has ${left.join(', ')} after 180s`);
    sleep(1000);
  }
  info(`${domain} undeployed`);
}

// ---------------------------------------------------------------------------------------------- app remove

export function appRemove(globals: Globals, opts: { domain: string; force: boolean }): void {
  const app = findApp(opts.domain);
  if (!opts.force) requireInteractiveOrFlag(globals, `removing ${app.domain}`);
  if (isDeployed(app.stack)) fatal(`${app.domain} is still deployed. Run "abra app undeploy ${app.domain}"`);
  const prefix = `${app.stack}_`;

  const labelled = lines(
    dockerChecked(['volume', 'ls', '--filter', `label=com.docker.stack.namespace=${app.stack}`, '--format', '{{.Name}}']),
  );
  const named = lines(dockerChecked(['volume', 'ls', '--format', '{{.Name}}'])).filter((v) => v.startsWith(prefix));
  const volumes = [...new Set([...labelled, ...named])];
  for (const volume of volumes) {
    const started = Date.now();
    for (;;) {
      const result = docker(['volume', 'rm', volume]);
      if (result.status === 0) break;
      if (/no such volume/i.test(result.stderr)) break;
      if (Date.now() - started > 30_000) fatal(`unable to remove volume ${volume}: ${result.stderr.trim()}`);
      debug(`volume ${volume} busy, retrying: ${result.stderr.trim()}`);
      sleep(1000);
    }
    info(`volume ${volume} removed`);
  }
  if (volumes.length === 0) info(`no volumes to remove`);

  for (const kind of ['secret', 'config'] as const) {
    const names = lines(dockerChecked([kind, 'ls', '--format', '{{.Name}}'])).filter((n) => n.startsWith(prefix));
    for (const name of names) {
      dockerChecked([kind, 'rm', name]);
      info(`${kind} ${name} removed`);
    }
    if (names.length === 0) info(`no ${kind}s to remove`);
  }

  unlinkSync(app.envPath);
  info(`file: ${app.envPath} removed`);
}
