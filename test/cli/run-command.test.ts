// `ccci run` refuses, before it creates anything, names that the file system, DNS or swarm would refuse
// later (deep inside a clone or a deploy): exit 2 with the name and the limit it exceeds.
import test from 'ava';
import { execa } from 'execa';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CCCI = fileURLToPath(new URL('../../bin/ccci', import.meta.url));

let root = '';
let recipeDir = '';

async function configWith(ciDomain: string): Promise<string> {
  const file = join(root, `config-${ciDomain.length}.json`);
  await writeFile(
    file,
    JSON.stringify({
      abra: { dir: join(root, 'abra'), server: 'swarm.ci.test' },
      ciDomain,
      runsDir: join(root, 'runs'),
      lockDir: join(root, 'locks'),
      customizationDir: join(root, 'recipes'),
    }),
  );
  return file;
}

test.before(async () => {
  root = await mkdtemp(join(tmpdir(), 'ccci-run-command-'));
  recipeDir = join(root, 'web');
  await mkdir(recipeDir);
  await mkdir(join(root, 'recipes'));
});

test.after.always(async () => {
  await rm(root, { recursive: true, force: true });
});

async function createdNothing(t: import('ava').ExecutionContext): Promise<void> {
  t.deepEqual(
    (await readdir(root)).filter((name) => name === 'runs' || name === 'locks' || name === 'abra'),
    [],
  );
}

test('a recipe name over 255 characters: exit 2 with its length and the limit', async (t) => {
  const name = 'r'.repeat(300);
  const run = await execa(CCCI, ['run', recipeDir, '--name', name, '--config', await configWith('ci.test')], { reject: false });
  t.is(run.exitCode, 2, run.stderr);
  t.is(
    run.stderr,
    `ccci run: names too long for this run:\n- recipe name "${'r'.repeat(40)}…" is 300 characters; it becomes a directory name, which allows 255`,
  );
  await createdNothing(t);
});

test('a ciDomain that leaves the stack no room for a service name: exit 2 naming the stack and the limit', async (t) => {
  const ciDomain = `${'d'.repeat(55)}.org`;
  const run = await execa(CCCI, ['run', recipeDir, '--ref', 'main', '--config', await configWith(ciDomain)], { reject: false });
  t.is(run.exitCode, 2, run.stderr);
  t.regex(
    run.stderr,
    /^ccci run: names too long for this run:\n- stack "web-[0-9a-f]{6}_d{55}_org" is 70 characters; services are named <stack>_<service> and swarm allows 63, so a stack allows 61 \(shorten ciDomain\)$/,
  );
  await createdNothing(t);
});

test('a DNS label over 63 characters in ciDomain: exit 2 naming the label', async (t) => {
  const label = 'l'.repeat(64);
  const run = await execa(CCCI, ['run', recipeDir, '--config', await configWith(`${label}.org`)], { reject: false });
  t.is(run.exitCode, 2, run.stderr);
  t.true(run.stderr.includes(`- domain label "${label}" is 64 characters; DNS allows 63`), run.stderr);
  await createdNothing(t);
});
