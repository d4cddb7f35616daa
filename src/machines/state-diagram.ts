// A machine definition drawn as a Mermaid state diagram, read off the definition itself (states,
// initial states, parallel regions, transitions with their events and guards, invoked actors), so
// the diagrams in docs/ are the machines and a drift test says when they are not.
import type { AnyStateMachine, StateNode } from 'xstate';

type Node = StateNode<any, any>;
type Guard = { type?: string; params?: unknown } | string | ((...args: never[]) => unknown) | undefined;

/** Mermaid ids: the state's path, which is unique where keys repeat (two `linted` states). */
function idOf(node: Node): string {
  return node.path.length === 0 ? 'root' : node.path.join('_');
}

function guardText(guard: Guard): string {
  if (guard === undefined) return '';
  if (typeof guard === 'string') return ` [${guard}]`;
  if (typeof guard === 'function') return ' [guarded]';
  const params = typeof guard.params === 'string' ? ` ${guard.params}` : '';
  return ` [${guard.type ?? 'guarded'}${params}]`;
}

/** `xstate.done.actor.prepareRun` reads `prepareRun done`; `xstate.error.actor.x` reads `x error`. */
function eventText(eventType: string): string {
  const actor = /^xstate\.(done|error)\.actor\.(.+)$/.exec(eventType);
  if (actor !== null) return `${actor[2]} ${actor[1]}`;
  const done = /^xstate\.done\.state\./.exec(eventType);
  if (done !== null) return 'final state reached';
  return eventType;
}

function transitionsOf(node: Node): { target: Node; label: string }[] {
  const edges: { target: Node; label: string }[] = [];
  for (const [eventType, transitions] of node.transitions) {
    for (const transition of transitions) {
      // a transition without a target handles the event where it is (e.g. a second abort, counted and ignored)
      const targets = transition.target ?? [];
      if (targets.length === 0 && eventType !== '*')
        edges.push({ target: node, label: `${eventText(eventType)}${guardText(transition.guard as Guard)} (stays)` });
      for (const target of targets) edges.push({ target, label: `${eventText(eventType)}${guardText(transition.guard as Guard)}` });
    }
  }
  for (const transition of node.always ?? []) {
    for (const target of transition.target ?? []) edges.push({ target, label: `always${guardText(transition.guard as Guard)}` });
  }
  return edges;
}

function render(node: Node, indent: string, lines: string[], edges: string[]): void {
  const children = Object.values(node.states) as Node[];
  const initial = node.initial?.target ?? [];
  for (const target of initial) lines.push(`${indent}[*] --> ${idOf(target)}`);
  children.forEach((child, index) => {
    const invoked = child.invoke.map((definition) => String(definition.src)).filter((src) => !src.startsWith('xstate.'));
    const label = invoked.length === 0 ? child.key : `${child.key} (invokes ${invoked.join(', ')})`;
    if (Object.keys(child.states).length === 0) {
      lines.push(`${indent}state "${label}" as ${idOf(child)}`);
    } else {
      lines.push(`${indent}state "${label}" as ${idOf(child)} {`);
      render(child, `${indent}  `, lines, edges);
      lines.push(`${indent}}`);
    }
    if (child.type === 'final') lines.push(`${indent}${idOf(child)} --> [*]`);
    // parallel regions are separated by `--` in Mermaid
    if (node.type === 'parallel' && index < children.length - 1) lines.push(`${indent}--`);
    for (const edge of transitionsOf(child)) edges.push(`  ${idOf(child)} --> ${idOf(edge.target)}: ${edge.label}`);
  });
}

/** The machine as a Mermaid `stateDiagram-v2` block's body (without the fence). */
export function stateDiagram(machine: AnyStateMachine): string {
  const root = machine.root as Node;
  const lines = ['stateDiagram-v2'];
  const edges: string[] = [];
  render(root, '  ', lines, edges);
  const invoked = root.invoke.map((definition) => String(definition.src));
  const first = root.initial?.target[0];
  if (invoked.length > 0 && first !== undefined)
    edges.push(`  note right of ${idOf(first)}: ${root.key} invokes ${invoked.join(', ')} for its whole life`);
  return [...lines, ...edges].join('\n');
}
