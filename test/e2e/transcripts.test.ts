// docs/cli.md shows real transcripts; this captures them again from real runs on the test bed and
// requires the same lines (ids, times, durations, pids and the host aside), then reads a failing and
// a waiting run line by line for what a maintainer must be told — once, readably.
import test from 'ava';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { captureTranscripts, CLI_DOC, normalizeTranscript, transcriptsIn, type Transcript } from '../../scripts/capture-transcripts.js';

const doc = await readFile(fileURLToPath(new URL(`../../${CLI_DOC}`, import.meta.url)), 'utf8');
let captured: Transcript[] = [];

test.before(async (t) => {
  t.timeout(10 * 60_000);
  captured = await captureTranscripts();
});

function byName(name: Transcript['name']): string[] {
  return captured.find((transcript) => transcript.name === name)!.output.split('\n');
}

test('docs/cli.md shows what the runs print now (regenerate: node --import tsx scripts/capture-transcripts.ts)', (t) => {
  const shown = transcriptsIn(doc);
  t.deepEqual([...shown.keys()], ['green', 'failing', 'lock-wait', 'cancelled', 'janitor']);
  for (const transcript of captured) {
    t.deepEqual(
      normalizeTranscript(`$ ${transcript.command}\n${transcript.output}`),
      normalizeTranscript(shown.get(transcript.name) ?? ''),
      transcript.name,
    );
  }
});

test('a failing run, line by line: readable lines only, the failure said once, the rungs pointing to it, count words, hints', (t) => {
  const lines = byName('failing');
  t.deepEqual(
    lines.filter((line) => /^\s*[{[]/.test(line)),
    [],
    'no logger JSON between the progress lines',
  );
  const failure = lines.find((line) => line.startsWith('  deploy '))!;
  t.regex(
    failure,
    /^ {2}deploy +\d+\.\ds {2}failed: crash-looping: service \S+ has 3 failed tasks; last: Failed \(task: non-zero exit \(3\)\)$/,
  );
  const message = failure.slice(failure.indexOf('failed: ') + 'failed: '.length);
  t.is(lines.filter((line) => line.includes(message)).length, 1, 'the failure message appears once');
  t.true(lines.includes('    install         fail   install failed (see deploy above)'));
  t.false(lines.some((line) => /\b1 tests\b/.test(line)));
  t.deepEqual(lines.slice(lines.indexOf('  hints:') + 1, lines.indexOf('  hints:') + 3), [
    "    - level 0, not 1: install failed; nothing above L0 can pass until the recipe installs; the failed stage line above says why (prepare when the recipe's own files are broken, else deploy or install), the run log says more",
    '    - no older release to upgrade from: the upgrade was not tested; tag a release older than the head or set UPGRADE_BASE_VERSION',
  ]);
  t.is(lines.at(-2), 'level 0 · verdict failure · exit 1');
  // a tree that customizes only the CI overlay prints one line for it, no manifest fragments
  t.deepEqual(
    lines.slice(
      lines.findIndex((line) => line.startsWith('  customization (')),
      lines.findIndex((line) => line.startsWith('  prepare ')),
    ),
    ['  customization (<cc-ci>/test/bed/ci/crash-loop):', '    CI compose overlay compose.ccci.yml'],
  );
});

test('a run that waited on a lock, line by line: who holds it at once, how long it waited at the end', (t) => {
  const lines = byName('lock-wait');
  t.deepEqual(
    lines.filter((line) => /^\s*[{[]/.test(line)),
    [],
    'no logger JSON between the progress lines',
  );
  const waiting = lines.filter((line) => line.startsWith('  waiting for the lock of '));
  t.is(waiting.length, 1, 'said once');
  t.regex(
    waiting[0]!,
    /^ {2}waiting for the lock of web-[0-9a-f]{6}\.ci\.test, held by run \d{8}T\d{6}Z-[0-9a-f]{6}-p(\d+) \(pid \1 on \S+, since \d{4}-\d\d-\d\dT[\d:.]+Z\)$/,
  );
  t.true(lines.indexOf(waiting[0]!) < lines.findIndex((line) => line.startsWith('  lock ')), 'before the lock stage ends');
  for (const again of lines.filter((line) => line.startsWith('  still waiting')))
    t.regex(again, /^ {2}still waiting for the lock of web-[0-9a-f]{6}\.ci\.test \(\d+ s\)$/);
  t.regex(
    lines.find((line) => line.startsWith('    - waited '))!,
    /^ {4}- waited \d+ s for the domain lock, held by run \d{8}T\d{6}Z-[0-9a-f]{6}-p\d+ \(pid \d+ on \S+, since [^)]+\)$/,
  );
  t.false(
    lines.some((line) => line.startsWith('  janitor: ')),
    "the holder's live app is none of this run's business",
  );
  t.is(lines.at(-2), 'level 5 · verdict success · exit 0');
});
