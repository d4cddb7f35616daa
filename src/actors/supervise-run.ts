// The supervisor: signals, parent death, a cancel request, the hard deadline and a crash inside the
// process become ONE event, run.abort with a reason.
import { existsSync } from 'node:fs';
import { fromCallback } from 'xstate';
import type { RunEvent } from '../machines/run.machine.js';
import type { AbortReason } from '../domain/verdict.js';
import type { RunWorld } from './run-world.js';

const SIGNAL_REASONS: ReadonlyArray<[NodeJS.Signals, AbortReason]> = [
  ['SIGTERM', 'sigterm'],
  ['SIGINT', 'sigint'],
  ['SIGHUP', 'sighup'],
];
/** Node has no PDEATHSIG: notice re-parenting by polling the parent pid (and the cancel file). */
const POLL_MS = 1_000;

export function makeSuperviseRun(world: RunWorld) {
  return fromCallback<RunEvent, undefined>(({ sendBack }) => {
    const abort = (reason: AbortReason) => {
      world.log.warn({ reason }, 'run abort requested');
      sendBack({ type: 'run.abort', reason });
    };
    const handlers = SIGNAL_REASONS.map(([signal, reason]) => {
      const handler = () => abort(reason);
      process.on(signal, handler);
      return [signal, handler] as const;
    });
    // recipe hooks run in this process: a stray promise or a throw in a callback must end the run
    // through teardown, not kill the process with the app still deployed
    const onCrash = (error: unknown) => {
      world.log.error({ err: error }, 'uncaught error inside the cc-ci process');
      abort('harness-crash');
    };
    process.on('unhandledRejection', onCrash);
    process.on('uncaughtException', onCrash);
    const parentPid = process.ppid;
    let cancelSeen = false;
    let parentGone = false;
    // each cause is raised once: the machine keeps the first reason anyway, and the log says it once
    const watch = setInterval(() => {
      if (!parentGone && process.ppid !== parentPid) {
        parentGone = true;
        abort('parent-gone');
      }
      if (!cancelSeen && existsSync(world.paths.cancelFile)) {
        cancelSeen = true;
        abort('cancel');
      }
    }, POLL_MS);
    const deadline = setTimeout(() => abort('deadline'), Math.max(0, world.identity.deadlineAt - Date.now()));
    return () => {
      for (const [signal, handler] of handlers) process.off(signal, handler);
      process.off('unhandledRejection', onCrash);
      process.off('uncaughtException', onCrash);
      clearInterval(watch);
      clearTimeout(deadline);
    };
  });
}
