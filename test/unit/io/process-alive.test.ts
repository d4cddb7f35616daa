// Liveness of a lock owner's pid, against real processes: live, gone, and a zombie nobody reaps.
import test from 'ava';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { isProcessAlive } from '../../../src/io/process-alive.js';

test('this process is alive', (t) => {
  t.true(isProcessAlive(process.pid));
});

test('a process that exited and was reaped is dead', async (t) => {
  const child = spawn('true');
  await once(child, 'exit');
  t.false(isProcessAlive(child.pid!));
});

test('a zombie (exited, its parent never waits for it) is dead, its live parent alive', async (t) => {
  // the exec'd sleep inherits the short sleep as its child and never reaps it
  const parent = spawn('sh', ['-c', 'sleep 0 & echo $!; exec sleep 30'], { stdio: ['ignore', 'pipe', 'ignore'] });
  t.teardown(() => parent.kill('SIGKILL'));
  const [chunk] = (await once(parent.stdout!, 'data')) as [Buffer];
  const zombie = Number(chunk.toString().trim());
  for (let tries = 0; isProcessAlive(zombie) && tries < 100; tries++) await new Promise((resolve) => setTimeout(resolve, 20));
  t.false(isProcessAlive(zombie));
  t.true(isProcessAlive(parent.pid!));
});
