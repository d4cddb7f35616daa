// Waiting, measured: the benchmark reports how much of a run was spent in the outside world
// (child processes and waits) and how much in cc-ci itself.
import { setTimeout as sleepFor } from 'node:timers/promises';

const intervals: [number, number][] = [];
let waitedMs = 0;

/** Books a span of wall time spent outside cc-ci (a child process or a wait). */
export function bookOutsideTime(startedAt: number, endedAt: number): void {
  intervals.push([startedAt, endedAt]);
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
    const ended = performance.now();
    waitedMs += ended - started;
    bookOutsideTime(started, ended);
  }
}

export function totalWaitedMs(): number {
  return Math.round(waitedMs);
}
