// `ccci janitor`'s table: one row per candidate, columns aligned, the detail last and whole.
import type { JanitorDecision } from '../domain/describe-janitor-decision.js';

const HEADER = { domain: 'DOMAIN', row: 'ROW', action: 'ACTION', detail: 'DETAIL' };

export function janitorTable(decisions: readonly JanitorDecision[]): string[] {
  if (decisions.length === 0) return ['no per-run apps or lock records found'];
  const rows = [HEADER, ...decisions];
  const width = (key: 'domain' | 'row' | 'action') => Math.max(...rows.map((row) => row[key].length));
  const [domain, row, action] = [width('domain'), width('row'), width('action')];
  return rows.map((entry) =>
    `${entry.domain.padEnd(domain)}  ${entry.row.padEnd(row)}  ${entry.action.padEnd(action)}  ${entry.detail}`.trimEnd(),
  );
}
