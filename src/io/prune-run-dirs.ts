// Removes the run directories older than runRetentionDays (src/domain/run-retention.ts): the second
// half of every janitor pass of `ccci janitor`, the daemon and each worker, over its own runs dir.
import { lstat, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from '../config/schema.js';
import { retentionCutoffMs, runDirsToPrune, type RunDirEntry } from '../domain/run-retention.js';
import type { Logger } from './log.js';

export interface PrunedRunDir {
  readonly runId: string;
  readonly action: 'pruned' | 'would-prune' | 'failed';
  /** When the directory was last written to (ISO 8601). */
  readonly lastWrite: string;
  readonly error?: string;
}

export interface PruneOptions {
  readonly log: Logger;
  readonly dryRun?: boolean;
}

/**
 * The newest write in a run directory; what it holds is only read when the directory itself is old.
 * Something vanishing while it is read was being changed (or pruned by another pass): it counts as now.
 */
async function newestWriteMs(dir: string, cutoffMs: number, nowMs: number): Promise<number> {
  try {
    const own = (await stat(dir)).mtimeMs;
    if (own >= cutoffMs) return own;
    const names = await readdir(dir);
    const times = await Promise.all(names.map((name) => lstat(join(dir, name)).then((info) => info.mtimeMs)));
    return Math.max(own, ...times);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return nowMs;
    throw error;
  }
}

export async function pruneRunDirs(runsDir: string, retentionDays: number, options: PruneOptions): Promise<PrunedRunDir[]> {
  const nowMs = Date.now();
  const cutoffMs = retentionCutoffMs(nowMs, retentionDays);
  let listed;
  try {
    listed = await readdir(runsDir, { withFileTypes: true });
  } catch (error) {
    // no runs dir yet: no run ever wrote here, nothing to prune
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const entries: RunDirEntry[] = await Promise.all(
    listed.map(async (entry) => ({
      name: entry.name,
      directory: entry.isDirectory(),
      newestWriteMs: entry.isDirectory() ? await newestWriteMs(join(runsDir, entry.name), cutoffMs, nowMs) : nowMs,
    })),
  );
  const pruned: PrunedRunDir[] = [];
  for (const entry of runDirsToPrune(entries, nowMs, retentionDays)) {
    const lastWrite = new Date(entry.newestWriteMs).toISOString();
    if (options.dryRun === true) {
      pruned.push({ runId: entry.name, action: 'would-prune', lastWrite });
      continue;
    }
    try {
      await rm(join(runsDir, entry.name), { recursive: true, force: true });
      pruned.push({ runId: entry.name, action: 'pruned', lastWrite });
    } catch (error) {
      pruned.push({ runId: entry.name, action: 'failed', lastWrite, error: (error as Error).message });
    }
  }
  const failed = pruned.filter((entry) => entry.action === 'failed');
  if (failed.length > 0) options.log.warn({ runsDir, retentionDays, failed }, 'some old run directories could not be removed');
  if (pruned.length > failed.length)
    options.log.info(
      { runsDir, retentionDays, runIds: pruned.filter((entry) => entry.action !== 'failed').map((entry) => entry.runId) },
      options.dryRun === true ? 'run directories the janitor would prune' : 'old run directories pruned',
    );
  return pruned;
}

/** The periodic passes' pruning (daemon, worker): a failure is logged and leaves the rest of the pass to run. */
export async function pruneOldRunDirs(config: Pick<Config, 'runsDir' | 'runRetentionDays'>, log: Logger): Promise<void> {
  try {
    await pruneRunDirs(config.runsDir, config.runRetentionDays, { log });
  } catch (error) {
    log.error({ err: error, runsDir: config.runsDir }, 'pruning old run directories failed');
  }
}
