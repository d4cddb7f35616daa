// Binds the pure queue machine to the world: what it accepts is stored, what it starts becomes a
// `ccci run` child, what ends is recorded and reported. The store is written before anything is
// reported, so a `kill -9` between two steps leaves a state the next start can pick up.
import { createActor, type Actor } from 'xstate';
import { makeRunId } from '../domain/identity.js';
import type { DaemonStore, NewRequest, StoredRequest } from '../io/daemon-store.js';
import type { Logger } from '../io/log.js';
import { parseRunEvent } from '../results/run-events.js';
import type { RunAttempt, RunChild, RunChildExit, RunChildSpec, RunHooks } from '../io/run-child.js';
import { queueMachine, type QueueEmitted } from '../machines/queue.machine.js';
import { readResults } from '../results/read-results.js';
import type { PullReports } from './pull-reports.js';
import { dispatchedStatus, finalStatus, noteFor, queuedStatus, runningStatus, workerLostStatus, type ReportLinks } from './report.js';
import type { DaemonMetrics } from './metrics.js';
import { outcomeFromResults, pullKey, type RequestOutcome, type StoppedBy } from './request.js';

export interface DispatcherOptions {
  readonly store: DaemonStore;
  readonly reports: PullReports;
  readonly links: ReportLinks;
  readonly maxTests: number;
  readonly limitMinutes: number;
  readonly runsDir: string;
  readonly configFile: string;
  readonly log: Logger;
  /** Scale-out: runs are requests to the workers (a run is running once a worker takes it). */
  readonly remote: boolean;
  /** Starts a run: a child of this process, or (scale-out) a request to the workers. */
  readonly startRun: (spec: RunChildSpec & { readonly requestId: string }, hooks: RunHooks) => RunChild;
  /** Called after the store owes the forge something new. */
  readonly changed: () => void;
  /** Told how each run and each of its stages ended (the daemon's /metrics). */
  readonly metrics: Pick<DaemonMetrics, 'runFinished' | 'stageFinished'>;
}

export type Admission = 'accepted' | 'duplicate' | 'refused';

export interface RunningView {
  readonly requestId: string;
  readonly runId: string;
  readonly pid: number | undefined;
}

export interface Dispatcher {
  /** Hands a judged trigger to the queue and stores what it decided. */
  request(request: NewRequest): Admission;
  /** Puts stored waiting requests back into the queue, oldest first (after a restart). */
  restore(requests: readonly StoredRequest[]): void;
  /** Stops accepting, SIGTERMs every run, resolves when every run has ended and is recorded. */
  drain(): Promise<void>;
  readonly accepting: boolean;
  counts(): { readonly waiting: number; readonly running: number };
  running(): RunningView[];
}

interface Running {
  readonly child: RunChild;
  /** The current attempt's run id (scale-out: a new one when another worker takes the request again). */
  runId: string;
  stoppedBy: StoppedBy | null;
  outcome?: RequestOutcome;
  readonly limit: NodeJS.Timeout;
}

function describeExit(exit: RunChildExit): string {
  if (exit.lost !== undefined) return exit.lost;
  if (exit.spawnError !== null) return `the run process did not start: ${exit.spawnError}`;
  return exit.signal !== null ? `the run process was killed by ${exit.signal}` : `the run process exited with code ${exit.exitCode}`;
}

