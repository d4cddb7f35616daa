// The janitor at daemon start and every janitorIntervalMinutes: removes run directories older than
// runRetentionDays, and reaps what dead runs left behind, never a live run (the decision table in
// docs/concurrency.md).
import { pruneOldRunDirs } from '../../io/prune-run-dirs.js';
import type { DaemonWorld } from './daemon-world.js';
import { repeating } from './repeat.js';

export function makeSweepPeriodically(world: DaemonWorld) {
  const log = world.log.child({ component: 'janitor' });
  return repeating(log, 'janitor pass', world.daemon.janitorIntervalMinutes * 60_000, async (signal) => {
    // first: a swarm that does not answer must not keep the disk from being cleaned
    await pruneOldRunDirs(world.config, log);
    const decisions = await world.sweep(signal);
    const acted = decisions.filter((decision) => decision.action !== 'left');
    log[acted.length > 0 ? 'info' : 'debug']({ candidates: decisions.length, decisions: acted }, 'janitor pass');
  });
}
