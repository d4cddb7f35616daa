// The process's one logger tree: JSON lines to the run log, warnings to stderr, all through the redactor.
import { pino, type Logger } from 'pino';
import { redactor } from './redact.js';

export type { Logger } from 'pino';

/** The levels a service's --log-level takes. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface LoggerOptions {
  /** Run log file (JSON lines, every level); omitted → no file. */
  readonly file?: string;
  /** Level shown on stderr. @default 'warn' */
  readonly stderrLevel?: pino.LevelWithSilent;
  /** JSON lines on stderr (services), or one readable line per cause (a person at a terminal). @default 'json' */
  readonly stderrFormat?: 'json' | 'human';
}

const LEVEL_NAMES: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warning', 50: 'error', 60: 'fatal' };

/** What a log entry says to a person, in one line: its level, message and why. */
export function humanLogLine(line: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line.trimEnd();
  }
  const err = entry.err as { message?: unknown } | undefined;
  const why = [entry.reason, entry.why, err?.message].find((value): value is string => typeof value === 'string' && value !== '');
  const firstLine = (text: string) => text.split('\n')[0]!;
  return `${LEVEL_NAMES[entry.level as number] ?? 'log'}: ${firstLine(String(entry.msg ?? ''))}${why === undefined ? '' : ` (${firstLine(why)})`}`;
}

/** Writes each distinct human line once: a cause that repeats (a poll that keeps failing) is said once. */
function humanStream(fd: number): { write(line: string): void } {
  const said = new Set<string>();
  const out = pino.destination({ dest: fd, sync: true });
  return {
    write(line: string) {
      const text = humanLogLine(line);
      if (said.has(text)) return;
      said.add(text);
      out.write(`  ${text}\n`);
    },
  };
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const streams: pino.StreamEntry[] = [
    {
      level: options.stderrLevel === 'silent' ? 'fatal' : (options.stderrLevel ?? 'warn'),
      stream: options.stderrFormat === 'human' ? humanStream(2) : pino.destination({ dest: 2, sync: true }),
    },
  ];
  if (options.file !== undefined) {
    streams.push({ level: 'trace', stream: pino.destination({ dest: options.file, sync: true, mkdir: true }) });
  }
  return pino(
    {
      level: options.stderrLevel === 'silent' && options.file === undefined ? 'silent' : 'trace',
      base: { pid: process.pid },
      hooks: { streamWrite: redactor.redact },
      serializers: { err: pino.stdSerializers.err },
    },
    pino.multistream(streams),
  );
}

/** A logger that writes nothing: for pure helpers called outside a run. */
export const silentLogger: Logger = pino({ level: 'silent' });
