// A tree's own tests import cc-ci as `cc-ci/recipe` too: runTierTests runs real test files from a
// temporary tree outside the package (CommonJS and ES module), in a real `node --test` child, under the
// env contract; the helpers read this run's files.
import test from 'ava';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { runPathsIn } from '../../../src/domain/run-paths.js';
import type { RunIdentity } from '../../../src/domain/run-types.js';
import { silentLogger } from '../../../src/io/log.js';
import { PACKAGE_ROOT } from '../../../src/io/package-root.js';
import { loaderFor, runTierTests, type TierTestsWorld } from '../../../src/run/tier-tests.js';

async function write(file: string, text: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, text);
}

const TREE_TEST = `import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hookValue, readyDependency, tierContext, type DependencyRecord } from 'cc-ci/recipe';

test('the helpers read this run', async () => {
  assert.equal((await tierContext()).appService, 'app-abc123_app');
  assert.equal(await hookValue<string>('seed'), 'f00d');
  const kv: DependencyRecord = await readyDependency('kv');
  assert.equal(kv.domain, 'kv-111111.ci.test');
  await assert.rejects(readyDependency('db'), { message: 'dependency db is not ready: its deploy failed' });
});
`;

test('tree test files outside the package import cc-ci/recipe in the tier test child, as CommonJS and as ES modules', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'ccci-tree-tests-'));
  t.true(relative(PACKAGE_ROOT, root).startsWith('..'));
  const identity: RunIdentity = {
    runId: 'r-package',
    recipe: 'app',
    source: '/nowhere',
    ref: null,
    pr: null,
    domain: 'app-abc123.ci.test',
    stack: 'app-abc123',
    deadlineAt: Date.now() + 60_000,
  };
  const paths = runPathsIn(join(root, 'run'), 'app');
  const context = {
    runId: identity.runId,
    recipe: 'app',
    domain: identity.domain,
    stack: identity.stack,
    appService: 'app-abc123_app',
    healthPath: '/',
    healthOk: [200],
    httpTimeoutSeconds: 5,
    abra: { bin: 'abra', tty: false, server: 'default' },
  };
  await write(paths.contextFile, JSON.stringify(context));
  await write(paths.opStateFile, JSON.stringify({ hooks: { seed: 'f00d' } }));
  const kv = { recipe: 'kv', domain: 'kv-111111.ci.test', stack: 'kv-111111', baseUrl: 'http://127.0.0.1:1', secrets: {} };
  await write(paths.depsFile, JSON.stringify({ kv }));
  await write(paths.depsSkipFile, JSON.stringify({ db: 'its deploy failed' }));
  const commonJs = join(root, 'cjs', 'app', 'custom', 'helpers.test.ts');
  const esm = join(root, 'esm', 'app', 'custom', 'helpers.test.ts');
  await write(commonJs, TREE_TEST);
  await write(esm, TREE_TEST);
  await write(join(root, 'esm', 'package.json'), '{ "type": "module" }\n');

  const world: TierTestsWorld = { identity, paths, log: silentLogger };
  const files = [
    { file: commonJs, label: 'cc-ci cjs/app/custom/helpers.test.ts' },
    { file: esm, label: 'cc-ci esm/app/custom/helpers.test.ts' },
  ];
  const outcome = await runTierTests(world, 'functional', files, 'http://127.0.0.1:1', AbortSignal.timeout(60_000));
  t.is(outcome.runnerProblem, undefined);
  t.deepEqual(
    outcome.tests.map(({ name, status, message }) => ({ name, status, message })),
    files.map(({ label }) => ({ name: `${label}: the helpers read this run`, status: 'pass', message: undefined })),
  );
});

test('the child gets tsx and the package resolution only for TypeScript files', (t) => {
  const typescript = loaderFor([{ file: '/trees/app/custom/a.test.ts', label: null }]);
  t.is(typescript.length, 4);
  t.deepEqual([typescript[0], typescript[2]], ['--import', '--import']);
  t.true(typescript[3]!.endsWith('/src/io/package-resolution.mjs'));
  t.deepEqual(loaderFor([{ file: '/dist/tiers/generic/install.test.mjs', label: null }]), ['--enable-source-maps']);
});
