// `ccci worker --config <file>`: a scale-out CI host (docs/scale-out.md). Exit 0 after a clean stop
// (SIGTERM: its runs tear down first), 2 when the configuration is wrong (nothing started), 1 when it
// could not connect or failed.
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config/load-config.js';
import { registerOperatorSecrets } from '../config/operator-secrets.js';
import { EXIT_CODES } from '../domain/exit-codes.js';
import { createLogger, LOG_LEVELS, type LogLevel } from '../io/log.js';
import { redactProcessOutput } from '../io/redact-process-output.js';
import { runWorker, WorkerSetupError } from '../worker/start-worker.js';

export const WORKER_USAGE = `Usage: ccci worker [--config <file>] [--log-level <level>]

Pulls run requests the daemon published to NATS JetStream and runs each with \`ccci run\` on this
host, at most worker.maxTests at once; reports every run back through JetStream.

  --config <file>       configuration with a "nats" section (default: $CCCI_CONFIG or /etc/cc-ci/config.json)
  --log-level <level>   trace, debug, info (default), warn or error; JSON lines on stderr
  --help                this text`;

export async function workerCommand(argv: readonly string[]): Promise<number> {
  let values;
  try {
    values = parseArgs({
      args: [...argv],
      strict: true,
      options: { config: { type: 'string' }, 'log-level': { type: 'string', default: 'info' }, help: { type: 'boolean', default: false } },
    }).values;
  } catch (error) {
    process.stderr.write(`ccci worker: ${(error as Error).message}\n\n${WORKER_USAGE}\n`);
    return EXIT_CODES.badInput;
  }
  if (values.help) {
    process.stdout.write(`${WORKER_USAGE}\n`);
    return 0;
  }
  const level = values['log-level'] as LogLevel;
  if (!LOG_LEVELS.includes(level)) {
    process.stderr.write(`ccci worker: --log-level "${values['log-level']}" is not one of ${LOG_LEVELS.join(', ')}\n`);
    return EXIT_CODES.badInput;
  }
  const configFile = values.config ?? process.env.CCCI_CONFIG ?? '/etc/cc-ci/config.json';
  const log = createLogger({ stderrLevel: level });
  try {
    const config = await loadConfig(configFile);
    await registerOperatorSecrets(config);
    redactProcessOutput();
    const output = await runWorker({ config, configFile, log });
    return output.failure === null && output.stopReason !== 'crash' ? 0 : 1;
  } catch (error) {
    if (error instanceof ConfigError || error instanceof WorkerSetupError) {
      process.stderr.write(`ccci worker: ${error.message}\n`);
      return EXIT_CODES.badInput;
    }
    throw error;
  }
}
