// Builds the one frozen ctx every recipe hook receives (docs/recipe-customization.md#the-ctx), and calls hooks so that a hung
// hook cannot hold up a cancelled run.
import { deadline } from '../io/deadline.js';
import { describeFailure } from '../io/exec.js';
import type { DependencyRecord } from '../domain/run-types.js';
import type { HookOp } from '../recipes/hook-context.js';
import type { HookContext, RecipeMeta } from '../recipes/schema.js';
import type { RunWorld } from './run-world.js';

/** What a hook's ctx is built from. */
export type HookWorld = Pick<RunWorld, 'identity' | 'log' | 'docker' | 'opState'>;

export interface HookTarget {
  readonly recipe: string;
  readonly domain: string;
  readonly stack: string;
  readonly meta: Readonly<RecipeMeta>;
  /** The dependencies ready so far, by recipe name (ctx.deps). */
  readonly deps: Readonly<Record<string, DependencyRecord>>;
}

export async function makeHookContext(
  world: HookWorld,
  target: HookTarget,
  op: HookOp,
  baseUrl: string,
  signal: AbortSignal,
): Promise<HookContext> {
  const { docker, opState } = world;
  const serviceName = (service: string) => `${target.stack}_${service}`;
  const ctx: HookContext = {
    runId: world.identity.runId,
    recipe: target.recipe,
    domain: target.domain,
    stack: target.stack,
    baseUrl,
    op,
    meta: target.meta,
    deps: Object.freeze(
      Object.fromEntries(
        Object.entries(target.deps).map(([name, record]) => [
          name,
          Object.freeze({ ...record, secrets: Object.freeze({ ...record.secrets }) }),
        ]),
      ),
    ),
    log: world.log.child({ hook: op, recipe: target.recipe }),
    signal,
    async exec(service, argv, options = {}) {
      const [container] = await docker.runningContainers(serviceName(service));
      if (container === undefined) throw new Error(`ctx.exec: service ${serviceName(service)} has no running container`);
      const result = await docker.exec(container, argv, { input: options.input, signal });
      if (result.failed) throw new Error(`ctx.exec in ${serviceName(service)} failed: ${describeFailure(result, 10)}`);
      return { stdout: result.stdout, stderr: result.stderr };
    },
    publishedPort: (service, targetPort) => docker.publishedPort(serviceName(service), targetPort),
    opState: Object.freeze({
      read: async () => opState.read(),
      write: (key: string, value: unknown) => opState.record('hooks', { [key]: value }),
    }),
  };
  return Object.freeze(ctx);
}

/** A hook failed: its message is what the tier (or install) reports. */
export class HookError extends Error {
  constructor(
    readonly hookName: string,
    cause: unknown,
  ) {
    super(`${hookName} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'HookError';
  }
}

/** Calls a recipe hook; rejects as soon as `signal` aborts even if the hook ignores it. */
export async function callHook<T>(hookName: string, call: () => T | Promise<T>, signal: AbortSignal): Promise<T> {
  signal.throwIfAborted();
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([
      Promise.resolve()
        .then(call)
        .catch((error: unknown) => {
          if (signal.aborted) throw signal.reason;
          throw new HookError(hookName, error);
        }),
      aborted,
    ]);
  } finally {
    signal.removeEventListener('abort', onAbort!);
  }
}

/** callHook with a time limit of its own: for hooks called outside a tier's budget (EXTRA_ENV at install, READY_PROBE). */
export async function callHookWithin<T>(
  hookName: string,
  call: () => T | Promise<T>,
  signal: AbortSignal,
  seconds: number,
  limitName: string,
): Promise<T> {
  const limit = deadline(signal, seconds * 1_000);
  try {
    return await callHook(hookName, call, limit.signal);
  } catch (error) {
    if (limit.expired() && !signal.aborted) throw new HookError(hookName, new Error(`did not answer within ${limitName} ${seconds}s`));
    throw error;
  } finally {
    limit.dispose();
  }
}
