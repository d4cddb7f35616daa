// Every child process of cc-ci goes through runCommand: real processes, real process groups, real signals.
import test from 'ava';
import { getEventListeners } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandError, describeFailure, runChecked, runCommand } from '../../../src/io/exec.js';
import { createLogger } from '../../../src/io/log.js';
import { isProcessAlive } from '../../../src/io/process-alive.js';
import { redactor } from '../../../src/io/redact.js';

const quiet = createLogger({ stderrLevel: 'silent' });

async function scratch(): Promise<{ dir: string; [Symbol.asyncDispose](): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'ccci-exec-'));
  return { dir, [Symbol.asyncDispose]: () => rm(dir, { recursive: true, force: true }) };
}

/** Polls a file the child writes (a grandchild's pid) until it is there. */
async function readPid(file: string): Promise<number> {
  for (;;) {
    const text = await readFile(file, 'utf8').catch(() => '');
    if (/^\d+\n$/.test(text)) return Number(text);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A leader that starts a grandchild (sleep 60) in its group, writes its pid, and waits on it. */
const withGrandchild = (pidFile: string, leaderPrelude = '') =>
  ['sh', '-c', `${leaderPrelude} sleep 60 & echo $! > ${pidFile}; wait`] as const;

test('a command that succeeds gives its output, exit code 0 and no failure', async (t) => {
  const result = await runCommand(['sh', '-c', 'echo out; echo err >&2'], { log: quiet });
  t.like(result, {
    exitCode: 0,
    failed: false,
    stdout: 'out',
    stderr: 'err',
    stopReason: undefined,
    spawnError: undefined,
    timedOut: false,
  });
});

test('a command that fails says its exit code and the tail of what it printed', async (t) => {
  const result = await runCommand(['sh', '-c', 'echo first; echo "no such thing" >&2; exit 3'], { log: quiet });
  t.like(result, { exitCode: 3, failed: true });
  t.is(describeFailure(result), 'Command exited with code 3: sh -c \'echo first; echo "no such thing" >&2; exit 3\'\nno such thing\nfirst');
  const error = await t.throwsAsync(runChecked(['sh', '-c', 'exit 3'], { log: quiet }), { instanceOf: CommandError });
  t.false(error.isCanceled);
});

test("a command that cannot start says why, with execa's error as the cause", async (t) => {
  const result = await runCommand(['/nonexistent/ccci-no-such-binary', 'x'], { log: quiet });
  t.true(result.failed);
  t.is(result.exitCode, undefined);
  t.regex(result.spawnError ?? '', /ENOENT/);
  t.regex(describeFailure(result), /^Command could not start \(.*ENOENT.*\): \/nonexistent\/ccci-no-such-binary x/);
  const error = await t.throwsAsync(runChecked(['/nonexistent/ccci-no-such-binary'], { log: quiet }), { instanceOf: CommandError });
  t.true(error.cause instanceof Error);
  t.regex((error.cause as Error).message, /ENOENT/);
});

test('only the small inherited base and the given env reach the child', async (t) => {
  process.env.CCCI_EXEC_TEST_LEAK = 'leaked';
  try {
    const result = await runCommand(['sh', '-c', 'echo "${CCCI_EXEC_TEST_LEAK:-absent} $GIVEN"'], {
      log: quiet,
      env: { GIVEN: 'given', UNSET: undefined },
    });
    t.is(result.stdout, 'absent given');
  } finally {
    delete process.env.CCCI_EXEC_TEST_LEAK;
  }
});

test('an abort stops the whole process group, and the reason reaches the result and the error', async (t) => {
  await using bed = await scratch();
  const pidFile = join(bed.dir, 'grandchild.pid');
  const stage = new AbortController();
  const running = runCommand(withGrandchild(pidFile), { log: quiet, signal: stage.signal });
  const grandchild = await readPid(pidFile);
  t.true(isProcessAlive(grandchild));
  stage.abort('sigterm');
  const result = await running;
  t.like(result, { stopReason: 'sigterm', failed: true, timedOut: false, signal: 'SIGTERM', cause: 'sigterm' });
  t.false(isProcessAlive(grandchild));
  t.regex(describeFailure(result), /^Command was stopped \(sigterm\): sh -c/);
  const error = new CommandError(result);
  t.true(error.isCanceled);
  t.is(error.cause, 'sigterm');
});

test('a timeout stops the group like an abort and says so', async (t) => {
  await using bed = await scratch();
  const pidFile = join(bed.dir, 'grandchild.pid');
  const result = await runCommand(withGrandchild(pidFile), { log: quiet, timeoutMs: 300 });
  t.like(result, { timedOut: true, stopReason: 'timed out after 300 ms', failed: true });
  t.false(isProcessAlive(await readPid(pidFile)));
});

test('a leader that ignores SIGTERM is killed after the grace period, and its group with it', async (t) => {
  await using bed = await scratch();
  const pidFile = join(bed.dir, 'grandchild.pid');
  const stage = new AbortController();
  // the grandchild is started before the trap, so it keeps the default SIGTERM disposition
  const leader = ['sh', '-c', `sleep 60 & echo $! > ${pidFile}; trap '' TERM; while :; do sleep 0.1; done`] as const;
  const running = runCommand(leader, { log: quiet, signal: stage.signal, graceMs: 300 });
  const grandchild = await readPid(pidFile);
  stage.abort('deadline');
  const result = await running;
  t.like(result, { stopReason: 'deadline', signal: 'SIGKILL' });
  t.false(isProcessAlive(grandchild));
});

test('a grandchild that keeps the output pipes open does not hold the result once the leader has exited', async (t) => {
  await using bed = await scratch();
  const pidFile = join(bed.dir, 'grandchild.pid');
  const result = await runCommand(['sh', '-c', `sleep 60 & echo $! > ${pidFile}; echo leader done`], { log: quiet });
  t.like(result, { exitCode: 0, failed: false, stdout: 'leader done' });
  t.false(isProcessAlive(await readPid(pidFile)));
});

test('a command whose stage is already stopped is not started', async (t) => {
  await using bed = await scratch();
  const marker = join(bed.dir, 'started');
  const result = await runCommand(['sh', '-c', `touch ${marker}`], { log: quiet, signal: AbortSignal.abort('sigint') });
  t.like(result, { stopReason: 'sigint', failed: true, exitCode: undefined });
  await t.throwsAsync(readFile(marker));
});

test('output lines reach the log with secrets masked', async (t) => {
  await using bed = await scratch();
  const file = join(bed.dir, 'run.log');
  redactor.add('s3cret-exec-value');
  const log = createLogger({ stderrLevel: 'silent', file });
  await runCommand(['sh', '-c', 'echo "token is s3cret-exec-value"; echo second >&2'], { log, outputLevel: 'info' });
  const lines = (await readFile(file, 'utf8'))
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { msg: string });
  const messages = lines.map((line) => line.msg);
  t.true(messages.includes('token is [REDACTED]'));
  t.true(messages.includes('second'));
  t.false(messages.some((message) => message.includes('s3cret-exec-value')));
});

test('a stage signal shared by many commands keeps no listener once they ended, with or without a timeout', async (t) => {
  const stage = new AbortController();
  await Promise.all(
    Array.from({ length: 12 }, (_, index) =>
      runCommand(['true'], { log: quiet, signal: stage.signal, ...(index % 2 === 0 ? { timeoutMs: 60_000 } : {}) }),
    ),
  );
  t.is(getEventListeners(stage.signal, 'abort').length, 0);
});
