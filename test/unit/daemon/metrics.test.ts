// createDaemonMetrics: what each observation adds to the exposition, the live gauges read at scrape
// time, and the process metrics under the daemon's prefix.
import test from 'ava';
import { createDaemonMetrics } from '../../../src/daemon/metrics.js';
import type { RequestOutcome } from '../../../src/daemon/request.js';

const PASS = { status: 'pass', reason: 'ok' } as const;
const RESULTS: RequestOutcome = {
  kind: 'results',
  runId: 'r1',
  verdict: 'success',
  level: 5,
  exitCode: 0,
  abortReason: null,
  rungs: { install: PASS, upgrade: PASS, backup_restore: PASS, functional: PASS, lint: PASS },
  deploys: { expected: 1, actual: 1 },
  headVersion: null,
  baseVersion: null,
  durationMs: 75_000,
  stoppedBy: null,
};

test('runs, stages, janitor decisions and forge calls are counted; gauges are read when scraped', async (t) => {
  let waiting = 3;
  const metrics = createDaemonMetrics({ waiting: () => waiting, running: () => 1 });
  metrics.runFinished(RESULTS);
  metrics.runFinished({ kind: 'interrupted', runId: 'r2', detail: 'daemon restart' });
  metrics.stageFinished('install', 400);
  metrics.stageFinished('install', 600);
  metrics.janitorDecided([
    { domain: 'a', row: 'owner-gone', action: 'reaped', detail: '' },
    { domain: 'b', row: 'live', action: 'left', detail: '' },
    { domain: 'c', row: 'owner-gone', action: 'reaped', detail: '' },
  ]);
  metrics.forgeCalled({ endpoint: 'GET /user', outcome: 'ok' });
  metrics.forgeCalled({ endpoint: 'GET /user', outcome: 'error' });
  waiting = 2;
  const text = await metrics.render();
  t.true(text.includes('ccci_runs_total{verdict="success",level="5"} 1'));
  t.true(text.includes('ccci_runs_total{verdict="interrupted",level="none"} 1'));
  t.true(text.includes('ccci_run_duration_seconds_sum 75'));
  t.true(text.includes('ccci_run_duration_seconds_bucket{le="120"} 1'));
  t.true(text.includes('ccci_stage_duration_seconds_count{stage="install"} 2'));
  t.true(text.includes('ccci_stage_duration_seconds_sum{stage="install"} 1'));
  t.true(text.includes('ccci_janitor_decisions_total{row="owner-gone",action="reaped"} 2'));
  t.true(text.includes('ccci_janitor_decisions_total{row="live",action="left"} 1'));
  t.true(text.includes('ccci_forge_requests_total{endpoint="GET /user",outcome="ok"} 1'));
  t.true(text.includes('ccci_forge_requests_total{endpoint="GET /user",outcome="error"} 1'));
  t.true(text.includes('ccci_queue_depth 2'), 'the gauge is read at scrape time');
  t.true(text.includes('ccci_runs_in_progress 1'));
  t.regex(text, /^ccci_daemon_process_resident_memory_bytes \d+/m);
  t.regex(metrics.contentType, /^text\/plain; version=0\.0\.4/);
});

test('two daemons in one process keep their own counts', async (t) => {
  const first = createDaemonMetrics({ waiting: () => 0, running: () => 0 });
  const second = createDaemonMetrics({ waiting: () => 0, running: () => 0 });
  first.runFinished(RESULTS);
  t.true((await first.render()).includes('ccci_runs_total{verdict="success",level="5"} 1'));
  t.false((await second.render()).includes('ccci_runs_total{verdict="success"'));
});
