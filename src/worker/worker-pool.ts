// A worker's runs (docs/scale-out.md): pulls one request at a time from the shared JetStream consumer,
// and only while fewer than maxTests of its own runs live — so a worker never holds more requests
// than it has capacity for, and the rest stay in the queue for other workers. A stop from the daemon
// (core NATS, per dispatch) reaches the run that holds it.
import { RUNS_STREAM, WORKERS_CONSUMER, CANCEL_SUBJECTS } from '../domain/scale-out.js';
import type { Logger } from '../io/log.js';
import { takeRun, type TakenRun, type TakeRunWorld } from './take-run.js';

export interface WorkerPool {
  /** Pulls and runs until `drain`; resolves when pulling has stopped. */
  serve(): Promise<void>;
  /** Stops pulling, stops every run (each tears down and reports), resolves when all are acknowledged. */
  drain(): Promise<void>;
  running(): readonly { readonly dispatchId: string; readonly runId: string }[];
}

/** How long one pull waits for a request before asking again (bounds how late a stop is noticed). */
const PULL_EXPIRES_MS = 5_000;
const RETRY_MS = 1_000;

export function createWorkerPool(world: TakeRunWorld & { readonly maxTests: number; readonly log: Logger }): WorkerPool {
  const log = world.log;
  const running = new Map<string, TakenRun>();
  const stopping = new AbortController();
  let freed: (() => void) | undefined;
  const slotFreed = () =>
    new Promise<void>((resolve) => {
      freed = resolve;
    });
  const wake = () => {
    const resolve = freed;
    freed = undefined;
    resolve?.();
  };
  stopping.signal.addEventListener('abort', wake);

  const cancels = world.link.connection.subscribe(CANCEL_SUBJECTS, {
    callback: (error, message) => {
      if (error !== null) return;
      const dispatchId = message.subject.split('.').at(-1)!;
      running.get(dispatchId)?.stop('the daemon stopped it');
    },
  });

  const take = (message: Parameters<typeof takeRun>[1]) => {
    const taken = takeRun(world, message);
    if (taken === undefined) return;
    running.set(taken.dispatchId, taken);
    log.info({ dispatchId: taken.dispatchId, runId: taken.runId, running: running.size, maxTests: world.maxTests }, 'runs on this worker');
    void taken.done
      .catch((error: unknown) => log.error({ err: error, runId: taken.runId }, 'reporting a run failed'))
      .finally(() => {
        running.delete(taken.dispatchId);
        log.info({ runId: taken.runId, running: running.size, maxTests: world.maxTests }, 'runs on this worker');
        wake();
      });
  };

  return {
    async serve() {
      let consumer;
      while (consumer === undefined && !stopping.signal.aborted) {
        try {
          consumer = await world.link.js.consumers.get(RUNS_STREAM, WORKERS_CONSUMER);
        } catch (error) {
          log.warn({ err: error }, 'the run queue is out of reach: trying again');
          await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
        }
      }
      while (consumer !== undefined && !stopping.signal.aborted) {
        if (running.size >= world.maxTests) {
          await slotFreed();
          continue;
        }
        let message;
        try {
          message = await consumer.next({ expires: PULL_EXPIRES_MS });
        } catch (error) {
          log.warn({ err: error }, 'pulling a run request failed: trying again');
          await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
          continue;
        }
        if (message === null) continue;
        if (stopping.signal.aborted) {
          // arrived while this worker stops: straight back to the queue for another worker
          message.nak();
          break;
        }
        take(message);
      }
    },
    async drain() {
      stopping.abort();
      const runs = [...running.values()];
      for (const run of runs) run.stop('the worker stops');
      await Promise.allSettled(runs.map((run) => run.done));
      cancels.unsubscribe();
    },
    running() {
      return [...running.values()].map(({ dispatchId, runId }) => ({ dispatchId, runId }));
    },
  };
}
