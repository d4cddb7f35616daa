// A run the daemon hands to the workers (docs/scale-out.md) instead of starting it: the request goes
// on the JetStream work queue, and what the worker reports — the attempt, the event stream, run.log,
// the files of the run directory, the end — is read back in order and copied into the daemon's own
// run directory, so the dispatcher, the run pages and the reports work as for a local run.
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  cancelSubject,
  DAEMON_CONSUMER,
  dispatchOf,
  EndedReport,
  FILE_HEADER,
  REPORTS_STREAM,
  reportKindOf,
  RETURNED_FILES,
  RUN_ID_HEADER,
  RUNS_STREAM,
  RUNS_SUBJECT,
  StartedReport,
  type RunRequestMessage,
} from '../domain/scale-out.js';
import type { JetStreamLink } from '../io/jetstream.js';
import type { Logger } from '../io/log.js';
import { EVENTS_FILE, type RunChild, type RunChildExit, type RunChildSpec, type RunHooks } from '../io/run-child.js';

export interface RemoteRunOptions {
  readonly link: JetStreamLink;
  readonly log: Logger;
  /** After a stop request, how long to wait for a worker to report the end before recording the run as lost. */
  readonly stopGraceMs: number;
}

/** How often a stop request is said again while no end is reported (core NATS: a worker reconnecting may miss one). */
const CANCEL_REPEAT_MS = 5_000;
const RUN_LOG = 'run.log';

export type RemoteRunStarter = (spec: RunChildSpec & { readonly requestId: string }, hooks: RunHooks) => RunChild;

type Route = (subject: string, data: Uint8Array, runId: string | undefined, file: string | undefined) => void;

/**
 * The daemon's one reader of the reports: its durable consumer (replicated like the stream, so a NATS
 * node going away moves it, and a daemon restart resumes it), each report routed to the run it is
 * about, in order, and acknowledged once handled.
 */
