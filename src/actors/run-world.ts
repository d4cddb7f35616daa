// Everything the run's actors share: identity, paths, the adapters and the logger. Built once in main.
import type { Config } from '../config/schema.js';
import type { LockOwner } from '../domain/lock-owner.js';
import type { CustomizationManifest } from '../recipes/manifest.js';
import type { RunPaths } from '../domain/run-paths.js';
import type { StageFailure } from '../domain/run-types.js';
import type { AbortReason } from '../domain/verdict.js';
import type { Abra } from '../io/abra.js';
import type { Docker } from '../io/docker.js';
import type { Git } from '../io/git.js';
import type { Logger } from '../io/log.js';

export interface RunIdentity {
  readonly runId: string;
  readonly recipe: string;
  /** Path or git URL the recipe is cloned from. */
  readonly source: string;
  /** The ref asked for; undefined means the source's HEAD. */
  readonly ref: string | undefined;
  readonly pr: string | null;
  readonly domain: string;
  readonly stack: string;
  readonly deadlineAt: number;
}

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

export class RunStageError extends Error {
  constructor(readonly stageFailure: StageFailure) {
    super(stageFailure.message);
    this.name = 'RunStageError';
  }
}

export function stageError(stage: StageFailure['stage'], kind: StageFailure['kind'], message: string): RunStageError {
  return new RunStageError({ stage, kind, message });
}

/** The deploy found the app dead: a recipe failure that no later tier should wait out again. */
export function appDeadError(message: string): RunStageError {
  return new RunStageError({ stage: 'deploy', kind: 'recipe', message, appDead: true });
}

/** The recipe's own files are broken at the tested commit: its failure, and lint still runs on that commit. */
export function recipeDefectError(message: string, headSha: string): RunStageError {
  return new RunStageError({ stage: 'prepare', kind: 'recipe', message, headSha });
}
