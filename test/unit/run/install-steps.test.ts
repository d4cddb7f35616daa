// runInstallSteps with real bash scripts: the env it passes, a non-zero exit with the stderr tail, death by signal.
import test from 'ava';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InstallStepsError, runInstallSteps } from '../../../src/run/install-steps.js';
import { pino } from 'pino';
import { parseEnv } from '../../../src/io/env-file.js';
import { pathExists } from '../../../src/io/fs.js';
import { silentLogger } from '../../../src/io/log.js';
import type { SourcedFile } from '../../../src/recipes/load-customization.js';
import { CONTRACT_NAMES, INSTALL_STEPS_ENV, type InstallStepsEnv } from '../../../src/tiers/tier-context.js';

const live = (): AbortSignal => new AbortController().signal;

/** A script in a fresh dir, and an env with every contract and install-steps variable set to a distinct value. */
async function setup(body: string): Promise<{ dir: string; script: SourcedFile; env: InstallStepsEnv }> {
  const dir = await mkdtemp(join(tmpdir(), 'ccci-install-steps-'));
  const file = join(dir, 'install_steps.sh');
  await writeFile(file, body);
  const names = [...CONTRACT_NAMES, ...(Object.keys(INSTALL_STEPS_ENV) as (keyof typeof INSTALL_STEPS_ENV)[])];
  const env = Object.fromEntries(names.map((name) => [name, `${name.toLowerCase()} value`])) as InstallStepsEnv;
  return { dir, script: { file, source: 'cc-ci' }, env: { ...env, CCCI_APP_ENV_FILE: join(dir, 'app.env') } };
}

async function failure(promise: Promise<void>): Promise<InstallStepsError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof InstallStepsError) return error;
    throw error;
  }
  throw new Error('test setup: expected runInstallSteps to fail');
}

test('exit 0 resolves; the script sees every variable passed, runs in cwd, and can edit the app env file', async (t) => {
  const { dir, script, env } = await setup('env > "$PWD/seen.env"\necho "SMTP_HOST=mail" >> "$CCCI_APP_ENV_FILE"\necho done\n');
  await runInstallSteps(script, { env, cwd: dir, log: silentLogger, signal: live() });
  const seen = parseEnv(await readFile(join(dir, 'seen.env'), 'utf8'));
  for (const [name, value] of Object.entries(env)) t.is(seen.get(name), value, name);
  t.is(seen.get('PWD'), dir);
  t.is(await readFile(join(dir, 'app.env'), 'utf8'), 'SMTP_HOST=mail\n');
});

test("the script gets only the small inherited base plus what is passed, not the server's whole environment", async (t) => {
  process.env.CCCI_TEST_NOT_PASSED = 'leak';
  t.teardown(() => {
    delete process.env.CCCI_TEST_NOT_PASSED;
  });
  const { dir, script, env } = await setup('env > "$PWD/seen.env"\n');
  await runInstallSteps(script, { env, cwd: dir, log: silentLogger, signal: live() });
  const seen = parseEnv(await readFile(join(dir, 'seen.env'), 'utf8'));
  t.false(seen.has('CCCI_TEST_NOT_PASSED'));
  t.true(seen.has('PATH'));
});

test('exit 3: InstallStepsError with the exit code and only the last 20 stderr lines', async (t) => {
  const { dir, script, env } = await setup('for i in $(seq 1 25); do echo "problem $i" >&2; done\necho "not on stderr"\nexit 3\n');
  const error = await failure(runInstallSteps(script, { env, cwd: dir, log: silentLogger, signal: live() }));
  const tail = Array.from({ length: 20 }, (_, index) => `problem ${index + 6}`).join('\n');
  t.is(error.message, `install_steps.sh (cc-ci, ${script.file}) exited with code 3; stderr tail:\n${tail}`);
  t.is(error.name, 'InstallStepsError');
  t.false(error.message.includes('problem 5\n'));
  t.false(error.message.includes('not on stderr'));
});

test('a failing repo-local script is named as such, and a silent failure says it printed nothing', async (t) => {
  const { dir, script, env } = await setup('echo "stdout only"\nexit 1\n');
  const error = await failure(runInstallSteps({ ...script, source: 'repo-local' }, { env, cwd: dir, log: silentLogger, signal: live() }));
  t.is(error.message, `install_steps.sh (repo-local, ${script.file}) exited with code 1 and printed nothing on stderr`);
});

test('a script killed by SIGKILL: "was killed by SIGKILL"', async (t) => {
  const { dir, script, env } = await setup('echo "about to die" >&2\nkill -9 $$\n');
  const error = await failure(runInstallSteps(script, { env, cwd: dir, log: silentLogger, signal: live() }));
  t.is(error.message, `install_steps.sh (cc-ci, ${script.file}) was killed by SIGKILL; stderr tail:\nabout to die`);
});

test('a run cancelled beforehand rejects with the cancel reason and never starts the script', async (t) => {
  const { dir, script, env } = await setup('echo started > "$PWD/started"\n');
  const controller = new AbortController();
  const reason = new Error('run cancelled');
  controller.abort(reason);
  const error = await t.throwsAsync(runInstallSteps(script, { env, cwd: dir, log: silentLogger, signal: controller.signal }));
  t.is(error, reason);
  t.false(await pathExists(join(dir, 'started')));
});

test('cancelling while the script runs stops it and rejects with the cancel reason, not an InstallStepsError', async (t) => {
  const { dir, script, env } = await setup('echo started\nexec sleep 600\n');
  let started!: () => void;
  const scriptStarted = new Promise<void>((resolve) => {
    started = resolve;
  });
  // the script's output lines reach the run log: watch it for the line that says the script runs
  const log = pino(
    { level: 'info' },
    {
      write(line: string) {
        if ((JSON.parse(line) as { msg?: string }).msg === 'started') started();
      },
    },
  );
  const controller = new AbortController();
  const reason = new Error('run cancelled');
  const running = runInstallSteps(script, { env, cwd: dir, log, signal: controller.signal });
  await scriptStarted;
  controller.abort(reason);
  const error = await t.throwsAsync(running);
  t.is(error, reason);
});
