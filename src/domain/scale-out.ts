// The scale-out wire format (docs/scale-out.md): what the daemon puts on the JetStream work queue and
// what a worker sends back about the run it took. Subjects carry the dispatch id (the run id the
// daemon chose); every report names the run id of the attempt it belongs to, because a request a
// dead worker held is run again under a new run id.
import * as z from 'zod';
import { RUN_ID_PATTERN } from './identity.js';

/** The work-queue stream: each run request is taken by exactly one worker at a time. */
export const RUNS_STREAM = 'CCCI_RUNS';
export const RUNS_SUBJECT = 'ccci.runs';
/** The one durable pull consumer every worker pulls from. */
export const WORKERS_CONSUMER = 'ccci-workers';
/** What workers report about runs: kept for a week, read by the daemon through its own durable consumer. */
export const REPORTS_STREAM = 'CCCI_REPORTS';
export const REPORTS_SUBJECTS = 'ccci.report.>';
export const REPORTS_MAX_AGE_DAYS = 7;
/** The daemon's durable consumer of the reports: replicated like the stream, so it outlives a NATS node. */
export const DAEMON_CONSUMER = 'ccci-daemon';

/** Header naming the attempt's run id on every report. */
export const RUN_ID_HEADER = 'Ccci-Run-Id';
/** Header naming the file a `file` report carries. */
export const FILE_HEADER = 'Ccci-File';

export const ReportKind = z.enum(['started', 'event', 'log', 'file', 'ended']);
export type ReportKind = z.infer<typeof ReportKind>;

const RunId = z.string().regex(RUN_ID_PATTERN, 'a run id such as 20261204T050000Z-1a2b3c');

export const RunRequestMessage = z.strictObject({
  dispatchId: RunId.describe('The run id the daemon chose; the subject of every report about this request'),
  requestId: z.string().min(1),
  source: z.string().min(1).describe('Clone URL of the recipe repository'),
  ref: z.string().min(1).describe('The pinned head commit'),
  pull: z.number().int().positive(),
  recipe: z.string().min(1),
});
export type RunRequestMessage = z.infer<typeof RunRequestMessage>;

export const StartedReport = z.strictObject({
  runId: RunId,
  worker: z.string().min(1),
  delivery: z.number().int().positive().describe('1 for the first worker to take the request, 2 after one died holding it, …'),
});
export type StartedReport = z.infer<typeof StartedReport>;

export const EndedReport = z.strictObject({
  runId: RunId,
  worker: z.string().min(1),
  exitCode: z.number().int().nullable(),
  signal: z.string().nullable(),
  spawnError: z.string().nullable(),
  /** Files of the run directory the worker could not send (too large for one message). */
  unsent: z.array(z.string()).default([]),
});
export type EndedReport = z.infer<typeof EndedReport>;

/** The files of a run directory a worker sends back after the run (run.log and the events travel live). */
export const RETURNED_FILES = ['results.json', 'card.png', 'screenshot.png'] as const;

export function reportSubject(dispatchId: string, kind: ReportKind): string {
  return `ccci.report.${dispatchId}.${kind}`;
}

/** The dispatch a report subject belongs to. */
export function dispatchOf(subject: string): string | undefined {
  return subject.split('.')[2];
}

/** The kind of a report from its subject, or undefined for a subject that is not one. */
export function reportKindOf(subject: string): ReportKind | undefined {
  const parsed = ReportKind.safeParse(subject.split('.').at(-1));
  return parsed.success ? parsed.data : undefined;
}

/** Core NATS: asks whichever worker runs the dispatch to stop it (SIGTERM: it tears down). */
export function cancelSubject(dispatchId: string): string {
  return `ccci.cancel.${dispatchId}`;
}
export const CANCEL_SUBJECTS = 'ccci.cancel.*';

/** A worker renews its hold on a request this often: a third of the ack wait, so two renewals may be lost. */
export function keepAliveMs(ackWaitSeconds: number): number {
  return Math.floor((ackWaitSeconds * 1000) / 3);
}
