// The machine view: the state paths a state value is in, the statechart of the run machine with them
// highlighted, and the transitions read from run log lines.
import test from 'ava';
import { runMachine } from '../../../src/machines/run.machine.js';
import { MACHINE_TRANSITION, transitionOf } from '../../../src/results/machine-trace.js';
import { activePaths, machineTree } from '../../../src/web/machine-view.js';

const INSTALLING = { testing: { lint: 'linted', app: { holdingDomain: 'installing' } } };

test('a state value is in every path down to each of its leaves', (t) => {
  t.deepEqual(activePaths('sweeping'), ['sweeping']);
  t.deepEqual(activePaths(INSTALLING), [
    'testing',
    'testing.lint',
    'testing.lint.linted',
    'testing.app',
    'testing.app.holdingDomain',
    'testing.app.holdingDomain.installing',
  ]);
  t.deepEqual(activePaths(null), []);
});

test('the statechart lists every state of the run machine and highlights exactly the active ones', (t) => {
  const tree = String(machineTree(runMachine, INSTALLING));
  const active = [...tree.matchAll(/<li data-path="([^"]+)" class="active">/g)].map((match) => match[1]);
  t.deepEqual(active, activePaths(INSTALLING));
  for (const path of [
    'sweeping',
    'preparing',
    'testing.app.holdingDomain.capturingScreenshot',
    'testing.app.holdingDomain.tearingDown',
    'finished',
  ])
    t.true(tree.includes(`<li data-path="${path}"`), path);
  t.true(tree.includes('(invokes installApp)'));
});

test('a transition line of the run log is read; any other line is not', (t) => {
  const line = JSON.stringify({
    level: 20,
    time: 1764813600000,
    msg: MACHINE_TRANSITION,
    machine: { event: 'install.ready', state: INSTALLING },
  });
  t.deepEqual(transitionOf(line), { time: 1764813600000, msg: MACHINE_TRANSITION, machine: { event: 'install.ready', state: INSTALLING } });
  t.is(transitionOf(JSON.stringify({ level: 30, time: 1, msg: 'run started' })), undefined);
  t.is(transitionOf(`not json but says ${MACHINE_TRANSITION}`), undefined);
});
