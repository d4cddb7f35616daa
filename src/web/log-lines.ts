// A run log is JSON lines (pino); people read it as one line per entry: time, level, component, message
// and the remaining fields. Every line also passes the daemon's redactor on its way out.

const LEVELS: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };
const SHOWN_ELSEWHERE = new Set(['level', 'time', 'pid', 'runId', 'hostname', 'msg', 'component']);

export function formatLogLine(line: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return line;
  const date = typeof entry.time === 'number' ? new Date(entry.time) : undefined;
  const time = date !== undefined && !Number.isNaN(date.getTime()) ? date.toISOString().slice(11, 23) : '--:--:--.---';
  const level = (LEVELS[entry.level as number] ?? String(entry.level ?? '')).padEnd(5);
  const component = typeof entry.component === 'string' ? ` [${entry.component}]` : '';
  const rest = Object.fromEntries(Object.entries(entry).filter(([key]) => !SHOWN_ELSEWHERE.has(key)));
  const extra = Object.keys(rest).length === 0 ? '' : ` ${JSON.stringify(rest)}`;
  return `${time} ${level}${component} ${String(entry.msg ?? '')}${extra}`;
}
