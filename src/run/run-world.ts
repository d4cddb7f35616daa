// Everything the run's actors share that is not a fact of the run: identity, paths, the adapters, the
// logger and the code prepare loaded. Built once in execute-run.ts; the facts travel through the machine.
import type { Config } from '../config/schema.js';
import type { LockOwner } from '../domain/lock-owner.js';
import type { CustomizationManifest } from '../recipes/manifest.js';
import type { RunPaths } from '../domain/run-paths.js';
import type { RunIdentity } from '../domain/run-types.js';
import type { AbortReason } from '../domain/verdict.js';
import type { Abra } from '../io/abra.js';
import type { Docker } from '../io/docker.js';
import type { Git } from '../io/git.js';
import type { Logger } from '../io/log.js';
import type { LoadedRecipes } from './loaded-recipes.js';
import type { OpStateExport } from './op-state.js';

export type { RunIdentity } from '../domain/run-types.js';

/** Things the user should see as they happen (the CLI prints them). */
export type RunNotice =
  | { readonly type: 'notice'; readonly message: string }
  | { readonly type: 'manifest'; readonly manifest: CustomizationManifest }
  /** At once when the domain lock is held by another run, then again while the wait goes on. */
  | { readonly type: 'lock-wait'; readonly domain: string; readonly holder: LockOwner | undefined; readonly waitedMs: number };

export interface RunWorld {
  readonly config: Config;
  readonly identity: RunIdentity;
  readonly paths: RunPaths;
  /** This cc-ci instance's id: the run labels its apps with it (src/domain/stack-owner.ts). */
  readonly instance: string;
  readonly log: Logger;
  /** abra bound to the run's own ABRA_DIR. */
  readonly abra: Abra;
  /** abra bound to the lint ABRA_DIR (a pristine clone). */
  readonly lintAbra: Abra;
  readonly docker: Docker;
  readonly git: Git;
  readonly notify: (notice: RunNotice) => void;
  /** The customization code prepare loaded (not data: the machine's context only names the recipes). */
  readonly loaded: LoadedRecipes;
  /** The op state, exported to CCCI_OP_STATE_FILE for the run's children. */
  readonly opState: OpStateExport;
  /** Why the run is stopping, set by whoever stops it (the supervisor, the lock actor) before the stage's actor is stopped. */
  readonly stopping: { reason: AbortReason | null };
}

/**
 * The stage's signal, aborted with the run's stop reason: xstate aborts a stopped promise actor
 * without one, and a child killed for `sigterm` should say so, not `AbortError`.
 */
export function stageSignal(world: Pick<RunWorld, 'stopping'>, signal: AbortSignal): AbortSignal {
  const controller = new AbortController();
  const abort = () => controller.abort(world.stopping.reason ?? 'the stage was stopped');
  if (signal.aborted) abort();
  else signal.addEventListener('abort', abort, { once: true });
  return controller.signal;
}