function readReports(link: JetStreamLink, routes: ReadonlyMap<string, Route>, log: Logger): void {
  void (async () => {
    for (;;) {
      try {
        const consumer = await link.js.consumers.get(REPORTS_STREAM, DAEMON_CONSUMER);
        const messages = await consumer.consume();
        for await (const message of messages) {
          const dispatchId = dispatchOf(message.subject);
          const route = dispatchId === undefined ? undefined : routes.get(dispatchId);
          if (route === undefined) log.debug({ subject: message.subject }, 'a report of a run this daemon does not follow: skipped');
          else {
            try {
              route(message.subject, message.data, message.headers?.get(RUN_ID_HEADER), message.headers?.get(FILE_HEADER));
            } catch (error) {
              log.error({ err: error, subject: message.subject }, 'a report could not be read: skipped');
            }
          }
          message.ack();
        }
        if (link.connection.isClosed()) return;
      } catch (error) {
        if (link.connection.isClosed()) return;
        log.warn({ err: error }, 'reading the run reports stopped: starting again');
      }
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  })();
}

export function createRemoteRuns(options: RemoteRunOptions): RemoteRunStarter {
  const { link } = options;
  const routes = new Map<string, Route>();
  readReports(link, routes, options.log);
  return (spec, hooks) => {
    const dispatchId = spec.runId;
    const log = options.log.child({ dispatchId });
    let current: { runId: string; worker: string } | null = null;
    let runDir = join(spec.runsDir, dispatchId);
    mkdirSync(runDir, { recursive: true });
    let requestSeq: number | undefined;
    let settle!: (exit: RunChildExit) => void;
    let settled = false;
    const exited = new Promise<RunChildExit>((resolve) => {
      settle = (exit) => {
        if (settled) return;
        settled = true;
        clearInterval(cancelRepeat);
        clearTimeout(grace);
        routes.delete(dispatchId);
        resolve(exit);
      };
    });
    let cancelRepeat: NodeJS.Timeout | undefined;
    let grace: NodeJS.Timeout | undefined;

    const request: RunRequestMessage = {
      dispatchId,
      requestId: spec.requestId,
      source: spec.source,
      ref: spec.ref,
      pull: spec.pull,
      recipe: spec.recipe,
    };
    const published = (async () => {
      for (let attempt = 1; !settled; attempt++) {
        try {
          const ack = await link.js.publish(RUNS_SUBJECT, JSON.stringify(request), { msgID: dispatchId, timeout: 5_000 });
          requestSeq = ack.seq;
          log.info({ seq: ack.seq, stream: ack.stream }, 'run request published to the workers');
          return;
        } catch (error) {
          if (attempt === 1) log.warn({ err: error }, 'JetStream did not take the run request yet: retrying');
          await new Promise((resolve) => setTimeout(resolve, Math.min(500 * attempt, 5_000)));
        }
      }
    })();

    const onReport: Route = (subject, data, runIdHeader, fileHeader) => {
      const kind = reportKindOf(subject);
      if (kind === 'started') {
        const started = StartedReport.parse(JSON.parse(new TextDecoder().decode(data)));
        if (current?.runId === started.runId) return;
        const previous = current;
        current = { runId: started.runId, worker: started.worker };
        runDir = join(spec.runsDir, started.runId);
        mkdirSync(runDir, { recursive: true });
        log.info({ runId: started.runId, worker: started.worker, delivery: started.delivery, previous }, 'a worker took the run');
        hooks.onAttempt?.({ ...started, previous });
        return;
      }
      // a report of an attempt that is no longer the current one (its worker was given up on)
      if (current === null || runIdHeader !== current.runId) {
        log.debug({ subject, runId: runIdHeader, current: current?.runId }, 'report of an earlier attempt: ignored');
        return;
      }
      switch (kind) {
        case 'event': {
          const line = new TextDecoder().decode(data);
          appendFileSync(join(runDir, EVENTS_FILE), `${line}\n`);
          hooks.onLine(line);
          return;
        }
        case 'log':
          appendFileSync(join(runDir, RUN_LOG), data);
          return;
        case 'file':
          if (fileHeader !== undefined && (RETURNED_FILES as readonly string[]).includes(fileHeader))
            writeFileSync(join(runDir, fileHeader), data);
          else log.warn({ file: fileHeader }, 'a worker sent a file that is not one of a run directory: ignored');
          return;
        case 'ended': {
          const ended = EndedReport.parse(JSON.parse(new TextDecoder().decode(data)));
          if (ended.unsent.length > 0) log.warn({ unsent: ended.unsent }, 'the worker could not send some files of the run');
          log.info(
            { runId: ended.runId, worker: ended.worker, exitCode: ended.exitCode, signal: ended.signal },
            'the worker reports the run ended',
          );
          settle({ exitCode: ended.exitCode, signal: ended.signal, spawnError: ended.spawnError });
          return;
        }
        default:
          log.warn({ subject }, 'a report of an unknown kind: ignored');
      }
    };

    routes.set(dispatchId, onReport);

    const withdraw = async (): Promise<boolean> => {
      await published;
      if (requestSeq === undefined) return true;
      try {
        return await link.jsm.streams.deleteMessage(RUNS_STREAM, requestSeq);
      } catch {
        return false; // taken and acknowledged already, or the stream is out of reach
      }
    };

    return {
      pid: undefined,
      get runDir() {
        return runDir;
      },
      terminate() {
        if (settled || cancelRepeat !== undefined) return;
        const say = () => link.connection.publish(cancelSubject(dispatchId));
        say();
        cancelRepeat = setInterval(say, CANCEL_REPEAT_MS);
        if (current === null) {
          // not taken yet: take it back from the queue (a worker taking it at this moment still gets the stop)
          void withdraw().then((withdrawn) => {
            if (withdrawn && current === null)
              settle({ exitCode: null, signal: null, spawnError: null, lost: 'stopped before any worker took it' });
          });
        }
        grace = setTimeout(() => {
          void withdraw();
          log.error(
            { runId: current?.runId, worker: current?.worker, graceMs: options.stopGraceMs },
            'no worker reported the end of the stopped run',
          );
          settle({
            exitCode: null,
            signal: null,
            spawnError: null,
            lost: `no worker reported the end of the run within ${Math.round(options.stopGraceMs / 60_000)} min of the stop request${current === null ? '' : ` (last held by ${current.worker})`}`,
          });
        }, options.stopGraceMs);
      },
      exited,
    };
  };
}
