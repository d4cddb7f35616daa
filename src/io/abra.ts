// The abra adapter: the only place cc-ci calls abra. Every call is non-interactive and offline (-n -o).
import { CommandError, describeCommand, runCommand, type CommandOptions, type CommandResult } from './exec.js';
import type { Logger } from './log.js';
import { redactor } from './redact.js';

export interface AbraSettings {
  readonly bin: string;
  /** The run's own ABRA_DIR. */
  readonly abraDir: string;
  readonly server: string;
  /** Give abra a terminal through `script` (abra 0.13 insists on one even with -n). */
  readonly tty: boolean;
  readonly log: Logger;
}

export interface LintReport {
  readonly rulesFailed: readonly string[];
  readonly warnings: readonly string[];
  readonly output: string;
}

export interface Abra {
  /** `abra app new`: env file from .env.sample and all secrets generated; checks out `version` unless chaos. */
  appNew(
    input: { recipe: string; domain: string; version: string | null; chaos: boolean },
    signal?: AbortSignal,
  ): Promise<{ table: GeneratedSecret[] }>;
  /** `abra app deploy` without abra's own convergence wait: cc-ci waits itself, with crash-loop detection. */
  appDeploy(input: { domain: string; version: string | null; chaos: boolean; force: boolean }, signal?: AbortSignal): Promise<void>;
  appUndeploy(domain: string, signal?: AbortSignal): Promise<CommandResult>;
  /** Removes the app's volumes, secrets, configs and env file. */
  appRemove(domain: string, signal?: AbortSignal): Promise<CommandResult>;
  /** Returns the id of the snapshot created. */
  backupCreate(domain: string, signal?: AbortSignal): Promise<string>;
  backupSnapshots(domain: string, signal?: AbortSignal): Promise<string[]>;
  restore(domain: string, snapshotId: string, signal?: AbortSignal): Promise<void>;
  recipeLint(recipe: string, signal?: AbortSignal): Promise<LintReport>;
}

const COMMON_FLAGS = ['-n', '-o'];

/** Parses abra's lint table: rows carry a rule id, a severity and ✅/❌ for satisfied and skipped. */
export function parseLintTable(output: string): { rulesFailed: string[]; warnings: string[]; rows: number } {
  const rulesFailed: string[] = [];
  const warnings: string[] = [];
  let rows = 0;
  for (const line of output.split('\n')) {
    const cells = line.split(/[|│┃]/).map((cell) => cell.trim());
    const ref = cells.find((cell) => /^R\d{3}$/.test(cell));
    const severity = cells.find((cell) => /^(warn|error|critical)$/i.test(cell));
    if (ref === undefined || severity === undefined) continue;
    rows++;
    const marks = cells.filter((cell) => cell === '✅' || cell === '❌');
    const [satisfied, skipped] = marks;
    if (satisfied !== '❌' || skipped === '✅') continue;
    if (/^warn$/i.test(severity)) warnings.push(ref);
    else rulesFailed.push(ref);
  }
  return { rulesFailed, warnings, rows };
}

export interface GeneratedSecret {
  readonly name: string;
  readonly value: string;
}

/** Rows of the secret table `abra app new --secrets` prints: the column headed …NAME and the one headed …VALUE. */
export function parseGeneratedSecretTable(output: string): GeneratedSecret[] {
  const rows: GeneratedSecret[] = [];
  let columns: { name: number; value: number } | undefined;
  for (const line of output.split('\n')) {
    if (line.trim() !== '' && !/[A-Za-z0-9]/.test(line)) continue; // a table border
    const cells = line.split(/[|│┃]/).map((cell) => cell.trim());
    if (cells.length < 3) {
      columns = undefined;
      continue;
    }
    const value = cells.findIndex((cell) => /\bVALUE\b/i.test(cell));
    if (value !== -1) columns = { value, name: cells.findIndex((cell) => /\bNAME\b/i.test(cell)) };
    else if (columns !== undefined && cells[columns.value] !== undefined && cells[columns.value] !== '') {
      rows.push({ name: cells[columns.name] ?? '', value: cells[columns.value]! });
    }
  }
  return rows;
}

export function createAbra(settings: AbraSettings): Abra {
  async function abra(commandArguments: readonly string[], signal: AbortSignal | undefined, extra: Partial<CommandOptions> = {}) {
    const argv = [settings.bin, ...commandArguments, ...COMMON_FLAGS] as const;
    const wrapped: readonly [string, ...string[]] = settings.tty
      ? ['script', '-qefc', describeCommand(argv), '/dev/null']
      : (argv as unknown as [string, ...string[]]);
    return runCommand(wrapped, {
      log: settings.log,
      signal,
      env: { ABRA_DIR: settings.abraDir, TERM: 'dumb', NO_COLOR: '1' },
      outputLevel: 'info',
      ...extra,
    });
  }
  async function checked(commandArguments: readonly string[], signal: AbortSignal | undefined) {
    const result = await abra(commandArguments, signal);
    if (result.failed) throw new CommandError(result);
    return result;
  }
  return {
    async appNew({ recipe, domain, version, chaos }, signal) {
      // abra prints the generated secrets: register them with the redactor before any line is logged
      const result = await abra(
        [
          'app',
          'new',
          recipe,
          ...(version === null ? [] : [version]),
          '--server',
          settings.server,
          '--domain',
          domain,
          '--secrets',
          ...(chaos ? ['--chaos'] : []),
        ],
        signal,
        { outputLevel: 'none' },
      );
      const table = parseGeneratedSecretTable(result.stdout);
      for (const secret of table) redactor.add(secret.value);
      for (const line of `${result.stdout}\n${result.stderr}`.split('\n')) if (line.trim() !== '') settings.log.info(redactor.redact(line));
      if (result.failed) throw new CommandError(result);
      return { table };
    },
    async appDeploy({ domain, version, chaos, force }, signal) {
      await checked(
        [
          'app',
          'deploy',
          domain,
          ...(version === null ? [] : [version]),
          '--no-converge-checks',
          ...(chaos ? ['--chaos'] : []),
          ...(force ? ['--force'] : []),
        ],
        signal,
      );
    },
    appUndeploy: (domain, signal) => abra(['app', 'undeploy', domain], signal),
    appRemove: (domain, signal) => abra(['app', 'remove', domain, '--force'], signal),
    async backupCreate(domain, signal) {
      const result = await checked(['app', 'backup', 'create', domain], signal);
      const match = /snapshot ([0-9a-f]{8,64}) saved/.exec(`${result.stdout}\n${result.stderr}`);
      if (!match)
        throw new Error(
          `abra app backup create ${domain} succeeded but printed no "snapshot <id> saved" line:\n${result.stdout.slice(-2000)}`,
        );
      return match[1]!;
    },
    async backupSnapshots(domain, signal) {
      const result = await checked(['app', 'backup', 'snapshots', domain], signal);
      return [...result.stdout.matchAll(/^\s*([0-9a-f]{8,64})\b/gm)].map((match) => match[1]!);
    },
    async restore(domain, snapshotId, signal) {
      await checked(['app', 'restore', domain, '--snapshot', snapshotId], signal);
    },
    async recipeLint(recipe, signal) {
      const result = await checked(['recipe', 'lint', recipe, '--chaos'], signal);
      const table = parseLintTable(result.stdout);
      if (table.rows === 0) throw new Error(`abra recipe lint ${recipe} printed no rule table:\n${result.stdout.slice(-2000)}`);
      return { rulesFailed: table.rulesFailed, warnings: table.warnings, output: result.stdout };
    },
  };
}
