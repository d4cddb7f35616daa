// End to end on the test bed: a recipe's hooks print an operator secret (from the configured secrets
// dir), the app's generated secret (read from its container) and a value the CI author marked
// secret(...) — with console.*, process.stderr and ctx.log. Nothing of them reaches the terminal,
// the run log, the tier reports or results.json, and noSecretLeak is true. Then a tier test (a child
// process, outside the redactor) writes the operator secret straight into the run log: the leak scan
// finds it, noSecretLeak is false and says where, and the verdict is what the tiers said.
import test from 'ava';
import { execa } from 'execa';
import { cp, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Results } from '../../src/results/schema.js';
import { bedConfigFile, ccciBin, fixture } from '../helpers/test-bed.js';

const WEB_TREE = fileURLToPath(new URL('../bed/ci/web', import.meta.url));
const OPERATOR_SECRET = `operator-note-${process.pid}-${Date.now()}`;
const MARKED_SECRET = `marked-value-${process.pid}-${Date.now()}`;

interface SecretRun {
  readonly output: string;
  readonly results: Results;
  readonly runDir: string;
}

/** A customization tree for `web`: its own overlay and tests, plus hooks that print every kind of secret. */
async function webTree(secretsDir: string, leak: boolean): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'ccci-e2e-secrets-tree-'));
  const tree = join(root, 'web');
  await cp(WEB_TREE, tree, { recursive: true });
  await writeFile(
    join(tree, 'meta.ts'),
    `import { defineMeta, secret } from 'cc-ci/recipe';
export const meta = defineMeta({ EXTRA_ENV: { MOTD_NOTE: secret(${JSON.stringify(MARKED_SECRET)}), GREETING: secret({ file: 'greeting' }) } });
`,
  );
  await writeFile(
    join(tree, 'ops.ts'),
    `import { readFile } from 'node:fs/promises';
import type { HookContext } from 'cc-ci/recipe';
export async function preBackup(ctx: HookContext): Promise<void> {
  const operator = (await readFile(${JSON.stringify(join(secretsDir, 'operator-note'))}, 'utf8')).trim();
  const { stdout: app } = await ctx.exec('app', ['cat', '/run/secrets/token']);
  console.log('hook: the app secret is', app.trim());
  console.error(\`hook: the marked secret is ${MARKED_SECRET}\`);
  process.stderr.write(Buffer.from(\`hook: the operator secret is \${operator}\\n\`));
  process.stdout.write(\`hook: again \${operator} and \${app.trim()}\\n\`);
  ctx.log.warn({ operator, app: app.trim() }, 'hook: secrets seen');
}
`,
  );
  if (leak) {
    await writeFile(
      join(tree, 'custom', 'leak.test.ts'),
      `// test only: a child process, outside the redactor, writes a secret into the run log
import { test } from 'node:test';
import { appendFile, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
test('writes the operator secret into the run log', async () => {
  const runDir = dirname(dirname(process.env.CCCI_OP_STATE_FILE!));
  const operator = (await readFile(${JSON.stringify(join(secretsDir, 'operator-note'))}, 'utf8')).trim();
  await appendFile(join(runDir, 'run.log'), \`leaked \${operator}\\n\`);
});
`,
    );
  }
  return root;
}

async function secretRun(leak: boolean): Promise<SecretRun> {
  const secretsDir = await mkdtemp(join(tmpdir(), 'ccci-e2e-secrets-'));
  await writeFile(join(secretsDir, 'operator-note'), `${OPERATOR_SECRET}\n`);
  await writeFile(join(secretsDir, 'greeting'), `greeting-from-the-secrets-dir-${process.pid}\n`);
  const runsDir = await mkdtemp(join(tmpdir(), 'ccci-e2e-secrets-runs-'));
  const config = {
    ...JSON.parse(await readFile(bedConfigFile, 'utf8')),
    customizationDir: await webTree(secretsDir, leak),
    secretsDir,
    runsDir,
  };
  const configFile = join(await mkdtemp(join(tmpdir(), 'ccci-e2e-secrets-config-')), 'ccci.json');
  await writeFile(configFile, JSON.stringify(config));
  const run = await execa(ccciBin, ['run', fixture('web'), '--ref', 'pr/1', '--pr', '1', '--config', configFile], {
    reject: false,
    all: true,
  });
  const [runId] = await readdir(runsDir);
  const runDir = join(runsDir, runId!);
  const results = Results.parse(JSON.parse(await readFile(join(runDir, 'results.json'), 'utf8')));
  return { output: run.all, results, runDir };
}

async function artifactsText(runDir: string): Promise<string> {
  const reports = await readdir(join(runDir, 'tiers'));
  const texts = await Promise.all([
    readFile(join(runDir, 'run.log'), 'utf8'),
    readFile(join(runDir, 'results.json'), 'utf8'),
    ...reports.map((report) => readFile(join(runDir, 'tiers', report), 'utf8')),
  ]);
  return texts.join('\n');
}

test.serial('secrets hooks print reach no terminal line and no artifact, and noSecretLeak is true', async (t) => {
  const { output, results, runDir } = await secretRun(false);
  t.is(results.verdict, 'success', output);
  t.is(results.level, 5);
  for (const secret of [OPERATOR_SECRET, MARKED_SECRET, `greeting-from-the-secrets-dir-${process.pid}`]) {
    t.false(output.includes(secret), `the terminal shows ${secret}`);
    t.false((await artifactsText(runDir)).includes(secret), `an artifact shows ${secret}`);
  }
  // the hook printed each line: masked, not dropped (the app's generated secret too, which only the container knew)
  t.regex(output, /hook: the app secret is \[REDACTED\]/);
  t.regex(output, /hook: the marked secret is \[REDACTED\]/);
  t.regex(output, /hook: the operator secret is \[REDACTED\]/);
  t.regex(output, /hook: again \[REDACTED\] and \[REDACTED\]/);
  t.true((await readFile(join(runDir, 'run.log'), 'utf8')).includes('"operator":"[REDACTED]","app":"[REDACTED]"'));
  t.deepEqual(results.customization.nonDefaultKeys, {
    EXTRA_ENV: { MOTD_NOTE: 'secret (masked)', GREETING: 'secret (file greeting of the secrets dir)' },
  });
  t.true(results.flags.noSecretLeak);
  t.deepEqual(results.secretScan.leaked, []);
  t.true(results.secretScan.scanned.includes('run.log') && results.secretScan.scanned.includes('results.json'));
  t.true(results.secretScan.scanned.some((artifact) => artifact.startsWith('tiers/')));
});

test.serial('a secret written into the run log past the redactor makes noSecretLeak false and names the artifact', async (t) => {
  const { output, results } = await secretRun(true);
  t.false(results.flags.noSecretLeak);
  t.deepEqual(results.secretScan.leaked, ['run.log']);
  t.regex(output, /a known secret value appears unmasked in artifacts of this run/);
  // presentation never changes a verdict
  t.is(results.verdict, 'success');
  t.is(results.rungs.functional.status, 'pass');
  t.false(output.includes(OPERATOR_SECRET));
});
