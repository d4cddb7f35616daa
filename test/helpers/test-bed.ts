// Access to the local test bed (test/bed/testbed.sh up) from tests: its config, fixtures and ccci runs.
import { execa } from 'execa';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../src/config/load-config.js';
import type { Config } from '../../src/config/schema.js';
import { createDocker } from '../../src/io/docker.js';
import { silentLogger } from '../../src/io/log.js';
import { parseRunEvent, type RunEvent } from '../../src/results/run-events.js';
import { Results } from '../../src/results/schema.js';

export const bedDir = process.env.CCCI_TESTBED_DIR ?? '/var/lib/ccci-testbed';
export const bedConfigFile = join(bedDir, 'ccci.json');
export const ccciBin = fileURLToPath(new URL('../../bin/ccci', import.meta.url));

export async function bedConfig(): Promise<Config> {
  return loadConfig(bedConfigFile);
}

export function fixture(name: string): string {
  return join(bedDir, 'recipes', name);
}

/**
 * Every line `ccci run --json` printed, as events of the published schema (src/results/run-events.ts):
 * a line that is not one fails the test that ran it.
 */
export function runEvents(stdout: string): RunEvent[] {
  return stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const parsed = parseRunEvent(line);
      if ('problem' in parsed) throw new Error(`ccci run --json printed a line that is not a run event: ${line}\n${parsed.problem}`);
      return parsed.event;
    });
}

export interface CcciRun {
  readonly exitCode: number | undefined;
  readonly stdout: string;
  readonly stderr: string;
  readonly events: RunEvent[];
  readonly results: Results | undefined;
}

/** Runs `ccci run` as a real child process with --json and reads its results.json. */
export async function runCcci(commandArguments: readonly string[], options: { runsDir: string }): Promise<CcciRun> {
  const child = await execa(ccciBin, ['run', ...commandArguments, '--config', bedConfigFile, '--runs-dir', options.runsDir, '--json'], {
    reject: false,
    timeout: 15 * 60_000,
  });
  const events = runEvents(child.stdout);
  const finished = events.find((event) => event.event === 'run.finished');
  const results = finished === undefined ? undefined : Results.parse(JSON.parse(await readFile(finished.results, 'utf8')));
  return { exitCode: child.exitCode, stdout: child.stdout, stderr: child.stderr, events, results };
}

/** Everything docker still has of a stack: services, containers, volumes, secrets, configs, networks. */
export async function stackLeftovers(stack: string): Promise<string[]> {
  const objects = await createDocker({ log: silentLogger }).stackObjects(stack);
  return Object.entries(objects).flatMap(([kind, names]) => (names as string[]).map((name) => `${kind}: ${name}`));
}
