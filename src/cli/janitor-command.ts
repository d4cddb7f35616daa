// `ccci janitor [--dry-run]`: one janitor pass by hand; a table of its decisions on stdout, its log on stderr.
import { parseArgs } from 'node:util';
import { liveSweep } from '../actors/sweep-leftovers.js';
import { ConfigError, loadConfig } from '../config/load-config.js';
import { registerOperatorSecrets } from '../config/operator-secrets.js';
import { redactProcessOutput } from '../io/redact-process-output.js';
import { EXIT_CODES } from '../domain/exit-codes.js';
import { createLogger } from '../io/log.js';
import { janitorTable } from './janitor-table.js';

export const JANITOR_USAGE = `Usage: ccci janitor [--dry-run] [--config <file>]

Reaps what dead runs left on the swarm and in the lock dir, following the decision table in
docs/concurrency.md; prints one row per candidate domain (domain, row, action, detail).

  --dry-run        decide and print, reap nothing
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
  try {
    decisions = await liveSweep(config, log, { dryRun: values['dry-run'] })(AbortSignal.timeout(30 * 60_000));
  } catch (error) {
    process.stderr.write(`ccci janitor: the pass stopped: ${(error as Error).message}\n`);
    return EXIT_CODES.error;
  }
  process.stdout.write(
    janitorTable(decisions)
      .map((line) => `${line}\n`)
      .join(''),
  );
  return decisions.some((decision) => decision.action === 'failed' || decision.row === 'lock-dir-missing') ? EXIT_CODES.error : 0;
}
