// `ccci run` arguments: parsed and checked before anything touches the swarm (bad input → exit 2).
import { existsSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { normalizeRecipeName, RUN_ID_PATTERN } from '../domain/identity.js';

export interface RunArguments {
  readonly source: string;
  readonly recipe: string;
  readonly ref: string | undefined;
  readonly pr: string | null;
  readonly configFile: string;
  readonly runsDir: string | undefined;
  readonly server: string | undefined;
  readonly deadlineMinutes: number | undefined;
  /** Given by the daemon, which records the id before the run starts; a manual run makes its own. */
  readonly runId: string | undefined;
  readonly json: boolean;
  /** A Stately inspector's WebSocket (ws:// or wss://) to send the run's actors to, for a developer. */
  readonly inspect: string | undefined;
}

export class UsageError extends Error {
  readonly code = 'bad-usage';
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const RUN_USAGE = `Usage: ccci run <recipe path or git URL> [options]

  --ref <commit|branch|tag>  what to test (default: the source's HEAD)
  --pr <number>              the pull request being tested
  --name <recipe>            recipe name (default: from the path or URL)
  --config <file>            configuration (default: $CCCI_CONFIG or /etc/cc-ci/config.json)
  --runs-dir <dir>           override the configured runs directory
  --server <name>            override the configured abra server
  --deadline <minutes>       override the hard deadline
  --run-id <id>              use this run id (the daemon passes the id it recorded)
  --json                     print a machine-readable event stream instead of progress lines
  --inspect <ws url>         also send the run's actors, events and states to a Stately inspector (@statelyai/inspect)
  --help                     this text`;

const GIT_URL = /^(https?:\/\/|ssh:\/\/|git@|file:\/\/)/;
const REF = /^[A-Za-z0-9][A-Za-z0-9._/+-]*$/;

export function parseRunArguments(argv: readonly string[], env: NodeJS.ProcessEnv): RunArguments {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        ref: { type: 'string' },
        pr: { type: 'string' },
        name: { type: 'string' },
        config: { type: 'string' },
        'runs-dir': { type: 'string' },
        server: { type: 'string' },
        deadline: { type: 'string' },
        'run-id': { type: 'string' },
        json: { type: 'boolean', default: false },
        inspect: { type: 'string' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (positionals.length === 0) throw new UsageError('missing the recipe: give a path to a recipe repository or a git URL');
  if (positionals.length > 1) throw new UsageError(`expected one recipe, got ${positionals.length}: ${positionals.join(' ')}`);
  const given = positionals[0]!;
  const isUrl = GIT_URL.test(given);
  const source = isUrl ? given : resolve(given);
  if (!isUrl && !existsSync(source)) throw new UsageError(`recipe path ${source} does not exist`);
  const recipe = normalizeRecipeName(values.name ?? basename((isUrl ? given : source).replace(/\/+$/, '')).replace(/\.git$/, ''));
  if (recipe === '') throw new UsageError(`cannot derive a recipe name from ${given}; pass --name`);
  if (values.ref !== undefined && !REF.test(values.ref)) throw new UsageError(`--ref "${values.ref}" is not a commit, branch or tag name`);
  if (values.pr !== undefined && !/^\d+$/.test(values.pr)) throw new UsageError(`--pr "${values.pr}" must be a pull request number`);
  let deadlineMinutes: number | undefined;
  if (values.deadline !== undefined) {
    deadlineMinutes = Number(values.deadline);
    if (!Number.isFinite(deadlineMinutes) || deadlineMinutes <= 0)
      throw new UsageError(`--deadline "${values.deadline}" must be a positive number of minutes`);
  }
  const runId = values['run-id'];
  if (runId !== undefined && !RUN_ID_PATTERN.test(runId))
    throw new UsageError(`--run-id "${runId}" is not a run id (like 20261202T134057Z-dcceb2)`);
  const inspect = values.inspect;
  if (inspect !== undefined && !/^wss?:\/\/[^\s/]+/.test(inspect))
    throw new UsageError(`--inspect "${inspect}" is not a WebSocket URL (ws://host:port or wss://host:port)`);
  return {
    source,
    recipe,
    ref: values.ref,
    pr: values.pr ?? null,
    configFile: values.config ?? env.CCCI_CONFIG ?? '/etc/cc-ci/config.json',
    runsDir: values['runs-dir'],
    server: values.server,
    deadlineMinutes,
    runId,
    json: values.json,
    inspect,
  };
}
