// The process's one logger tree: JSON lines to the run log, warnings to stderr, all through the redactor.
import { pino, type Logger } from 'pino';
import { redactor } from './redact.js';

export type { Logger } from 'pino';

export interface LoggerOptions {
  /** Run log file (JSON lines, every level); omitted → no file. */
  readonly file?: string;
  /** Level shown on stderr. @default 'warn' */
  readonly stderrLevel?: pino.LevelWithSilent;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const streams: pino.StreamEntry[] = [
    { level: options.stderrLevel === 'silent' ? 'fatal' : options.stderrLevel ?? 'warn', stream: pino.destination({ dest: 2, sync: true }) },
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
