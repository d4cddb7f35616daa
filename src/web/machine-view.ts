// /runs/<id>/machine: the run machine live — its statechart, read off the definition, with the states
// the run is in highlighted, and the events that moved it — from the transitions in the run log.
// Server-rendered (the current state shows without JavaScript); while the run goes, a small script
// follows /runs/<id>/machine/events and moves the highlight.
import { html, raw } from 'hono/html';
import type { AnyStateMachine, StateNode } from 'xstate';
import type { MachineTransition } from '../results/machine-trace.js';

type Html = ReturnType<typeof html>;
type Node = StateNode<any, any>;

/** Every state path a state value is in: `{testing: {app: 'installing'}}` is in testing, testing.app, testing.app.installing. */
export function activePaths(value: unknown, prefix = ''): string[] {
  if (typeof value === 'string') return [`${prefix}${value}`];
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, inner]) => [`${prefix}${key}`, ...activePaths(inner, `${prefix}${key}.`)]);
}

function invokes(node: Node): string {
  const sources = node.invoke.map((invoke) => (typeof invoke.src === 'string' ? invoke.src : invoke.id));
  return sources.length === 0 ? '' : ` (invokes ${sources.join(', ')})`;
}

function stateItem(node: Node, active: ReadonlySet<string>): Html {
  const path = node.path.join('.');
  const children = Object.values(node.states) as Node[];
  const kind = node.type === 'parallel' ? ' ‖' : node.type === 'final' ? ' ◉' : '';
  return html`<li data-path="${path}" class="${active.has(path) ? 'active' : ''}"><span>${node.key}${kind}</span><small>${invokes(node)}</small>${children.length === 0 ? '' : html`<ul>${children.map((child) => stateItem(child, active))}</ul>`}</li>`;
}

export function machineTree(machine: AnyStateMachine, value: unknown): Html {
  const active = new Set(activePaths(value));
  return html`<ul class="machine">${(Object.values(machine.root.states) as Node[]).map((node) => stateItem(node, active))}</ul>`;
}

export function transitionRows(transitions: readonly MachineTransition[]): Html {
  return html`${transitions.map((transition) => html`<tr><td>${new Date(transition.time).toISOString().slice(11, 23)}</td><td><code>${transition.machine.event}</code></td><td><code>${JSON.stringify(transition.machine.state)}</code></td></tr>`)}`;
}

export const MACHINE_STYLE = `.machine,.machine ul{list-style:none;padding-left:1.2rem;border-left:1px dotted #d0d7de}
.machine li>span{padding:0 .3rem;border-radius:4px}.machine li.active>span{background:#1a7f37;color:#fff;font-weight:bold}
.machine small{color:#57606a}`;

/** Follows the transitions: highlights the states of each, adds its row, reloads at the end. */
export function followScript(runId: string): Html {
  return raw(`<script>
const source = new EventSource('/runs/${runId}/machine/events');
const paths = (value, prefix = '') => typeof value === 'string' ? [prefix + value] : Object.entries(value ?? {}).flatMap(([key, inner]) => [prefix + key, ...paths(inner, prefix + key + '.')]);
source.addEventListener('transition', (message) => {
  const transition = JSON.parse(message.data);
  const active = new Set(paths(transition.machine.state));
  for (const item of document.querySelectorAll('.machine li')) item.classList.toggle('active', active.has(item.dataset.path));
  const row = document.createElement('tr');
  for (const text of [new Date(transition.time).toISOString().slice(11, 23), transition.machine.event, JSON.stringify(transition.machine.state)]) {
    const cell = document.createElement('td'); cell.textContent = text; row.append(cell);
  }
  document.getElementById('transitions').append(row);
  document.getElementById('current').textContent = JSON.stringify(transition.machine.state);
});
source.addEventListener('end', () => source.close());
</script>`);
}
