// `ccci run` arguments: checked before anything touches the swarm; every mistake is a UsageError with a clear message.
import test from 'ava';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseRunArguments, UsageError, type RunArguments } from '../../../src/cli/parse-run-arguments.js';

let root = '';
let recipeDir = '';
let bareRepo = '';

test.before(async () => {
  root = await mkdtemp(join(tmpdir(), 'ccci-args-'));
  recipeDir = join(root, 'My_Recipe');
  bareRepo = join(root, 'x', 'web.git');
  await mkdir(recipeDir);
  await mkdir(bareRepo, { recursive: true });
});

test.after.always(async () => {
  await rm(root, { recursive: true, force: true });
});

function usageError(t: import('ava').ExecutionContext, argv: readonly string[], message: string): void {
  const error = t.throws(() => parseRunArguments(argv, {}), { instanceOf: UsageError });
  t.is(error?.message, message);
  t.is(error?.name, 'UsageError');
  t.is((error as UsageError | undefined)?.code, 'bad-usage');
}

test('a recipe path alone gives the defaults', (t) => {
  t.deepEqual(parseRunArguments([recipeDir], {}), {
    source: recipeDir,
    recipe: 'my-recipe',
    ref: undefined,
    pr: null,
    configFile: '/etc/cc-ci/config.json',
    runsDir: undefined,
    server: undefined,
    deadlineMinutes: undefined,
    runId: undefined,
    json: false,
    inspect: undefined,
  } satisfies RunArguments);
});

test('every option is read', (t) => {
  const argv = [
    recipeDir,
    '--ref',
    'feature/x-1.2',
    '--pr',
    '42',
    '--name',
    'web',
    '--config',
    '/srv/c.json',
    '--runs-dir',
    '/srv/runs',
    '--server',
    'swarm2',
    '--deadline',
    '12.5',
    '--run-id',
    '20261202T134057Z-dcceb2',
    '--json',
  ];
  t.deepEqual(parseRunArguments(argv, { CCCI_CONFIG: '/ignored.json' }), {
    source: recipeDir,
    recipe: 'web',
    ref: 'feature/x-1.2',
    pr: '42',
    configFile: '/srv/c.json',
    runsDir: '/srv/runs',
    server: 'swarm2',
    deadlineMinutes: 12.5,
    runId: '20261202T134057Z-dcceb2',
    json: true,
    inspect: undefined,
  } satisfies RunArguments);
});

test('options may come before the recipe and use = syntax', (t) => {
  const parsed = parseRunArguments(['--pr=7', '--ref=abc123', recipeDir], {});
  t.is(parsed.pr, '7');
  t.is(parsed.ref, 'abc123');
  t.is(parsed.source, recipeDir);
});

test('the configuration file comes from CCCI_CONFIG when --config is not given', (t) => {
  t.is(parseRunArguments([recipeDir], { CCCI_CONFIG: '/srv/ccci.json' }).configFile, '/srv/ccci.json');
});

test('a relative recipe path is resolved from the working directory', (t) => {
  t.is(parseRunArguments([relative(process.cwd(), recipeDir)], {}).source, recipeDir);
});

test('a trailing slash does not change the recipe name', (t) => {
  t.is(parseRunArguments([`${recipeDir}/`], {}).recipe, 'my-recipe');
});

test('the recipe name of a path ending in .git drops the suffix', (t) => {
  const parsed = parseRunArguments([bareRepo], {});
  t.is(parsed.recipe, 'web');
  t.is(parsed.source, bareRepo);
});

test('the recipe name of /tmp/x/web.git as a file URL is web', (t) => {
  t.deepEqual(
    [parseRunArguments(['file:///tmp/x/web.git'], {}).recipe, parseRunArguments(['file:///tmp/x/web.git'], {}).source],
    ['web', 'file:///tmp/x/web.git'],
  );
});

const gitUrl = test.macro({
  exec(t, url: string, recipe: string) {
    const parsed = parseRunArguments([url], {});
    t.is(parsed.source, url);
    t.is(parsed.recipe, recipe);
  },
  title: (_providedTitle, url: string, recipe: string) => `the git URL ${url} is accepted without existing, as recipe ${recipe}`,
});

test(gitUrl, 'https://git.coopcloud.tech/coop-cloud/keycloak.git', 'keycloak');
test(gitUrl, 'https://git.coopcloud.tech/coop-cloud/keycloak/', 'keycloak');
test(gitUrl, 'http://localhost:3000/org/Web_App', 'web-app');
test(gitUrl, 'ssh://git@example.org:2222/org/matrix-synapse.git', 'matrix-synapse');
test(gitUrl, 'git@git.coopcloud.tech:coop-cloud/nextcloud.git', 'nextcloud');

