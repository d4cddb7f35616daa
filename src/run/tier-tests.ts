// Runs a tier's test files with node's test runner in a child process, under the env contract (docs/recipe-customization.md#the-env-contract).
import { mkdir, readFile, realpath, writeFile } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCommand } from '../io/exec.js';
import { packageFile } from '../io/package-root.js';
import { redactor } from '../io/redact.js';
import { PACKAGE_RESOLUTION } from '../recipes/load-customization.js';
import type { TestResult, TierName } from '../domain/tier-result.js';
import { contractEnv } from './contract-env.js';
import type { RunWorld } from './run-world.js';

/** What this actor touches of the run's world. */
export type TierTestsWorld = Pick<RunWorld, 'identity' | 'paths' | 'log'>;

const REPORTER = packageFile('src/tiers/json-reporter.mjs');
const TSX = import.meta.resolve('tsx');
/** True when this code runs from the build in dist/ (bin/ccci), not from the sources under tsx. */
const FROM_BUILD = fileURLToPath(import.meta.url).startsWith(`${packageFile('dist')}${sep}`);

/**
 * Generic assertions every recipe gets (the generic floor), one file per lifecycle op: the build's
 * (plain JavaScript, built beside this code) when cc-ci runs from it, so the runner needs no tsx.
 */
export function genericTestFile(tier: Exclude<TierName, 'functional'>): string {
  return FROM_BUILD ? packageFile(`dist/tiers/generic/${tier}.test.mjs`) : packageFile(`src/tiers/generic/${tier}.test.ts`);
}

/**
 * Node's flags for the test files: tsx only when one of them is TypeScript (a recipe's own tests), and
 * then `cc-ci/recipe` resolving to this package wherever the tree lies.
 */
export function loaderFor(files: readonly TierTestFile[]): string[] {
  return files.some((entry) => /\.[cm]?tsx?$/.test(entry.file))
    ? ['--import', TSX, '--import', PACKAGE_RESOLUTION]
    : ['--enable-source-maps'];
}

/** A test file of a tier; `label` prefixes its test names (null for the generic file). */
export interface TierTestFile {
  readonly file: string;
  readonly label: string | null;
}

export interface TierTestOutcome {
  readonly tests: TestResult[];
  /** Set when the runner itself failed (crashed, timed out, was stopped) rather than a test. */
  readonly runnerProblem: string | undefined;
}

export async function runTierTests(
  world: TierTestsWorld,
  tier: TierName,
  files: readonly TierTestFile[],
  baseUrl: string,
  signal: AbortSignal,
): Promise<TierTestOutcome> {
  await mkdir(world.paths.tierReportsDir, { recursive: true });
  const report = join(world.paths.tierReportsDir, `${tier}.jsonl`);
  const result = await runCommand(
    [
      process.execPath,
      ...loaderFor(files),
      '--test',
      '--test-concurrency=1',
      `--test-reporter=${REPORTER}`,
      `--test-reporter-destination=${report}`,
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      ...files.map((entry) => entry.file),
    ],
    {
      log: world.log.child({ tier }),
      env: contractEnv(world, world.identity, tier, baseUrl),
      signal,
      cwd: world.paths.runDir,
      outputLevel: 'info',
    },
  );
  // node --test reports real paths: a customization dir behind a symlink must still find its labels
  const labels = new Map<string, string | null>();
  for (const { file, label } of files) labels.set(await realpath(file).catch(() => file), label);
  // no report at all means the runner died before it wrote one: the outcome says so below
  const text = await readFile(report, 'utf8').catch(() => '');
  // assertion messages may quote secrets: the report stays in the run directory only masked
  const masked = redactor.redact(text);
  if (masked !== text) await writeFile(report, masked);
  const lines = masked.split('\n').filter((line) => line.trim() !== '');
  const tests = lines.map((line) => {
    const entry = JSON.parse(line) as { name: string; file: string | null; status: TestResult['status']; ms: number; message?: string };
    const label = entry.file === null ? null : (labels.get(entry.file) ?? null);
    const prefix = label === null ? '' : `${label}: `;
    return {
      name: `${prefix}${entry.name}`,
      status: entry.status,
      ms: entry.ms,
      ...(entry.message === undefined ? {} : { message: entry.message }),
    };
  });
  const failedTests = tests.some((test) => test.status === 'fail');
  let runnerProblem: string | undefined;
  if (result.stopReason !== undefined) runnerProblem = result.stopReason;
  else if (result.failed && !failedTests)
    runnerProblem = `the test runner ${result.signal === undefined ? `exited with code ${result.exitCode}` : `was killed by ${result.signal}`} without a failing test`;
  return { tests, runnerProblem };
}
