// Which run directories the janitor prunes (docs/runbook.md#the-disk-is-full-of-run-directories):
// directories named as run ids whose newest write is older than the retention. A run creates its
// directory when it starts and lives at most deadlineMinutes, which the configuration keeps below
// the retention, so a live run's directory is never one of them.
import { RUN_ID_PATTERN } from './identity.js';

export const DAY_MS = 24 * 60 * 60_000;

export interface RunDirEntry {
  readonly name: string;
  readonly directory: boolean;
  /** The newest modification time of the directory and of what it holds, in ms since the epoch. */
  readonly newestWriteMs: number;
}

/** The time before which a run directory's newest write makes it prunable. */
export function retentionCutoffMs(nowMs: number, retentionDays: number): number {
  return nowMs - retentionDays * DAY_MS;
}

/** The entries to prune, by name; anything not named as a run id (an operator's file, a note) stays. */
export function runDirsToPrune(entries: readonly RunDirEntry[], nowMs: number, retentionDays: number): RunDirEntry[] {
  const cutoff = retentionCutoffMs(nowMs, retentionDays);
  return entries
    .filter((entry) => entry.directory && RUN_ID_PATTERN.test(entry.name) && entry.newestWriteMs < cutoff)
    .sort((a, b) => a.name.localeCompare(b.name));
}
