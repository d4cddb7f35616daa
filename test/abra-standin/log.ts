// abra-style log lines (charmbracelet/log as used by abra >= 0.10): "<LEVEL> <message>" on stderr.
export class Fatal extends Error {}

let debugEnabled = false;

export function setDebug(enabled: boolean): void {
  debugEnabled = enabled;
}

export function debug(message: string): void {
  if (debugEnabled) process.stderr.write(`DEBU ${message}\n`);
}

export function info(message: string): void {
  process.stderr.write(`INFO ${message}\n`);
}

export function warn(message: string): void {
  process.stderr.write(`WARN ${message}\n`);
}

/** Stops the command: main() prints `FATA <message>` and exits 1. */
export function fatal(message: string): never {
  throw new Fatal(message);
}

/** Writes to stdout (tables, overviews). */
export function out(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

export function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
