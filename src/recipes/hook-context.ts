// What every recipe hook receives (docs/recipe-customization.md#the-ctx): one frozen ctx. Types only; the run builds it
// (src/run/hook-calls.ts) and tier tests read the same facts through the env contract. The ctx
// carries the recipe's meta, whose hooks take the ctx: the shape here is generic over the meta, and
// schema.ts binds it (`HookContext`), so neither module imports the other's upward.
import type { Logger } from 'pino';
import type { DependencyRecord } from '../domain/run-types.js';

/** The lifecycle op a hook runs for. */
export type HookOp = 'install' | 'upgrade' | 'backup' | 'restore';

export type { DependencyRecord } from '../domain/run-types.js';

export interface ExecResult {
  readonly stdout: string;
  readonly stderr: string;
}

/** The ctx of a hook, over the type of the recipe meta it carries (schema.ts: `HookContext`). */
export interface HookContextOf<Meta> {
  readonly runId: string;
  readonly recipe: string;
  readonly domain: string;
  readonly stack: string;
  /** Where cc-ci reaches the app; before the first deploy (EXTRA_ENV at install) it is https://<domain>. */
  readonly baseUrl: string;
  readonly op: HookOp;
  readonly meta: Readonly<Meta>;
  /** Ready dependencies by recipe name; a dependency that failed is absent (see CCCI_DEPS_SKIP_FILE). */
  readonly deps: Readonly<Record<string, DependencyRecord>>;
  /** The run's logger (every line goes through the secret redactor). */
  readonly log: Logger;
  /** Aborted when the run is cancelled or the tier's time is up: pass it on to long waits. */
  readonly signal: AbortSignal;
  /** Runs argv in a running container of the app's service `service` (e.g. "app", "db"); throws on a non-zero exit. */
  exec(service: string, argv: readonly string[], options?: { readonly input?: string }): Promise<ExecResult>;
  /** The host port a running task of `service` publishes for `targetPort`, if any (host-mode publishing). */
  publishedPort(service: string, targetPort: number): Promise<number | undefined>;
  /** The run's op state (CCCI_OP_STATE_FILE): what the ops recorded; hooks write under `hooks`. */
  readonly opState: {
    read(): Promise<Readonly<Record<string, Readonly<Record<string, unknown>>>>>;
    write(key: string, value: unknown): Promise<void>;
  };
}

export const OP_HOOK_NAMES = ['preInstall', 'preUpgrade', 'preBackup', 'preRestore'] as const;
export type OpHookName = (typeof OP_HOOK_NAMES)[number];

export const OP_HOOK_BY_TIER = {
  install: 'preInstall',
  upgrade: 'preUpgrade',
  backup: 'preBackup',
  restore: 'preRestore',
} as const satisfies Record<string, OpHookName>;
