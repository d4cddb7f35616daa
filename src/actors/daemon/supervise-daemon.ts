// The daemon's supervisor: SIGTERM, SIGINT and SIGHUP become ONE event, daemon.stop with a reason (the
// machine ignores repeats while it drains). An error nothing caught stops the daemon the same way:
// its state is in the database, so a clean stop and a restart lose nothing. The worker uses the same.
import { fromCallback } from 'xstate';
import type { Logger } from '../../io/log.js';
import type { DaemonEvent, DaemonStopReason } from '../../machines/daemon.machine.js';
import type { DaemonWorld } from './daemon-world.js';

const SIGNALS: ReadonlyArray<[NodeJS.Signals, DaemonStopReason]> = [
  ['SIGTERM', 'sigterm'],
  ['SIGINT', 'sigint'],
  ['SIGHUP', 'sighup'],
];

/** Turns the stop signals and uncaught errors into `stop(reason)` calls; returns the function that stops listening. */
export function superviseSignals(log: Logger, what: string, stop: (reason: DaemonStopReason) => void): () => void {
  const handlers = SIGNALS.map(([signal, reason]) => {
    const handler = () => {
      log.info({ signal }, 'stop requested');
      stop(reason);
    };
    process.on(signal, handler);
    return [signal, handler] as const;
  });
  const onCrash = (error: unknown) => {
    log.error({ err: error }, `uncaught error inside the ${what}: stopping`);
    stop('crash');
  };
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);
  return () => {
    for (const [signal, handler] of handlers) process.off(signal, handler);
    process.off('uncaughtException', onCrash);
    process.off('unhandledRejection', onCrash);
  };
}

export function makeSuperviseDaemon(world: Pick<DaemonWorld, 'log'>) {
  return fromCallback<DaemonEvent, undefined>(({ sendBack }) =>
    superviseSignals(world.log.child({ component: 'daemon' }), 'daemon', (reason) => sendBack({ type: 'daemon.stop', reason })),
  );
}
