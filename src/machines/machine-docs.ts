// The machine diagrams in docs/: each a generated section (`<!-- generated:<name>-machine -->`)
// drawn from the machine definition. scripts/generate-schemas.ts writes them; test/machines/state-diagram.test.ts fails on drift.
import type { AnyStateMachine } from 'xstate';
import { replaceSection } from '../domain/generated-section.js';
import { janitorMachine } from './janitor.machine.js';
import { runMachine } from './run.machine.js';
import { stateDiagram } from './state-diagram.js';
import { supervisorMachine } from './supervisor.machine.js';
import { workerMachine } from './worker.machine.js';

export const MACHINE_DIAGRAMS: readonly { readonly doc: string; readonly section: string; readonly machine: AnyStateMachine }[] = [
  { doc: 'docs/architecture.md', section: 'run-machine', machine: runMachine },
  { doc: 'docs/concurrency.md', section: 'supervisor-machine', machine: supervisorMachine },
  { doc: 'docs/concurrency.md', section: 'janitor-machine', machine: janitorMachine },
  { doc: 'docs/scale-out.md', section: 'worker-machine', machine: workerMachine },
];

/** The document with every diagram it holds redrawn from its machine. */
export function renderMachineDiagrams(docPath: string, doc: string): string {
  return MACHINE_DIAGRAMS.filter((entry) => entry.doc === docPath).reduce(
    (text, { section, machine }) => replaceSection(text, section, `\`\`\`mermaid\n${stateDiagram(machine)}\n\`\`\``),
    doc,
  );
}
