// A stage's children are stopped with the run's reason: a real child killed through the stage
// signal records `sigterm` (or `lock-lost`), not the bare AbortError xstate aborts with.
import test from 'ava';
import { stageSignal } from '../../../src/run/run-world.js';
import { runCommand } from '../../../src/io/exec.js';
import { silentLogger } from '../../../src/io/log.js';
import type { AbortReason } from '../../../src/domain/verdict.js';

test('a running child is stopped with the reason the run is stopping for', async (t) => {
  const stopping: { reason: AbortReason | null } = { reason: null };
  const actorSignal = new AbortController();
  const running = runCommand(['sleep', '30'], { log: silentLogger, signal: stageSignal({ stopping }, actorSignal.signal), graceMs: 1_000 });
  await new Promise((resolve) => setTimeout(resolve, 200));
  stopping.reason = 'sigterm';
  actorSignal.abort(); // as xstate stops an invoked promise actor: no reason
  const result = await running;
  t.is(result.stopReason, 'sigterm');
  t.is(result.signal, 'SIGTERM');
  t.true(result.failed);
});

test('a child started after the stage stopped is not started, and says why', async (t) => {
  const actorSignal = new AbortController();
  actorSignal.abort();
  const result = await runCommand(['sleep', '30'], {
    log: silentLogger,
    signal: stageSignal({ stopping: { reason: 'lock-lost' } }, actorSignal.signal),
  });
  t.is(result.stopReason, 'lock-lost');
  t.is(result.durationMs, 0);
});

test('a stage left without a run stop (its work was done) says so', (t) => {
  const actorSignal = new AbortController();
  const signal = stageSignal({ stopping: { reason: null } }, actorSignal.signal);
  actorSignal.abort();
  t.is(signal.reason, 'the stage was stopped');
});
