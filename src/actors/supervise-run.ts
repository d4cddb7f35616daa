// The supervisor's eyes (src/machines/supervisor.machine.ts): process signals, re-parenting, the cancel
// file, the hard deadline and crashes inside the process, each sent as an event; the machine decides.
import { existsSync } from 'node:fs';
import { fromCallback } from 'xstate';
import { supervisorMachine, WATCHED_SIGNALS, type SupervisorEvent } from '../machines/supervisor.machine.js';
import type { AbortReason } from '../domain/verdict.js';
import type { Logger } from '../io/log.js';

/** Node has no PDEATHSIG: notice re-parenting by polling the parent pid (and the cancel file). */
const POLL_MS = 1_000;

export interface WatchedProcess {
  readonly cancelFile: string;
  readonly deadlineAt: number;
  readonly log: Logger;
  /** Set to the first reason as it is decided, before the run machine stops the running stage. */
  readonly stopping: { reason: AbortReason | null };
}

export function makeWatchProcess({ cancelFile, deadlineAt, log }: WatchedProcess) {
  return fromCallback<SupervisorEvent, undefined>(({ sendBack }) => {
    const handlers = WATCHED_SIGNALS.map((signal) => {
      const handler = () => sendBack({ type: 'signal.received', signal });
      process.on(signal, handler);
      return [signal, handler] as const;
    });
    // recipe hooks run in this process: a stray promise or a throw in a callback must end the run
    // through teardown, not kill the process with the app still deployed
    const onCrash = (error: unknown) => {
      log.error({ err: error }, 'uncaught error inside the cc-ci process');
      sendBack({ type: 'crashed', message: error instanceof Error ? error.message : String(error) });
    };
    process.on('unhandledRejection', onCrash);
    process.on('uncaughtException', onCrash);
    const parentPid = process.ppid;
    let cancelSeen = false;
    let parentGone = false;
    // each polled cause is raised once: the machine keeps the first reason anyway, and the log says it once
    const watch = setInterval(() => {
      if (!parentGone && process.ppid !== parentPid) {
        parentGone = true;
        sendBack({ type: 'parent.gone' });
      }
      if (!cancelSeen && existsSync(cancelFile)) {
        cancelSeen = true;
        sendBack({ type: 'cancel.requested' });
      }
    }, POLL_MS);
    const deadline = setTimeout(() => sendBack({ type: 'deadline.passed' }), Math.max(0, deadlineAt - Date.now()));
    return () => {
      for (const [signal, handler] of handlers) process.off(signal, handler);
      process.off('unhandledRejection', onCrash);
      process.off('uncaughtException', onCrash);
      clearInterval(watch);
      clearTimeout(deadline);
    };
  });
}

/** The supervisor the run machine invokes: the pure machine, watching this process, logging what it decides. */
export function makeSuperviseRun(watched: WatchedProcess) {
  return supervisorMachine.provide({
    actors: { watchProcess: makeWatchProcess(watched) },
    actions: {
      reportAbort: (_, { reason }) => {
        watched.stopping.reason ??= reason;
        watched.log.warn({ reason }, 'run abort requested');
      },
      reportIgnored: (_, { reason, first }) => watched.log.warn({ reason, first }, 'abort request ignored: the run is already stopping'),
    },
  });
}
