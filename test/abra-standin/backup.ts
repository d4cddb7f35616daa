// abra app backup create / snapshots, abra app restore: through the backup bot's CLI (docker exec).
import { findApp, type App } from './env.js';
import { debug, fatal, info, out } from './log.js';
import { docker, dockerChecked, lines } from './proc.js';
import { inspectServices, runningContainers, stackServices, type ServiceInfo } from './swarm.js';
import { plainTable } from './table.js';

function findBot(): string {
  const ids = lines(dockerChecked(['service', 'ls', '--filter', 'label=coop-cloud.backupbot.enabled=true', '--format', '{{.ID}}']));
  for (const service of inspectServices(ids)) {
    const containers = runningContainers(service.name);
    if (containers.length > 0) {
      debug(`backupbot: service ${service.name}, container ${containers[0]}`);
      return containers[0]!;
    }
  }
  fatal('no backupbot discovered, is it deployed?');
}

function services(app: App): ServiceInfo[] {
  const all = stackServices(app.stack);
  if (all.length === 0) fatal(`${app.domain} is not deployed?`);
  return all;
}

function backupService(app: App, all: readonly ServiceInfo[]): ServiceInfo {
  const labelled = all.filter((s) => s.labels['backupbot.backup'] === 'true');
  if (labelled.length === 0) fatal(`${app.domain} has no backupbot.backup=true label`);
  if (labelled.length > 1)
    fatal(`${app.domain}: backupbot.backup=true is set on more than one service (${labelled.map((s) => s.name).join(', ')})`);
  return labelled[0]!;
}

/** Runs a hook label (if set on a service of the stack) inside that service's running container. */
function runHooks(app: App, all: readonly ServiceInfo[], label: string): void {
  for (const service of all) {
    const hook = service.labels[label];
    if (hook === undefined || hook.trim() === '') continue;
    const container = runningContainers(service.name)[0];
    if (container === undefined) fatal(`${label}: no running container for ${service.name} (${app.domain})`);
    info(`running ${label} in ${service.name}: ${hook}`);
    const result = docker(['exec', container, 'sh', '-c', hook], { stream: true });
    if (result.status !== 0) fatal(`${label} failed in ${service.name} (exit ${result.status})`);
  }
}

/** `<vol>[:path,path]` specs: every named volume of the stack unless excluded by label. */
function volumeSpecs(app: App, all: readonly ServiceInfo[]): string[] {
  const prefix = `${app.stack}_`;
  const labels: Record<string, string> = {};
  for (const s of all) Object.assign(labels, s.labels);
  const volumes = new Set<string>();
  for (const s of all) {
    for (const m of s.mounts) {
      if (m.Type === 'volume' && m.Source?.startsWith(prefix)) volumes.add(m.Source.slice(prefix.length));
    }
  }
  const specs: string[] = [];
  for (const volume of [...volumes].sort()) {
    if (labels[`backupbot.backup.volumes.${volume}`] === 'false') {
      debug(`volume ${volume} excluded by label`);
      continue;
    }
    const paths = labels[`backupbot.backup.volumes.${volume}.path`];
    specs.push(
      paths
        ? `${volume}:${paths
            .split(',')
            .map((p) => p.trim().replace(/^\/+/, ''))
            .filter((p) => p !== '')
            .join(',')}`
        : volume,
    );
  }
  return specs;
}

export function backupCreate(domain: string): void {
  const app = findApp(domain);
  const bot = findBot();
  const all = services(app);
  backupService(app, all);
  const specs = volumeSpecs(app, all);
  if (specs.length === 0) fatal(`${domain} has no volumes to back up`);
  runHooks(app, all, 'backupbot.backup.pre-hook');
  const result = docker(['exec', bot, 'backup', 'create', app.stack, ...specs], { stream: true });
  if (result.status !== 0) fatal(`backup of ${domain} failed (exit ${result.status})`);
  runHooks(app, all, 'backupbot.backup.post-hook');
  info(`backup of ${domain} created`);
}

interface Snapshot {
  readonly id: string;
  readonly time: string;
  readonly paths: string;
}

function snapshots(bot: string, app: App): Snapshot[] {
  const result = docker(['exec', bot, 'backup', 'snapshots', app.stack]);
  if (result.status !== 0) fatal(`listing snapshots of ${app.domain} failed: ${(result.stderr || result.stdout).trim()}`);
  return lines(result.stdout).map((line) => {
    const [id = '', time = '', ...paths] = line.split(/\s+/);
    return { id, time, paths: paths.join(' ') };
  });
}

export function backupSnapshots(domain: string): void {
  const app = findApp(domain);
  const bot = findBot();
  const list = snapshots(bot, app);
  out(
    plainTable(
      ['ID', 'TIME', 'PATHS'],
      list.map((s) => [s.id, s.time, s.paths]),
    ),
  );
  if (list.length === 0) info(`no snapshots of ${domain}`);
}

export function appRestore(opts: { domain: string; snapshot?: string }): void {
  const app = findApp(opts.domain);
  const bot = findBot();
  const list = snapshots(bot, app);
  if (list.length === 0) fatal(`no snapshots of ${app.domain} to restore`);
  const snapshot = opts.snapshot ?? list[list.length - 1]!.id;
  if (!list.some((s) => s.id === snapshot)) fatal(`snapshot ${snapshot} not found for ${app.domain}`);
  const all = stackServices(app.stack);
  runHooks(app, all, 'backupbot.restore.pre-hook');
  const result = docker(['exec', bot, 'backup', 'restore', app.stack, snapshot], { stream: true });
  if (result.status !== 0) fatal(`restore of ${app.domain} failed (exit ${result.status})`);
  runHooks(app, all, 'backupbot.restore.post-hook');
}
