// Loops of the daemon's long-lived actors: a pause that ends when the actor stops, and a round that
// runs at once and again a fixed pause after each one ends (so rounds never overlap).
import { fromCallback, type EventObject } from 'xstate';
import type { Logger } from '../../io/log.js';
import type { DaemonEvent } from '../../machines/daemon.machine.js';

export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** A callback actor repeating `round` until it is stopped; a round that throws is logged, never fatal. */
export function repeating<TEvent extends EventObject = DaemonEvent>(
  log: Logger,
  what: string,
  pauseMs: number,
  round: (signal: AbortSignal) => Promise<void>,
) {
  return fromCallback<TEvent, undefined>(() => {
    const stop = new AbortController();
    void (async () => {
      while (!stop.signal.aborted) {
        try {
          await round(stop.signal);
        } catch (error) {
          if (stop.signal.aborted) break;
          log.error({ err: error }, `${what} failed`);
        }
        await sleep(pauseMs, stop.signal);
      }
    })();
    return () => stop.abort();
  });
}
