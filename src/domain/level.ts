// The level: the largest i with rung_i = pass and every rung below it pass or skip; else 0 (docs/results.md).
import { RUNG_NAMES, type RungStatus } from './rungs.js';

export type RungStatuses = Readonly<Record<(typeof RUNG_NAMES)[number], RungStatus>>;

export function computeLevel(statuses: RungStatuses): number {
  let level = 0;
  for (const [index, name] of RUNG_NAMES.entries()) {
    const status = statuses[name];
    if (status === 'pass') level = index + 1;
    else if (status !== 'skip') break;
  }
  return level;
}
