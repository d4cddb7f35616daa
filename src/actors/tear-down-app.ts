// Stage 10: the app first, then its dependencies in reverse order, each reaped and verified gone
// (src/run/reap-app.ts).
import { fromPromise } from 'xstate';
import type { TeardownError, TeardownReport } from '../domain/run-types.js';
import { deadline } from '../io/deadline.js';
import { envFileOf } from '../run/app-target.js';
import { reapApp } from '../run/reap-app.js';
import type { RunWorld } from '../run/run-world.js';

/** What this actor touches of the run's world. */
export type TeardownWorld = Pick<RunWorld, 'config' | 'identity' | 'abra' | 'docker' | 'log'>;

/** Each app's teardown gets its own budget: the run's abort must not cut it short, nor the app's its dependencies'. */
const TEARDOWN_TIMEOUT_MS = 10 * 60_000;

export interface TearDownInput {
  /** The run's dependencies in declaration order (torn down after the app, in reverse). */
  readonly dependencies: readonly { readonly domain: string; readonly stack: string }[];
}

/** The app first, then its dependencies in reverse order (docs/architecture.md, stage teardown). */
export async function tearDownRun(world: TeardownWorld, input: TearDownInput, budgetMs = TEARDOWN_TIMEOUT_MS): Promise<TeardownReport> {
  const targets = [{ domain: world.identity.domain, stack: world.identity.stack }, ...[...input.dependencies].reverse()];
  const leftovers: string[] = [];
  const errors: TeardownError[] = [];
  let complete = true;
  for (const { domain, stack } of targets) {
    const prefix = domain === world.identity.domain ? '' : `${domain}: `;
    const budget = deadline(new AbortController().signal, budgetMs);
    try {
      const report = await reapApp(world, { domain, stack, envFile: envFileOf(world, domain) }, budget.signal);
      leftovers.push(...report.leftovers.map((leftover) => `${prefix}${leftover}`));
      errors.push(...report.errors);
    } catch (error) {
      // one app's failed teardown must not leave the others standing, nor pass for a clean one
      complete = false;
      errors.push({ domain, step: 'crash', message: (error as Error).message });
    } finally {
      budget.dispose();
    }
  }
  return { ran: true, complete, leftovers, errors };
}

export function makeTearDownApp(world: TeardownWorld) {
  return fromPromise<TeardownReport, TearDownInput>(({ input }) => tearDownRun(world, input));
}
