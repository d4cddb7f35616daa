// `ccci run`: one run, one process; the exit code is the verdict (SPEC §4.8).
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../config/load-config.js';
import { appDomain, makeRunId, stackName } from '../domain/identity.js';
import { EXIT_CODES } from '../domain/verdict.js';
import { executeRun } from '../main.js';
import { jsonProgress, terminalProgress } from './progress.js';
import { parseRunArguments, RUN_USAGE, UsageError } from './parse-run-arguments.js';

export async function runCommand(argv: readonly string[]): Promise<number> {
  let parsed;
  let config;
  try {
    parsed = parseRunArguments(argv, process.env);
    config = await loadConfig(parsed.configFile);
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
  const runId = parsed.runId ?? makeRunId(new Date(), { pid: process.pid });
  const domain = appDomain(parsed.recipe, parsed.pr ?? undefined, parsed.ref ?? 'HEAD', config.ciDomain);
  const write = (line: string) => process.stdout.write(`${line}\n`);
  const progress = parsed.json ? jsonProgress(write) : terminalProgress(write);
  progress.started({ runId, recipe: parsed.recipe, ref: parsed.ref, domain, runDir: join(config.runsDir, runId) });
  const outcome = await executeRun({
    config,
    identity: {
      runId,
      recipe: parsed.recipe,
      source: parsed.source,
      ref: parsed.ref,
      pr: parsed.pr,
      domain,
      stack: stackName(domain),
      deadlineAt: Date.now() + config.deadlineMinutes * 60_000,
    },
    notify: progress.notice,
    observe: (snapshot) => {
      const stages = new Set(Object.values(snapshot.getMeta()).map((meta) => (meta as { stage?: string }).stage).filter((stage): stage is string => stage !== undefined));
      progress.observe({ stages, context: snapshot.context });
    },
    stderrLevel: parsed.json ? 'silent' : 'warn',
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
