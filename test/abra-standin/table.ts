// Plain text tables.
export function pipeTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max([...h].length, ...rows.map((r) => [...(r[i] ?? '')].length)));
  const line = (cells: readonly string[]) => `| ${cells.map((c, i) => c + ' '.repeat(widths[i]! - [...c].length)).join(' | ')} |`;
  const rule = `+${widths.map((w) => '-'.repeat(w + 2)).join('+')}+`;
  return [rule, line(header), rule, ...rows.map(line), rule].join('\n');
}

/** Whitespace-aligned columns (no borders), e.g. snapshot lists. */
export function plainTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}

export function keyValueBox(title: string, pairs: readonly (readonly [string, string])[]): string {
  const keyWidth = Math.max(...pairs.map(([k]) => k.length));
  return [title, ...pairs.map(([k, v]) => `  ${k.padEnd(keyWidth)}  ${v}`)].join('\n');
}
