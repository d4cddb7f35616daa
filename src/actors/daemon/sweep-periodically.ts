// The janitor at start and every janitorIntervalMinutes, for the daemon and each worker: removes run
// directories older than runRetentionDays, and reaps what dead runs left behind, never a live run
// (the decision table in docs/concurrency.md).
import type { EventObject } from 'xstate';
import type { Config } from '../../config/schema.js';
import type { JanitorDecision } from '../../domain/describe-janitor-decision.js';
import type { Logger } from '../../io/log.js';
import { pruneOldRunDirs } from '../../io/prune-run-dirs.js';
import type { DaemonEvent } from '../../machines/daemon.machine.js';
import type { DaemonWorld } from './daemon-world.js';
import { repeating } from './repeat.js';

export interface JanitorPassWorld {
  readonly config: Config;
  readonly log: Logger;
  readonly sweep: (signal: AbortSignal) => Promise<readonly JanitorDecision[]>;
}

export function janitorPasses<TEvent extends EventObject>(world: JanitorPassWorld, intervalMinutes: number) {
  const log = world.log.child({ component: 'janitor' });
  return repeating<TEvent>(log, 'janitor pass', intervalMinutes * 60_000, async (signal) => {
    // first: a swarm that does not answer must not keep the disk from being cleaned
    await pruneOldRunDirs(world.config, log);
    const decisions = await world.sweep(signal);
    const acted = decisions.filter((decision) => decision.action !== 'left');
    log[acted.length > 0 ? 'info' : 'debug']({ candidates: decisions.length, decisions: acted }, 'janitor pass');
  });
}

export function makeSweepPeriodically(world: DaemonWorld) {
  return janitorPasses<DaemonEvent>(world, world.daemon.janitorIntervalMinutes);
}
