// Waiting, measured: the benchmark reports how much of a run was spent waiting on the outside world.
import { setTimeout as sleepFor } from 'node:timers/promises';

let waitedMs = 0;

/** Sleeps (abortably) and books the time as waiting. */
export async function wait(ms: number, signal?: AbortSignal): Promise<void> {
  const started = performance.now();
  try {
    await sleepFor(ms, undefined, signal === undefined ? undefined : { signal });
  } finally {
    waitedMs += performance.now() - started;
  }
}

export function totalWaitedMs(): number {
  return Math.round(waitedMs);
}
