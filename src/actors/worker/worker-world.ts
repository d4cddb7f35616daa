// Everything a worker's actors share, built by its composition root (src/worker/start-worker.ts); the
// connection and the pool exist once connectQueue has run.
import type { Config, NatsConfig } from '../../config/schema.js';
import type { JanitorDecision } from '../../domain/describe-janitor-decision.js';
import type { JetStreamLink } from '../../io/jetstream.js';
import type { Logger } from '../../io/log.js';
import type { WorkerPool } from '../../worker/worker-pool.js';

export interface WorkerWorld {
  readonly config: Config;
  readonly nats: NatsConfig;
  readonly configFile: string;
  /** This worker's name in reports and logs. */
  readonly name: string;
  readonly maxTests: number;
  readonly janitorIntervalMinutes: number;
  readonly log: Logger;
  /** One janitor pass over this host's swarm (the same code every run starts with). */
  readonly sweep: (signal: AbortSignal) => Promise<readonly JanitorDecision[]>;
  link: JetStreamLink | undefined;
  pool: WorkerPool | undefined;
}
