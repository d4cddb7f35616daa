// The machine diagrams in docs/ are drawn from the definitions: the documents match, and a drawing
// has every state of its machine and every transition that has a target.
import test from 'ava';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { MACHINE_DIAGRAMS, renderMachineDiagrams } from '../../src/machines/machine-docs.js';
import { stateDiagram } from '../../src/machines/state-diagram.js';
import { supervisorMachine } from '../../src/machines/supervisor.machine.js';
import { runMachine } from '../../src/machines/run.machine.js';

for (const doc of new Set(MACHINE_DIAGRAMS.map((entry) => entry.doc))) {
  test(`${doc} has the diagrams its machines give`, async (t) => {
    const text = await readFile(fileURLToPath(new URL(`../../${doc}`, import.meta.url)), 'utf8');
    t.is(
      text,
      renderMachineDiagrams(doc, text),
      `${doc} is out of date with src/machines/: run node --import tsx scripts/generate-schemas.ts`,
    );
  });
}

test('the supervisor drawn: both states, one edge per cause into aborting, every cause kept in aborting', (t) => {
  const lines = stateDiagram(supervisorMachine).split('\n');
  t.is(lines[0], 'stateDiagram-v2');
  t.true(lines.includes('  [*] --> watching'));
  for (const cause of ['signal.received', 'parent.gone', 'cancel.requested', 'deadline.passed', 'crashed']) {
    t.true(lines.includes(`  watching --> aborting: ${cause}`), cause);
    t.true(lines.includes(`  aborting --> aborting: ${cause} (stays)`), cause);
  }
  t.true(lines.includes('  note right of watching: supervisor invokes watchProcess for its whole life'));
});

test('the run drawn: nested and parallel states by path, guards and actor events named', (t) => {
  const diagram = stateDiagram(runMachine);
  t.regex(diagram, /state "lint" as testing_lint \{[\s\S]*\n {4}--\n {4}state "app" as testing_app \{/);
  t.true(diagram.includes('  testing_app_holdingDomain --> testing_app_released: lock.lost'));
  t.true(diagram.includes('  prepareFailed --> lintingBrokenRecipe: always [checkedOut]'));
  t.true(diagram.includes('  preparing --> prepareFailed: prepareRun error'));
  t.true(diagram.includes('state "tearingDown (invokes tearDownApp)" as testing_app_holdingDomain_tearingDown'));
});
