// Everything the daemon's actors share, built once by the composition root (src/daemon/start-daemon.ts).
import type { DaemonMetrics } from '../../daemon/metrics.js';
import type { Config, DaemonConfig } from '../../config/schema.js';
import type { Admitter, Enrolled } from '../../daemon/admit-comment.js';
import type { Bell } from '../../daemon/bell.js';
import type { Dispatcher } from '../../daemon/dispatcher.js';
import type { PullReports } from '../../daemon/pull-reports.js';
import type { ReportLinks } from '../../daemon/report.js';
import type { Forge } from '../../forge/forge.js';
import type { DaemonStore } from '../../io/daemon-store.js';
import type { Logger } from '../../io/log.js';
import type { JanitorDecision } from '../../domain/describe-janitor-decision.js';

export interface DaemonWorld {
  readonly config: Config;
  readonly daemon: DaemonConfig;
  readonly store: DaemonStore;
  readonly forge: Forge;
  readonly dispatcher: Dispatcher;
  readonly admitter: Admitter;
  readonly reports: PullReports;
  readonly enrolled: readonly Enrolled[];
  /** Rung whenever the store owes the forge something new. */
  readonly outbox: Bell;
  /** Set once the HTTP server listens when no publicUrl is configured. */
  readonly links: { publicUrl: string } & ReportLinks;
  readonly limitMinutes: number;
  readonly webhookSecret: string | undefined;
  /** The daemon's root logger: each actor logs through a child naming its component. */
  readonly log: Logger;
  /** The daemon's redactor: the token, the webhook secret and the configured secrets are masked. */
  readonly redact: (text: string) => string;
  /** One janitor pass over the swarm (the same code every run starts with). */
  readonly sweep: (signal: AbortSignal) => Promise<readonly JanitorDecision[]>;
  readonly metrics: DaemonMetrics;
  /** The bot's login, asked of the forge once. */
  readonly botLogin: () => Promise<string>;
  /** What /healthz says beyond the queue; the actors keep it current. */
  readonly health: { lastPoll: Record<string, unknown> | null; forgeBlocked: string | null };
}
