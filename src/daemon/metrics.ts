// The daemon's /metrics (Prometheus text format, prom-client): runs by verdict and level, run and
// stage durations, the queue, janitor decisions by table row, forge calls by endpoint, and the
// process's own metrics. One registry per daemon, never the global one.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { JanitorDecision } from '../domain/describe-janitor-decision.js';
import type { RequestOutcome } from './request.js';

/** Run durations: a green run of a simple recipe takes about a minute, the hard deadline is an hour. */
const RUN_BUCKETS_S = [30, 60, 120, 300, 600, 900, 1800, 2700, 3600];
const STAGE_BUCKETS_S = [0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600];

export interface DaemonMetrics {
  runFinished(outcome: RequestOutcome): void;
  stageFinished(stage: string, ms: number): void;
  janitorDecided(decisions: readonly JanitorDecision[]): void;
  forgeCalled(call: { readonly endpoint: string; readonly outcome: 'ok' | 'error' }): void;
  /** The exposition text. */
  render(): Promise<string>;
  readonly contentType: string;
}

export function createDaemonMetrics(live: { readonly waiting: () => number; readonly running: () => number }): DaemonMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'ccci_daemon_' });
  const runs = new Counter({
    name: 'ccci_runs_total',
    help: 'Finished runs by verdict and level (outcome "no-results" or "interrupted" when a run left no results.json)',
    labelNames: ['verdict', 'level'],
    registers: [registry],
  });
  const runDuration = new Histogram({
    name: 'ccci_run_duration_seconds',
    help: 'Wall time of runs that wrote results.json',
    buckets: RUN_BUCKETS_S,
    registers: [registry],
  });
  const stageDuration = new Histogram({
    name: 'ccci_stage_duration_seconds',
    help: 'Wall time of each stage of a run, as its event stream reports it',
    labelNames: ['stage'],
    buckets: STAGE_BUCKETS_S,
    registers: [registry],
  });
  new Gauge({
    name: 'ccci_queue_depth',
    help: 'Requests waiting for a free slot',
    registers: [registry],
    collect() {
      this.set(live.waiting());
    },
  });
  new Gauge({
    name: 'ccci_runs_in_progress',
    help: 'Runs going now',
    registers: [registry],
    collect() {
      this.set(live.running());
    },
  });
  const janitor = new Counter({
    name: 'ccci_janitor_decisions_total',
    help: 'Janitor decisions by row of the decision table (docs/concurrency.md) and action (reaped, left, skipped, failed, removed-record)',
    labelNames: ['row', 'action'],
    registers: [registry],
  });
  const forge = new Counter({
    name: 'ccci_forge_requests_total',
    help: 'Forge API requests by endpoint and outcome (error: no answer, 429 or 5xx)',
    labelNames: ['endpoint', 'outcome'],
    registers: [registry],
  });
  return {
    runFinished(outcome) {
      if (outcome.kind === 'results') {
        runs.inc({ verdict: outcome.verdict, level: String(outcome.level) });
        runDuration.observe(outcome.durationMs / 1000);
      } else runs.inc({ verdict: outcome.kind, level: 'none' });
    },
    stageFinished(stage, ms) {
      stageDuration.observe({ stage }, ms / 1000);
    },
    janitorDecided(decisions) {
      for (const decision of decisions) janitor.inc({ row: decision.row, action: decision.action });
    },
    forgeCalled({ endpoint, outcome }) {
      forge.inc({ endpoint, outcome });
    },
    render: () => registry.metrics(),
    contentType: registry.contentType,
  };
}
