// Everything this process writes to its stdout and stderr goes through the redactor, not only the
// logger's lines: recipe hooks run in the `ccci run` process, and whatever they print with console.*
// or straight to process.stdout / process.stderr reaches the terminal and, through the daemon, the
// live log. A secret split across two writes is not recognised; one write at a time is what hooks do.
import { redactor } from './redact.js';

type Write = NodeJS.WriteStream['write'];

function redactingWrite(original: Write, redact: (text: string) => string): Write {
  return function write(this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]): boolean {
    if (typeof chunk === 'string') return (original as (...args: unknown[]) => boolean).call(this, redact(chunk), ...rest);
    if (chunk instanceof Uint8Array) {
      const text = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('utf8');
      const masked = redact(text);
      return (original as (...args: unknown[]) => boolean).call(this, masked === text ? chunk : masked, ...rest);
    }
    return (original as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
  } as Write;
}

let installed = false;

/** Routes process.stdout and process.stderr through the redactor, once per process. */
export function redactProcessOutput(redact: (text: string) => string = redactor.redact): void {
  if (installed) return;
  installed = true;
  for (const stream of [process.stdout, process.stderr]) stream.write = redactingWrite(stream.write, redact);
}
