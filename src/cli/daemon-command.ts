// `ccci daemon --config <file>`: the CI server. Exit 0 after a clean stop (SIGTERM), 2 when the
// configuration or its secrets are wrong (nothing started), 1 when it failed to start or crashed.
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config/load-config.js';
import { registerOperatorSecrets } from '../config/operator-secrets.js';
import { redactProcessOutput } from '../io/redact-process-output.js';
import { DaemonSetupError, runDaemon } from '../daemon/start-daemon.js';
import { EXIT_CODES } from '../domain/exit-codes.js';
import { createLogger, LOG_LEVELS, type LogLevel } from '../io/log.js';

export const DAEMON_USAGE = `Usage: ccci daemon [--config <file>] [--log-level <level>]

  --config <file>       configuration with a "daemon" section (default: $CCCI_CONFIG or /etc/cc-ci/config.json)
  --log-level <level>   trace, debug, info (default), warn or error; JSON lines on stderr`;

export async function daemonCommand(argv: readonly string[]): Promise<number> {
  let values;
  try {
    values = parseArgs({
      args: [...argv],
      strict: true,
      options: { config: { type: 'string' }, 'log-level': { type: 'string', default: 'info' }, help: { type: 'boolean', default: false } },
    }).values;
  } catch (error) {
    process.stderr.write(`ccci daemon: ${(error as Error).message}\n\n${DAEMON_USAGE}\n`);
    return EXIT_CODES.badInput;
  }
  if (values.help) {
    process.stdout.write(`${DAEMON_USAGE}\n`);
    return 0;
  }
  const level = values['log-level'] as LogLevel;
  if (!LOG_LEVELS.includes(level)) {
    process.stderr.write(`ccci daemon: --log-level "${values['log-level']}" is not one of ${LOG_LEVELS.join(', ')}\n`);
    return EXIT_CODES.badInput;
  }
  const configFile = values.config ?? process.env.CCCI_CONFIG ?? '/etc/cc-ci/config.json';
  const log = createLogger({ stderrLevel: level });
  try {
    const config = await loadConfig(configFile);
    await registerOperatorSecrets(config);
    redactProcessOutput();
    const output = await runDaemon({ config, configFile, log });
    return output.failure === null && output.stopReason !== 'crash' ? 0 : 1;
  } catch (error) {
    if (error instanceof ConfigError || error instanceof DaemonSetupError) {
      process.stderr.write(`ccci daemon: ${error.message}\n`);
      return EXIT_CODES.badInput;
    }
    throw error;
  }
}