test('--name overrides the derived recipe name, normalized', (t) => {
  t.is(parseRunArguments(['https://example.org/org/something.git', '--name', 'Key_Cloak'], {}).recipe, 'key-cloak');
  t.is(parseRunArguments([bareRepo, '--name', 'other'], {}).recipe, 'other');
});

test('a missing recipe is a usage error', (t) => {
  usageError(t, [], 'missing the recipe: give a path to a recipe repository or a git URL');
  usageError(t, ['--pr', '1'], 'missing the recipe: give a path to a recipe repository or a git URL');
});

test('two recipes are a usage error', (t) => {
  usageError(t, [recipeDir, bareRepo], `expected one recipe, got 2: ${recipeDir} ${bareRepo}`);
});

test('a recipe path that does not exist is a usage error with the resolved path', (t) => {
  const absent = join(root, 'absent');
  usageError(t, [absent], `recipe path ${absent} does not exist`);
  usageError(t, [relative(process.cwd(), absent)], `recipe path ${absent} does not exist`);
});

test('a recipe name that normalizes to nothing is a usage error', (t) => {
  usageError(t, ['https://example.org/___.git'], 'cannot derive a recipe name from https://example.org/___.git; pass --name');
});

const badOption = test.macro({
  exec(t, option: string, value: string, message: string) {
    usageError(t, [recipeDir, `${option}=${value}`], message);
  },
  title: (_providedTitle, option: string, value: string) => `${option}=${JSON.stringify(value)} is a usage error`,
});

test(badOption, '--pr', 'abc', '--pr "abc" must be a pull request number');
test(badOption, '--pr', '#12', '--pr "#12" must be a pull request number');
test(badOption, '--pr', '1.5', '--pr "1.5" must be a pull request number');
test(badOption, '--pr', '', '--pr "" must be a pull request number');
test(badOption, '--ref', 'has space', '--ref "has space" is not a commit, branch or tag name');
test(badOption, '--ref', '/leading-slash', '--ref "/leading-slash" is not a commit, branch or tag name');
test(badOption, '--ref', 'a;rm -rf', '--ref "a;rm -rf" is not a commit, branch or tag name');
test(badOption, '--ref', '', '--ref "" is not a commit, branch or tag name');
test(badOption, '--deadline', 'soon', '--deadline "soon" must be a positive number of minutes');
test(badOption, '--deadline', '0', '--deadline "0" must be a positive number of minutes');
test(badOption, '--deadline', '-5', '--deadline "-5" must be a positive number of minutes');
test(badOption, '--deadline', 'Infinity', '--deadline "Infinity" must be a positive number of minutes');
test(badOption, '--deadline', '', '--deadline "" must be a positive number of minutes');
test(badOption, '--run-id', '../etc', '--run-id "../etc" is not a run id (like 20261202T134057Z-dcceb2)');
test(badOption, '--run-id', '20261202T134057Z', '--run-id "20261202T134057Z" is not a run id (like 20261202T134057Z-dcceb2)');

test("an unknown flag is a usage error with node's message", (t) => {
  usageError(
    t,
    [recipeDir, '--force'],
    "Unknown option '--force'. To specify a positional argument starting with a '-', place it at the end of the command after '--', as in '-- \"--force\"",
  );
});

test('an option without its value is a usage error', (t) => {
  usageError(t, [recipeDir, '--ref'], "Option '--ref <value>' argument missing");
});

test('--json takes no value', (t) => {
  usageError(t, [recipeDir, '--json=yes'], "Option '--json' does not take an argument");
});

test('--inspect takes a WebSocket URL and nothing else', (t) => {
  t.is(parseRunArguments([recipeDir, '--inspect', 'ws://127.0.0.1:8080'], {}).inspect, 'ws://127.0.0.1:8080');
  t.is(parseRunArguments([recipeDir, '--inspect', 'wss://inspect.example.org/x'], {}).inspect, 'wss://inspect.example.org/x');
  for (const bad of ['http://127.0.0.1:8080', 'ws://', '127.0.0.1:8080'])
    t.throws(() => parseRunArguments([recipeDir, '--inspect', bad], {}), {
      instanceOf: UsageError,
      message: `--inspect "${bad}" is not a WebSocket URL (ws://host:port or wss://host:port)`,
    });
});
