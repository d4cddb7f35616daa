// The --json event stream's schema (src/results/run-events.ts): it names exactly the stages the run
// machine has, and every kind of event jsonProgress writes validates against it.
import test from 'ava';
import { ENDING, RUN_INPUT } from '../../helpers/run-machine-model.js';
import type { StateNode } from 'xstate';
import { jsonProgress } from '../../../src/cli/progress.js';
import { runMachine, type RunContext } from '../../../src/machines/run.machine.js';
import { parseRunEvent, RUN_STAGES } from '../../../src/results/run-events.js';
import { customizationManifest } from '../../../src/recipes/manifest.js';
import { buildResults } from '../../../src/results/build-results.js';
import { zeroCustomization } from '../../helpers/customization.js';

function stagesOf(node: StateNode<any, any>): string[] {
  const own = (node.meta as { stage?: string } | undefined)?.stage;
  return [...(own === undefined ? [] : [own]), ...Object.values(node.states).flatMap((child) => stagesOf(child))];
}

test('the schema names exactly the stages of the run machine', (t) => {
  t.deepEqual([...new Set(stagesOf(runMachine.root))].sort(), [...RUN_STAGES].sort());
});

const context: RunContext = {
  identity: RUN_INPUT.identity,
  startedAt: RUN_INPUT.startedAt,
  prepared: null,
  failure: null,
  lockHeld: false,
  lockLost: null,
  deploys: [],
  readyDependencies: [],
  unreadyDependencies: [],
  tiers: [],
  backup: null,
  lint: null,
  teardown: null,
  baseUrl: null,
  screenshot: null,
  abortReason: null,
  abortsIgnored: 0,
};

test('every event jsonProgress writes is a valid run event', (t) => {
  const lines: string[] = [];
  const progress = jsonProgress((line) => lines.push(line));
  progress.started({ runId: 'r', recipe: 'web', ref: undefined, domain: 'web-abcdef.ci.test', runDir: '/runs/r' });
  progress.started({ runId: 'r', recipe: 'web', ref: 'pr/1', domain: 'web-abcdef.ci.test', runDir: '/runs/r' });
  progress.notice({ type: 'manifest', manifest: customizationManifest(zeroCustomization('web')) });
  progress.notice({ type: 'notice', message: 'dependency kv is ready' });
  progress.notice({
    type: 'lock-wait',
    domain: 'web-abcdef.ci.test',
    holder: { runId: 'x', pid: 1, host: 'h', startedAt: '2026-12-02T00:00:00.000Z' },
    waitedMs: 0,
  });
  progress.notice({ type: 'lock-wait', domain: 'web-abcdef.ci.test', holder: undefined, waitedMs: 30_000 });
  for (const stage of RUN_STAGES) {
    progress.observe({ stages: new Set([stage]), context });
    progress.observe({ stages: new Set(), context });
  }
  const results = buildResults(context, ENDING);
  progress.finished(results, '/runs/r/results.json');
  const kinds = new Set<string>();
  for (const line of lines) {
    const parsed = parseRunEvent(line);
    t.true('event' in parsed, `${line}: ${'problem' in parsed ? parsed.problem : ''}`);
    if ('event' in parsed) kinds.add(parsed.event.event);
  }
  t.deepEqual([...kinds].sort(), [
    'customization',
    'lock.waiting',
    'notice',
    'run.finished',
    'run.started',
    'stage.finished',
    'stage.started',
  ]);
  t.is(lines.length, 2 + 4 + 2 * RUN_STAGES.length + 1);
});

test('a line that is not an event says why', (t) => {
  t.deepEqual(parseRunEvent('{"event":"stage.started","at":"2026-12-02T00:00:00.000Z","stage":"dancing"}'), {
    problem:
      '✖ Invalid option: expected one of "janitor"|"prepare"|"lint"|"lock"|"deploy"|"screenshot"|"install"|"upgrade"|"backup"|"restore"|"functional"|"teardown"\n  → at stage',
  });
  t.regex((parseRunEvent('not json') as { problem: string }).problem, /^not JSON: /);
});
