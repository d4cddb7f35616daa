import test from 'ava';
import {
  cancelSubject,
  dispatchOf,
  EndedReport,
  keepAliveMs,
  reportKindOf,
  reportSubject,
  RunRequestMessage,
  StartedReport,
  ReportKind,
} from '../../../src/domain/scale-out.js';

const DISPATCH = '20261204T050000Z-1a2b3c';

test('every report subject names its dispatch and its kind, and both are read back', (t) => {
  for (const kind of ReportKind.options) {
    const subject = reportSubject(DISPATCH, kind);
    t.is(subject, `ccci.report.${DISPATCH}.${kind}`);
    t.is(reportKindOf(subject), kind);
    t.is(dispatchOf(subject), DISPATCH);
  }
  t.is(reportKindOf(`ccci.report.${DISPATCH}.gossip`), undefined);
  t.is(cancelSubject(DISPATCH), `ccci.cancel.${DISPATCH}`);
});

test('the keep-alive comes every third of the ack wait, so two may be lost before the hold lapses', (t) => {
  t.is(keepAliveMs(60), 20_000);
  t.is(keepAliveMs(10), 3_333);
  t.true(keepAliveMs(5) * 3 <= 5_000);
});

test('a run request: every field checked, a dispatch id must be a run id, nothing extra', (t) => {
  const request = {
    dispatchId: DISPATCH,
    requestId: 'req-1',
    source: 'http://git/recipes/web.git',
    ref: 'a'.repeat(40),
    pull: 7,
    recipe: 'web',
  };
  t.deepEqual(RunRequestMessage.parse(request), request);
  t.false(RunRequestMessage.safeParse({ ...request, dispatchId: '../etc' }).success);
  t.false(RunRequestMessage.safeParse({ ...request, pull: 0 }).success);
  t.false(RunRequestMessage.safeParse({ ...request, extra: true }).success);
});

test('reports of a run: started names the worker and the delivery; ended the exit, with unsent files defaulting to none', (t) => {
  t.deepEqual(StartedReport.parse({ runId: DISPATCH, worker: 'ci-a', delivery: 2 }), { runId: DISPATCH, worker: 'ci-a', delivery: 2 });
  t.false(StartedReport.safeParse({ runId: DISPATCH, worker: 'ci-a', delivery: 0 }).success);
  t.deepEqual(EndedReport.parse({ runId: DISPATCH, worker: 'ci-a', exitCode: 0, signal: null, spawnError: null }).unsent, []);
});