export function createDispatcher(options: DispatcherOptions): Dispatcher {
  const { store, reports, log } = options;
  const queue: Actor<typeof queueMachine> = createActor(queueMachine, { input: { maxTests: options.maxTests } });
  const running = new Map<string, Running>();
  let lastAdmission: Admission = 'refused';
  let incoming: NewRequest | undefined;

  const refresh = (request: StoredRequest) => reports.refresh(request.repo, request.pull, request.recipe);

  const onEmitted = (event: QueueEmitted) => {
    switch (event.type) {
      case 'accepted': {
        lastAdmission = 'accepted';
        if (incoming === undefined) return; // a restored request: stored already
        const request = store.acceptRequest(incoming, queuedStatus(options.links, event.position));
        log.info(
          { request: request.id, repo: request.repo, pull: request.pull, sha: request.sha, position: event.position },
          'request queued',
        );
        reports.notePosition(request.id, event.position);
        refresh(request);
        options.changed();
        return;
      }
      case 'duplicate': {
        lastAdmission = 'duplicate';
        if (incoming === undefined) return;
        if (incoming.commentId !== null) store.settleComment(incoming.commentId, 'duplicate', noteFor('duplicate', event.ofState));
        log.info({ repo: incoming.repo, pull: incoming.pull, of: event.of.id, ofState: event.ofState }, 'duplicate request: not queued');
        reports.refresh(incoming.repo, incoming.pull, incoming.recipe);
        return;
      }
      case 'refused':
        lastAdmission = 'refused';
        log.info(
          { request: event.item.id },
          'request refused: the daemon is shutting down (its comment is judged again at the next start)',
        );
        return;
      case 'positions':
        reports.setPositions(new Map(event.waiting.map(({ id, position }) => [id, position])));
        return;
      case 'start':
        start(event.item.id);
        return;
      case 'stop': {
        const run = running.get(event.item.id);
        if (run === undefined) return;
        run.stoppedBy ??= 'daemon-stop';
        log.info({ request: event.item.id, runId: run.runId, stoppedBy: run.stoppedBy }, 'stopping run');
        run.child.terminate();
        return;
      }
      case 'finished': {
        const run = running.get(event.item.id);
        running.delete(event.item.id);
        if (run?.outcome === undefined)
          throw new Error(`queue finished request ${event.item.id} (${event.outcome}) that the dispatcher did not run`);
        const request = store.finishRequest(event.item.id, run.outcome, finalStatus(options.links, run.outcome, options.limitMinutes));
        options.metrics.runFinished(run.outcome);
        log.info(
          {
            request: request.id,
            runId: run.runId,
            outcome: run.outcome.kind,
            verdict: run.outcome.kind === 'results' ? run.outcome.verdict : null,
            stoppedBy: run.stoppedBy,
          },
          'request finished',
        );
        refresh(request);
        options.changed();
        return;
      }
      case 'held':
        log.info({ request: event.item.id }, 'request kept waiting for the next start');
        return;
    }
  };
  queue.on('*', onEmitted);

  function start(requestId: string): void {
    const runId = makeRunId(new Date());
    const before = store.request(requestId);
    if (before === undefined) throw new Error(`queue started request ${requestId}, which is not stored`);
    const request = store.startAttempt(
      requestId,
      runId,
      options.remote ? dispatchedStatus(options.links, runId) : runningStatus(options.links, runId, before.attempts + 1),
    );
    log.info({ request: requestId, runId, attempt: request.attempts }, 'run starting');
    refresh(request);
    options.changed();
    // set before any hook can fire: hooks run from later events of the child
    let entry!: Running;
    const child = options.startRun(
      {
        runId,
        source: request.cloneUrl,
        ref: request.sha,
        pull: request.pull,
        recipe: request.recipe,
        configFile: options.configFile,
        runsDir: options.runsDir,
        requestId,
      },
      {
        onLine: (line) => {
          const parsed = parseRunEvent(line);
          if (!('event' in parsed))
            log.warn({ runId: entry.runId, line, problem: parsed.problem }, "a line of the run's event stream is not a run event");
          else if (parsed.event.event === 'stage.started') store.setStage(requestId, parsed.event.stage);
          else if (parsed.event.event === 'stage.finished') options.metrics.stageFinished(parsed.event.stage, parsed.event.ms);
        },
        onAttempt: (attempt) => attempted(requestId, attempt),
      },
    );
    const limit = setTimeout(() => {
      const run = running.get(requestId);
      if (run === undefined) return;
      run.stoppedBy ??= 'run-limit';
      log.warn({ request: requestId, runId, limitMinutes: options.limitMinutes }, 'run exceeded the per-run limit: stopping it');
      child.terminate();
    }, options.limitMinutes * 60_000);
    entry = { child, runId, stoppedBy: null, limit };
    running.set(requestId, entry);
    void child.exited
      .then(async (exit) => {
        clearTimeout(limit);
        const read = await readResults(child.runDir);
        entry.outcome =
          'problem' in read
            ? {
                kind: 'no-results',
                exitCode: exit.exitCode,
                signal: exit.signal,
                stoppedBy: entry.stoppedBy,
                runId: entry.runId,
                detail: `${describeExit(exit)}; ${read.problem}`,
              }
            : outcomeFromResults(read.results, entry.stoppedBy);
        queue.send({ type: 'run.ended', id: requestId });
      })
      .catch((error: unknown) => log.error({ err: error, request: requestId, runId }, 'recording the end of a run failed'));
  }

  /** Scale-out: a worker took the request; when it is another attempt, the one before is recorded as cut off. */
  function attempted(requestId: string, attempt: RunAttempt): void {
    const run = running.get(requestId);
    if (run === undefined) return;
    if (attempt.runId === run.runId) {
      log.info({ request: requestId, runId: attempt.runId, worker: attempt.worker }, 'a worker took the run');
      store.oweRequestStatus(
        requestId,
        runningStatus(options.links, attempt.runId, store.request(requestId)?.attempts ?? 1, attempt.worker),
      );
      options.changed();
      return;
    }
    const cutOff = attempt.previous;
    const detail =
      cutOff === null
        ? `JetStream gave the request to ${attempt.worker} (delivery ${attempt.delivery})`
        : `its worker ${cutOff.worker} stopped answering; JetStream gave the request to ${attempt.worker} (delivery ${attempt.delivery})`;
    const before = store.interruptAttempt(
      requestId,
      { kind: 'interrupted', runId: run.runId, detail, by: 'worker-lost' },
      workerLostStatus(options.links, run.runId, cutOff?.worker ?? 'its worker'),
      true,
    );
    const request = store.startAttempt(
      requestId,
      attempt.runId,
      runningStatus(options.links, attempt.runId, before.attempts + 1, attempt.worker),
    );
    log.warn(
      { request: requestId, cutOff: run.runId, runId: attempt.runId, worker: attempt.worker, attempt: request.attempts },
      'run redelivered',
    );
    run.runId = attempt.runId;
    refresh(request);
    options.changed();
  }

  queue.start();

  return {
    request(request) {
      incoming = request;
      lastAdmission = 'refused';
      try {
        queue.send({ type: 'enqueue', item: { id: request.id, key: pullKey(request.repo, request.pull) } });
      } finally {
        incoming = undefined;
      }
      return lastAdmission;
    },
    restore(requests) {
      for (const request of requests) {
        queue.send({ type: 'enqueue', item: { id: request.id, key: pullKey(request.repo, request.pull) } });
        log.info({ request: request.id, repo: request.repo, pull: request.pull }, 'request restored to the queue');
      }
    },
    drain() {
      queue.send({ type: 'shutdown' });
      return new Promise((resolve) => {
        const check = () => {
          if (queue.getSnapshot().status === 'done') {
            subscription.unsubscribe();
            resolve();
          }
        };
        const subscription = queue.subscribe(check);
        check();
      });
    },
    get accepting() {
      return queue.getSnapshot().status === 'active' && queue.getSnapshot().matches('open');
    },
    counts() {
      const { waiting, running: slots } = queue.getSnapshot().context;
      return { waiting: waiting.length, running: slots.length };
    },
    running() {
      return [...running].map(([requestId, run]) => ({ requestId, runId: run.runId, pid: run.child.pid }));
    },
  };
}
