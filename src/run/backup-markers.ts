// The generic data-integrity check: a marker file in every backed-up volume must survive
// backup → delete → restore. Written from this host through the volume's mountpoint, so it
// needs no shell inside the app's containers.
import { randomBytes } from 'node:crypto';
import { access, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BackupMarker } from '../domain/run-types.js';
import type { RunWorld } from './run-world.js';

/** What placing markers touches of the run's world. */
export type MarkerWorld = Pick<RunWorld, 'identity' | 'docker' | 'log'>;

/** Volumes backup-bot-two backs up for this stack, each with the path inside it (backupbot labels, docs/recipe-customization.md). */
async function backedUpLocations(world: MarkerWorld): Promise<{ volume: string; path: string }[]> {
  const { stack } = world.identity;
  const services = await world.docker.stackServices(stack);
  const labels = Object.assign({}, ...(await Promise.all(services.map((service) => world.docker.serviceLabels(service.name))))) as Record<
    string,
    string
  >;
  const { volumes } = await world.docker.stackObjects(stack);
  return volumes.flatMap((volume) => {
    const key = volume.slice(stack.length + 1);
    if (labels[`backupbot.backup.volumes.${key}`] === 'false') return [];
    const path = (labels[`backupbot.backup.volumes.${key}.path`] ?? '').split(',')[0]!.trim();
    return [{ volume, path }];
  });
}

export async function placeBackupMarkers(world: MarkerWorld): Promise<BackupMarker[]> {
  const markers: BackupMarker[] = [];
  for (const { volume, path } of await backedUpLocations(world)) {
    const mountpoint = await world.docker.volumeMountpoint(volume);
    if (mountpoint === undefined) continue;
    try {
      await access(mountpoint);
    } catch {
      world.log.warn({ volume, mountpoint }, 'volume not reachable from this host: no backup marker for it');
      continue;
    }
    const directory = join(mountpoint, path);
    await mkdir(directory, { recursive: true });
    const file = join(directory, `.ccci-marker-${world.identity.runId}`);
    const content = randomBytes(16).toString('hex');
    await writeFile(file, content);
    markers.push({ volume, file, content });
  }
  return markers;
}

export async function removeBackupMarkers(markers: readonly BackupMarker[]): Promise<void> {
  for (const marker of markers) await rm(marker.file, { force: true });
}
