// writeResults: validated, written to a temporary file and renamed into place.
import test from 'ava';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Results } from '../../../src/results/schema.js';
import { writeResults } from '../../../src/results/write-results.js';

function results(): Results {
  return {
    schema: 1,
    runId: '20240305T070809Z-0a1b2c',
    recipe: 'web',
    ref: 'a'.repeat(40),
    pr: null,
    domain: 'web-0a1b2c.ci.test',
    baseVersion: null,
    headVersion: null,
    startedAt: '2024-03-05T07:08:09.000Z',
    finishedAt: '2024-03-05T07:08:10.000Z',
    verdict: 'bad-input',
    exitCode: 2,
    abortReason: null,
    level: 0,
    rungs: {
      install: { status: 'unver', reason: 'not run: prepare failed: no compose.yml', cause: 'infra' },
      upgrade: { status: 'unver', reason: 'not run: prepare failed: no compose.yml', cause: 'infra' },
      backup_restore: { status: 'unver', reason: 'not run: prepare failed: no compose.yml', cause: 'infra' },
      functional: { status: 'unver', reason: 'not run: prepare failed: no compose.yml', cause: 'infra' },
      lint: { status: 'unver', reason: 'not run: prepare failed', cause: 'not-run' },
    },
    tiers: [],
    deploys: { expected: 0, actual: 0 },
    lint: { status: 'unver', rulesFailed: [], warnings: [], detail: 'not run' },
    flags: { cleanTeardown: true, noSecretLeak: true },
    secretScan: { scanned: ['run.log', 'results.json'], leaked: [] },
    teardown: { ran: false, complete: false, leftovers: [], errors: [] },
    customization: {},
    artifacts: { log: 'run.log', card: null, screenshot: null, problems: [] },
  };
}

async function withRunDirectory(run: (directory: string) => Promise<void>): Promise<void> {
  const directory = await mkdtemp(join(tmpdir(), 'ccci-write-results-'));
  try {
    await run(directory);
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

test('writeResults writes results.json that parses back to the same record, and leaves no temporary file', async (t) => {
  await withRunDirectory(async (directory) => {
    const target = await writeResults(directory, results());
    t.is(target, join(directory, 'results.json'));
    const text = await readFile(target, 'utf8');
    t.true(text.endsWith('}\n'));
    t.deepEqual(Results.parse(JSON.parse(text)), results());
    t.deepEqual(await readdir(directory), ['results.json']);
    t.is((await stat(target)).mode & 0o133, 0, 'no execute bits, not writable by group or others');
  });
});

test('writeResults replaces an earlier results.json whole', async (t) => {
  await withRunDirectory(async (directory) => {
    await writeResults(directory, { ...results(), recipe: 'a-recipe-with-a-much-longer-name-than-the-next' });
    await writeResults(directory, results());
    t.deepEqual(JSON.parse(await readFile(join(directory, 'results.json'), 'utf8')), results());
    t.deepEqual(await readdir(directory), ['results.json']);
  });
});

test('invalid results throw and write nothing', async (t) => {
  await withRunDirectory(async (directory) => {
    const invalid = { ...results(), level: 9 } as Results;
    const error = await t.throwsAsync(writeResults(directory, invalid));
    t.is(error?.name, 'ZodError');
    t.deepEqual(await readdir(directory), []);
  });
});

test('invalid results leave an earlier results.json untouched', async (t) => {
  await withRunDirectory(async (directory) => {
    await writeResults(directory, results());
    const before = await readFile(join(directory, 'results.json'), 'utf8');
    await t.throwsAsync(writeResults(directory, { ...results(), unknown: 1 } as Results));
    t.is(await readFile(join(directory, 'results.json'), 'utf8'), before);
    t.deepEqual(await readdir(directory), ['results.json']);
  });
});

test('a missing run directory is an error, not a silent success', async (t) => {
  await withRunDirectory(async (directory) => {
    const error = await t.throwsAsync(writeResults(join(directory, 'absent'), results()));
    t.is((error as NodeJS.ErrnoException).code, 'ENOENT');
  });
});
