// Follows a file another process appends to (a run's event stream, its log), line by line, from the
// start. A change notification wakes it early; a short poll covers files that do not exist yet and
// file systems without notifications.
import { watch, type FSWatcher } from 'node:fs';
import { open } from 'node:fs/promises';

export interface FollowOptions {
  readonly signal: AbortSignal;
  /** @default 250 */
  readonly pollMs?: number;
  /** Stop once this says so and everything written so far has been read (checked after each read). */
  readonly until?: () => boolean | Promise<boolean>;
}

const CHUNK = 64 * 1024;

/** Calls `onLine` for every complete line, in order; resolves when aborted or when `until` is true at the end of the file. */
export async function followLines(path: string, onLine: (line: string) => void, options: FollowOptions): Promise<void> {
  const pollMs = options.pollMs ?? 250;
  let offset = 0;
  let partial = '';
  let watcher: FSWatcher | undefined;
  let wake: (() => void) | undefined;
  const decoder = new TextDecoder();
  const onAbort = () => wake?.();
  options.signal.addEventListener('abort', onAbort, { once: true });
  try {
    while (!options.signal.aborted) {
      // asked before reading: whatever was written before the writer finished is read in this pass
      const finished = options.until !== undefined && (await options.until());
      const handle = await open(path, 'r').catch(() => undefined);
      if (handle !== undefined) {
        try {
          watcher ??= tryWatch(path, () => wake?.());
          const buffer = Buffer.alloc(CHUNK);
          for (;;) {
            const { bytesRead } = await handle.read(buffer, 0, CHUNK, offset);
            if (bytesRead === 0) break;
            offset += bytesRead;
            const lines = (partial + decoder.decode(buffer.subarray(0, bytesRead), { stream: true })).split('\n');
            partial = lines.pop() ?? '';
            for (const line of lines) onLine(line);
          }
        } finally {
          await handle.close();
        }
      }
      if (finished) {
        if (partial !== '') onLine(partial);
        return;
      }
      if (options.signal.aborted) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pollMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
    }
  } finally {
    watcher?.close();
    options.signal.removeEventListener('abort', onAbort);
  }
}

function tryWatch(path: string, onChange: () => void): FSWatcher | undefined {
  try {
    const watcher = watch(path, { persistent: false }, onChange);
    watcher.on('error', () => watcher.close());
    return watcher;
  } catch {
    return undefined;
  }
}
