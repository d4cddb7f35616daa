// `ccci run`: one run, one process; the exit code is the verdict (docs/results.md). The run's machinery is
// imported after the arguments and the config have been checked, so bad input is answered at once.
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../config/load-config.js';
import { registerOperatorSecrets } from '../config/operator-secrets.js';
import { redactProcessOutput } from '../io/redact-process-output.js';
import { appDomain, makeRunId, runNameProblems, stackName } from '../domain/identity.js';
import { EXIT_CODES } from '../domain/exit-codes.js';
import { parseRunArguments, RUN_USAGE, UsageError } from './parse-run-arguments.js';

export async function runCommand(argv: readonly string[]): Promise<number> {
  if (argv.includes('--help')) {
    process.stdout.write(`${RUN_USAGE}\n`);
    return EXIT_CODES.success;
  }
  let parsed;
  let config;
  try {
    parsed = parseRunArguments(argv, process.env);
    config = await loadConfig(parsed.configFile);
    await registerOperatorSecrets(config);
    redactProcessOutput();
  } catch (error) {
    if (error instanceof UsageError || error instanceof ConfigError) {
      process.stderr.write(`ccci run: ${error.message}\n${error instanceof UsageError ? `\n${RUN_USAGE}\n` : ''}`);
      return EXIT_CODES.badInput;
    }
    throw error;
  }
  config = {
    ...config,
    runsDir: parsed.runsDir ?? config.runsDir,
    deadlineMinutes: parsed.deadlineMinutes ?? config.deadlineMinutes,
    abra: { ...config.abra, server: parsed.server ?? config.abra.server },
  };
  const domain = appDomain(parsed.recipe, parsed.pr ?? undefined, parsed.ref ?? 'HEAD', config.ciDomain);
  const nameProblems = runNameProblems({ recipe: parsed.recipe, domain });
  if (nameProblems.length > 0) {
    process.stderr.write(`ccci run: names too long for this run:\n${nameProblems.map((problem) => `- ${problem}`).join('\n')}\n`);
    return EXIT_CODES.badInput;
  }
  const [{ executeRun }, { jsonProgress, terminalProgress }] = await Promise.all([
    import('../run/execute-run.js'),
    import('./progress.js'),
  ]);
  const runId = parsed.runId ?? makeRunId(new Date(), { pid: process.pid });
  const write = (line: string) => process.stdout.write(`${line}\n`);
  const progress = parsed.json ? jsonProgress(write) : terminalProgress(write);
  progress.started({ runId, recipe: parsed.recipe, ref: parsed.ref, domain, runDir: join(config.runsDir, runId) });
  const outcome = await executeRun({
    config,
    identity: {
      runId,
      recipe: parsed.recipe,
      source: parsed.source,
      ref: parsed.ref ?? null,
      pr: parsed.pr,
      domain,
      stack: stackName(domain),
      deadlineAt: Date.now() + config.deadlineMinutes * 60_000,
    },
    notify: progress.notice,
    observe: (snapshot) => {
      const stages = new Set(
        Object.values(snapshot.getMeta())
          .map((meta) => (meta as { stage?: string }).stage)
          .filter((stage): stage is string => stage !== undefined),
      );
      progress.observe({ stages, context: snapshot.context });
    },
    stderrLevel: parsed.json ? 'silent' : 'warn',
    ...(parsed.inspect === undefined ? {} : { inspect: parsed.inspect }),
  });
  progress.finished(outcome.results, outcome.resultsFile);
  leaveAfterResults(outcome.results.exitCode);
  return outcome.results.exitCode;
}

/** Abandoned recipe hooks (in-process) may hold handles open or throw late: the run is over and its exit code stands. */
const LINGER_MS = 5_000;

function leaveAfterResults(exitCode: number): void {
  const leave = () => process.exit(exitCode);
  process.on('unhandledRejection', leave);
  process.on('uncaughtException', leave);
  setTimeout(leave, LINGER_MS).unref();
}
