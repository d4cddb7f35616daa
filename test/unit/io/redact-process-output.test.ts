// redactProcessOutput: in a real child process, a registered secret printed through console.*, or
// written to process.stdout / process.stderr as a string or as bytes, comes out masked; the rest of
// the text and write callbacks are untouched.
import test from 'ava';
import { execa } from 'execa';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('../../fixtures/print-secrets.ts', import.meta.url));

test('every way a hook prints reaches the terminal masked', async (t) => {
  const secret = `s3cr3t-${process.pid}-value`;
  const { stdout, stderr } = await execa('node', ['--import', 'tsx', SCRIPT, secret]);
  t.false(stdout.includes(secret), stdout);
  t.false(stderr.includes(secret), stderr);
  t.deepEqual(stdout.split('\n'), [
    'console.log: [REDACTED]',
    "{ nested: { secret: '[REDACTED]' } }",
    'stdout string: [REDACTED]',
    'stdout bytes: [REDACTED]',
    'callback ran',
  ]);
  t.deepEqual(stderr.split('\n'), ['console.error: [REDACTED]', 'stderr bytes: [REDACTED]']);
});
