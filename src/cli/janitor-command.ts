// `ccci janitor [--dry-run]`: one janitor pass by hand; a table of its decisions on stdout, its log on stderr.
import { parseArgs } from 'node:util';
import { liveSweep } from '../actors/sweep-leftovers.js';
import { ConfigError, loadConfig } from '../config/load-config.js';
import { registerOperatorSecrets } from '../config/operator-secrets.js';
import { redactProcessOutput } from '../io/redact-process-output.js';
import { EXIT_CODES } from '../domain/exit-codes.js';
import { createLogger } from '../io/log.js';
import { pruneRunDirs, type PrunedRunDir } from '../io/prune-run-dirs.js';
import { janitorTable } from './janitor-table.js';

export const JANITOR_USAGE = `Usage: ccci janitor [--dry-run] [--config <file>]

Reaps what dead runs left on the swarm and in the lock dir, following the decision table in
docs/concurrency.md; prints one row per candidate domain (domain, row, action, detail). Then
removes the run directories last written more than runRetentionDays ago, one line each.

  --dry-run        decide and print, reap and remove nothing
  --config <file>  configuration (default: $CCCI_CONFIG or /etc/cc-ci/config.json)
  --help           this text`;

export async function janitorCommand(argv: readonly string[]): Promise<number> {
  let values;
  let config;
  try {
    values = parseArgs({
      args: [...argv],
      strict: true,
      options: { 'dry-run': { type: 'boolean', default: false }, config: { type: 'string' }, help: { type: 'boolean', default: false } },
    }).values;
    if (values.help) {
      process.stdout.write(`${JANITOR_USAGE}\n`);
      return 0;
    }
    config = await loadConfig(values.config ?? process.env.CCCI_CONFIG ?? '/etc/cc-ci/config.json');
    await registerOperatorSecrets(config);
    redactProcessOutput();
  } catch (error) {
    process.stderr.write(`ccci janitor: ${(error as Error).message}\n${error instanceof TypeError ? `\n${JANITOR_USAGE}\n` : ''}`);
    return error instanceof ConfigError || error instanceof TypeError ? EXIT_CODES.badInput : EXIT_CODES.error;
  }
  const log = createLogger({ stderrLevel: 'warn', stderrFormat: 'human' });
  let decisions;
  let pruned;
  try {
    decisions = await liveSweep(config, log, { dryRun: values['dry-run'] })(AbortSignal.timeout(30 * 60_000));
    pruned = await pruneRunDirs(config.runsDir, config.runRetentionDays, { log, dryRun: values['dry-run'] });
  } catch (error) {
    process.stderr.write(`ccci janitor: the pass stopped: ${(error as Error).message}\n`);
    return EXIT_CODES.error;
  }
  process.stdout.write([...janitorTable(decisions), ...prunedLines(pruned, config.runRetentionDays)].map((line) => `${line}\n`).join(''));
  const failed =
    decisions.some((decision) => decision.action === 'failed' || decision.row === 'lock-dir-missing') ||
    pruned.some((entry) => entry.action === 'failed');
  return failed ? EXIT_CODES.error : 0;
}

function prunedLines(pruned: readonly PrunedRunDir[], retentionDays: number): string[] {
  return pruned.map(
    (entry) =>
      `run dir ${entry.runId}  ${entry.action}  last written ${entry.lastWrite}, over ${retentionDays} days ago${entry.error === undefined ? '' : `: ${entry.error}`}`,
  );
}
