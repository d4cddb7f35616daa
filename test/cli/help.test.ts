// Every `ccci` command answers --help with its usage on stdout and exit 0, as `ccci --help` promises.
import test from 'ava';
import { execa } from 'execa';
import { fileURLToPath } from 'node:url';

const CCCI = fileURLToPath(new URL('../../bin/ccci', import.meta.url));

for (const [args, usage] of [
  [['--help'], 'Usage: ccci <command> [options]'],
  [['run', '--help'], 'Usage: ccci run <recipe path or git URL> [options]'],
  [['daemon', '--help'], 'Usage: ccci daemon'],
  [['janitor', '--help'], 'Usage: ccci janitor [--dry-run] [--config <file>]'],
  [['recipe', '--help'], 'Usage: ccci recipe check'],
] as const) {
  test(`ccci ${args.join(' ')}: its usage, exit 0, nothing on stderr`, async (t) => {
    const result = await execa(CCCI, args, { reject: false });
    t.is(result.exitCode, 0, result.stderr);
    t.true(result.stdout.startsWith(usage), result.stdout);
    t.is(result.stderr, '');
  });
}
