// install_steps.sh (docs/recipe-customization.md#install_stepssh): the one shell hook, after `abra app new` + env shaping and before the
// first deploy. A non-zero exit fails the install with the tail of the script's stderr.
import { runCommand } from '../io/exec.js';
import { redactor } from '../io/redact.js';
import type { SourcedFile } from '../recipes/load-customization.js';
import type { InstallStepsEnv } from '../tiers/tier-context.js';
import type { Logger } from '../io/log.js';

const STDERR_TAIL_LINES = 20;

export class InstallStepsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InstallStepsError';
  }
}

export async function runInstallSteps(
  script: SourcedFile,
  options: { readonly env: InstallStepsEnv; readonly cwd: string; readonly log: Logger; readonly signal: AbortSignal },
): Promise<void> {
  const result = await runCommand(['bash', script.file], {
    log: options.log.child({ hook: 'install_steps.sh', source: script.source }),
    env: options.env,
    cwd: options.cwd,
    signal: options.signal,
    outputLevel: 'info',
  });
  if (options.signal.aborted) throw options.signal.reason;
  if (!result.failed) return;
  const how = result.signal !== undefined ? `was killed by ${result.signal}` : `exited with code ${result.exitCode}`;
  const tail = redactor
    .redact(result.stderr)
    .split('\n')
    .filter((line) => line.trim() !== '')
    .slice(-STDERR_TAIL_LINES);
  throw new InstallStepsError(
    `install_steps.sh (${script.source}, ${script.file}) ${how}${tail.length === 0 ? ' and printed nothing on stderr' : `; stderr tail:\n${tail.join('\n')}`}`,
  );
}
