// A process that holds a domain lock like a live run does (test/fixtures/lock-holder.ts), until killed.
import { execa, type ResultPromise } from 'execa';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const holderScript = fileURLToPath(new URL('../fixtures/lock-holder.ts', import.meta.url));

/** Resolves once the holder holds the lock; `startedAt` backdates its owner record. */
export async function holdLock(lockDir: string, domain: string, startedAt?: string): Promise<{ readonly process: ResultPromise }> {
  const holder = execa(
    process.execPath,
    ['--import', 'tsx', holderScript, lockDir, domain, ...(startedAt === undefined ? [] : [startedAt])],
    { reject: false },
  );
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: holder.stdout! }).once('line', (line) => (line === 'held' ? resolve() : reject(new Error(line))));
    void holder.then((result) => reject(new Error(`holder exited: ${result.stderr}`)));
  });
  // wrapped: an async function returning the subprocess itself would wait for it to exit
  return { process: holder };
}
