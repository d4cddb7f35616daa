// Functional test of `needs-dep`, written the wrong way on purpose: it skips when its dependency is
// not ready. A skip must never look green: cc-ci fails the functional tier anyway.
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

const skipped = JSON.parse(readFileSync(process.env.CCCI_DEPS_SKIP_FILE!, 'utf8')) as Record<string, string>;

test(
  'talks to crash-loop',
  { skip: skipped['crash-loop'] === undefined ? false : `crash-loop is not ready: ${skipped['crash-loop']}` },
  () => {},
);
