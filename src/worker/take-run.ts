// One run request a worker took from the JetStream work queue (docs/scale-out.md): run `ccci run`
// exactly as the daemon does on its own host, keep the request held while the run lives, send back
// the attempt, the event stream, run.log and the run directory's files, then acknowledge — after
// teardown and results, so a worker that dies mid-run leaves the request to be delivered again.
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { JsMsg } from '@nats-io/jetstream';
import { makeRunId } from '../domain/identity.js';
import {
  EndedReport,
  FILE_HEADER,
  keepAliveMs,
  reportSubject,
  RETURNED_FILES,
  RUN_ID_HEADER,
  RunRequestMessage,
  type ReportKind,
} from '../domain/scale-out.js';
import { followLines } from '../io/follow-file.js';
import { createPublisher, type JetStreamLink } from '../io/jetstream.js';
import type { Logger } from '../io/log.js';
import type { RunChild, RunChildSpec } from '../io/run-child.js';

export interface TakeRunWorld {
  readonly link: JetStreamLink;
  readonly worker: string;
  readonly configFile: string;
  readonly runsDir: string;
  readonly ackWaitSeconds: number;
  readonly log: Logger;
  readonly startRun: (spec: RunChildSpec, onLine: (line: string) => void) => RunChild;
}

export interface TakenRun {
  readonly dispatchId: string;
  readonly runId: string;
  /** SIGTERM to the run (the daemon asked, or this worker stops): it tears down, reports and is acknowledged. */
  stop(reason: string): void;
  /** Resolves once the run ended, everything is reported and the request acknowledged. */
  readonly done: Promise<void>;
}

/** run.log travels in chunks: at most this much text, at most this long after its first line. */
const LOG_CHUNK_BYTES = 128 * 1024;
const LOG_FLUSH_MS = 200;
/** What a message may carry beside its headers (NATS's default max_payload is 1 MiB). */
const FILE_LIMIT_BYTES = 900 * 1024;

export function takeRun(world: TakeRunWorld, message: JsMsg): TakenRun | undefined {
  let request: RunRequestMessage;
  try {
    request = RunRequestMessage.parse(JSON.parse(message.string()));
  } catch (error) {
    world.log.error({ seq: message.seq, err: error }, 'a message on the run queue is not a run request: dropped');
    message.term('not a run request');
    return undefined;
  }
  const delivery = message.info.deliveryCount;
  // a request delivered again was held by a worker that went silent: this attempt gets its own run (and run dir)
  const runId = delivery === 1 ? request.dispatchId : makeRunId(new Date());
  const log = world.log.child({ dispatchId: request.dispatchId, runId, delivery });
  const stopSending = new AbortController();
  const publisher = createPublisher(world.link, { log, signal: stopSending.signal });
  let sequence = 0;
  const send = (kind: ReportKind, data: Uint8Array | string, extra: Record<string, string> = {}) =>
    publisher.publish({
      subject: reportSubject(request.dispatchId, kind),
      data,
      headers: { [RUN_ID_HEADER]: runId, ...extra },
      msgId: `${runId}.${sequence++}`,
    });

  send('started', JSON.stringify({ runId, worker: world.worker, delivery }));
  const keepAlive = setInterval(() => message.working(), keepAliveMs(world.ackWaitSeconds));
  const child = world.startRun(
    {
      runId,
      source: request.source,
      ref: request.ref,
      pull: request.pull,
      recipe: request.recipe,
      configFile: world.configFile,
      runsDir: world.runsDir,
    },
    (line) => send('event', line),
  );
  log.info({ pid: child.pid, recipe: request.recipe, pull: request.pull }, 'run taken');

  let chunk: string[] = [];
  let chunkBytes = 0;
  let flushTimer: NodeJS.Timeout | undefined;
  const flushLog = () => {
    clearTimeout(flushTimer);
    flushTimer = undefined;
    if (chunk.length === 0) return;
    send('log', `${chunk.join('\n')}\n`);
    chunk = [];
    chunkBytes = 0;
  };
  let ended = false;
  const following = new AbortController();
  const followed = followLines(
    join(child.runDir, 'run.log'),
    (line) => {
      chunk.push(line);
      chunkBytes += Buffer.byteLength(line) + 1;
      if (chunkBytes >= LOG_CHUNK_BYTES) flushLog();
      else flushTimer ??= setTimeout(flushLog, LOG_FLUSH_MS);
    },
    { signal: following.signal, until: () => ended },
  );

  const done = (async () => {
    const exit = await child.exited;
    ended = true;
    await followed;
    following.abort();
    flushLog();
    const unsent: string[] = [];
    for (const name of RETURNED_FILES) {
      const file = join(child.runDir, name);
      const size = await stat(file).then(
        (info) => info.size,
        () => undefined,
      );
      if (size === undefined) continue;
      if (size > FILE_LIMIT_BYTES) {
        unsent.push(name);
        log.warn({ file: name, size }, 'a file of the run is too large for one message: not sent');
        continue;
      }
      send('file', await readFile(file), { [FILE_HEADER]: name });
    }
    const ending: EndedReport = {
      runId,
      worker: world.worker,
      exitCode: exit.exitCode,
      signal: exit.signal,
      spawnError: exit.spawnError,
      unsent,
    };
    send('ended', JSON.stringify(EndedReport.parse(ending)));
    await publisher.flushed();
    clearInterval(keepAlive);
    // acknowledged only now: every report is stored, the app is torn down
    const acknowledged = await message.ackAck().catch(() => false);
    if (acknowledged) log.info({ exitCode: exit.exitCode, signal: exit.signal }, 'run finished and acknowledged');
    else
      log.warn(
        { exitCode: exit.exitCode },
        'run finished; JetStream did not confirm the acknowledgement (the request may be delivered again)',
      );
  })().finally(() => {
    clearInterval(keepAlive);
    stopSending.abort();
  });

  return {
    dispatchId: request.dispatchId,
    runId,
    stop(reason) {
      log.info({ reason }, 'stopping the run');
      child.terminate();
    },
    done,
  };
}
