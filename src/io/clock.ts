// Waiting, measured: the benchmark reports how much of a run was spent in the outside world
// (child processes and waits) and how much in cc-ci itself.
import { setTimeout as sleepFor } from 'node:timers/promises';

// one ledger per process: a process runs one run (the daemon runs each in its own child)
const intervals: [number, number][] = [];
const bookedMs = { command: 0, wait: 0 };

/** Books a span of wall time spent outside cc-ci: a child process or a wait. */
export function bookOutsideTime(kind: keyof typeof bookedMs, startedAt: number, endedAt: number): void {
  intervals.push([startedAt, endedAt]);
  bookedMs[kind] += endedAt - startedAt;
}

/** Total wall time booked as `kind` (overlapping spans each count). */
export function bookedTimeMs(kind: keyof typeof bookedMs): number {
  return Math.round(bookedMs[kind]);
}

/** Wall time covered by at least one booked span: overlapping spans (lint beside the deploy) count once. */
export function outsideTimeMs(): number {
  const sorted = [...intervals].sort((left, right) => left[0] - right[0]);
  let total = 0;
  let current: [number, number] | undefined;
  for (const [start, end] of sorted) {
    if (current === undefined || start > current[1]) {
      if (current !== undefined) total += current[1] - current[0];
      current = [start, end];
    } else {
      current[1] = Math.max(current[1], end);
    }
  }
  if (current !== undefined) total += current[1] - current[0];
  return Math.round(total);
}

/** Sleeps (abortably) and books the time as waiting. */
export async function wait(ms: number, signal?: AbortSignal): Promise<void> {
  const started = performance.now();
  try {
    await sleepFor(ms, undefined, signal === undefined ? undefined : { signal });
  } finally {
    bookOutsideTime('wait', started, performance.now());
  }
}
