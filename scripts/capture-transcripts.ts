// Captures what a maintainer sees, from real runs on the test bed, into docs/cli.md: a green run, a
// failing run, a run that waited on a lock, a cancelled run and a janitor pass. The drift test
// (test/e2e/transcripts.test.ts) captures them again and compares, with times and ids normalized.
//
//   node --import tsx scripts/capture-transcripts.ts     (needs test/bed/testbed.sh up)
import { execa, type ResultPromise } from 'execa';
import { readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { fileURLToPath } from 'node:url';
import { LOCK_STALE_MS } from '../src/io/lock.js';
import { deployApp } from '../test/helpers/deploy-app.js';
import { holdLock } from '../test/helpers/lock-holder.js';
import { bedConfig, bedConfigFile, bedDir, ccciBin, fixture } from '../test/helpers/test-bed.js';

export const CLI_DOC = 'docs/cli.md';
const repoRoot = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '');

export interface Transcript {
  readonly name: 'green' | 'failing' | 'lock-wait' | 'cancelled' | 'janitor';
  /** The command as a reader would type it. */
  readonly command: string;
  /** What it printed (stdout and stderr as a terminal shows them), paths inside the repository as <cc-ci>/…. */
  readonly output: string;
}

function shown(text: string): string {
  return text.replaceAll(repoRoot, '<cc-ci>').replace(/\s+$/, '');
}

function runArgs(recipe: string, pr: string): string[] {
  return ['run', fixture(recipe), '--ref', 'pr/1', '--pr', pr, '--config', bedConfigFile];
}

function commandLine(args: readonly string[]): string {
  return `bin/ccci ${args.join(' ')}`.replaceAll(bedDir, '<bed>');
}

const OPTIONS = { all: true, reject: false, forceKillAfterDelay: false } as const;
type Running = ResultPromise<typeof OPTIONS>;

function start(args: readonly string[]): Running {
  return execa(ccciBin, [...args], OPTIONS);
}

/** Resolves when the running command has printed a line matching `pattern`. */
function printed(child: Running, pattern: RegExp): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    child.all!.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (pattern.test(seen)) resolve();
    });
    void child.then(() => reject(new Error(`the command ended before printing ${pattern}:\n${seen}`)));
  });
}

async function green(): Promise<Transcript> {
  const args = runArgs('web', '11');
  return { name: 'green', command: commandLine(args), output: shown((await start(args)).all) };
}

async function failing(): Promise<Transcript> {
  const args = runArgs('crash-loop', '12');
  return { name: 'failing', command: commandLine(args), output: shown((await start(args)).all) };
}

async function lockWait(): Promise<Transcript> {
  const args = runArgs('web', '13');
  const holder = start(args);
  await printed(holder, /^ {2}lock /m);
  const waiter = start(args);
  await holder;
  return { name: 'lock-wait', command: commandLine(args), output: shown((await waiter).all) };
}

async function cancelled(): Promise<Transcript> {
  const args = runArgs('web', '14');
  const run = start(args);
  await printed(run, /^ {2}install /m);
  run.kill('SIGTERM');
  return {
    name: 'cancelled',
    command: `${commandLine(args)}   # then SIGTERM (Ctrl-C sends SIGINT, alike) during the upgrade`,
    output: shown((await run).all),
  };
}

async function janitorPass(): Promise<Transcript> {
  const config = await bedConfig();
  const orphan = `jant-0a1b2c.${config.ciDomain}`;
  const deadHolder = `jant-3d4e5f.${config.ciDomain}`;
  await deployApp(orphan);
  await deployApp(deadHolder);
  const { process: holder } = await holdLock(config.lockDir, deadHolder);
  holder.kill('SIGKILL');
  await holder;
  const args = ['janitor', '--config', bedConfigFile];
  const pass = await start(args);
  // leave nothing behind: once the dead holder's lock is stale, a second pass reaps its app
  await new Promise((resolve) => setTimeout(resolve, LOCK_STALE_MS + 1_000));
  await start(args);
  return { name: 'janitor', command: commandLine(args), output: shown(pass.all) };
}

/** Every transcript, captured in turn (they share the swarm and the janitor). */
export async function captureTranscripts(): Promise<Transcript[]> {
  return [await green(), await failing(), await lockWait(), await cancelled(), await janitorPass()];
}

/** Lines whose place depends on timing: lint runs beside the lock and deploy; stderr and stdout interleave. */
const FLOATING = /^ {2}(lint |warning: |error: |waiting for the lock )/;

/**
 * What stays the same from one capture to the next: ids, times, durations, pids and the host masked,
 * the lines whose place depends on timing compared apart (sorted, after the rest).
 */
export function normalizeTranscript(output: string): string[] {
  const lines = output
    .replaceAll(hostname(), '<host>')
    .replace(/\bholder-\d+/g, 'holder-<pid>')
    .replace(/\d{8}T\d{6}Z-[0-9a-f]{6}(?:-p\d+)?/g, '<run-id>')
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z/g, '<time>')
    .replace(/\b\d\d:\d\d:\d\dZ?\b/g, '<clock>')
    .replace(/\bpid \d+/g, 'pid <pid>')
    .replace(/\d+(?:\.\d+)?s\b/g, '<s>')
    .replace(/\b\d+ (s|min)\b/g, '<n> $1')
    .split('\n')
    // how often a waiting run repeats its line depends on how long the other run takes
    .filter((line) => !line.startsWith('  still waiting for the lock'));
  const squeeze = (line: string) => line.replace(/\s+/g, ' ').trimEnd();
  return [
    ...lines.filter((line) => !FLOATING.test(line)).map(squeeze),
    '-- lines whose place depends on timing --',
    ...lines
      .filter((line) => FLOATING.test(line))
      .map(squeeze)
      .sort(),
  ];
}

const BEGIN = (name: string) => `<!-- transcript:${name} (written by scripts/capture-transcripts.ts) -->`;
const END = '<!-- /transcript -->';

/** The transcripts docs/cli.md shows, by name. */
export function transcriptsIn(doc: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const match of doc.matchAll(
    /<!-- transcript:([\w-]+) \(written by scripts\/capture-transcripts\.ts\) -->\n```\n([\s\S]*?)\n```\n<!-- \/transcript -->/g,
  )) {
    found.set(match[1]!, match[2]!);
  }
  return found;
}

export function renderTranscript(transcript: Transcript): string {
  return `${BEGIN(transcript.name)}\n\`\`\`\n$ ${transcript.command}\n${transcript.output}\n\`\`\`\n${END}`;
}

/** docs/cli.md with each transcript block replaced by a fresh capture. */
export function withTranscripts(doc: string, transcripts: readonly Transcript[]): string {
  let out = doc;
  for (const transcript of transcripts) {
    const pattern = new RegExp(`${BEGIN(transcript.name).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\n[\\s\\S]*?${END}`);
    if (!pattern.test(out)) throw new Error(`${CLI_DOC} has no block for the transcript ${transcript.name}`);
    out = out.replace(pattern, () => renderTranscript(transcript));
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = fileURLToPath(new URL(`../${CLI_DOC}`, import.meta.url));
  const transcripts = await captureTranscripts();
  await writeFile(file, withTranscripts(await readFile(file, 'utf8'), transcripts));
  console.log(`wrote ${transcripts.length} transcripts into ${CLI_DOC}`);
}
