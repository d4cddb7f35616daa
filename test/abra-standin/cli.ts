// Command line parsing: abra's command tree (only what the stand-in covers), flags anywhere on the line.
import { fatal } from './log.js';

export interface FlagSpec {
  readonly long: string;
  readonly short?: string;
  readonly value?: boolean;
  readonly usage: string;
}

export interface CommandSpec {
  readonly path: readonly string[];
  readonly args: readonly string[]; // names; a trailing "?" marks an optional one
  readonly flags: readonly FlagSpec[];
  readonly usage: string;
}

export const GLOBAL_FLAGS: readonly FlagSpec[] = [
  { long: 'no-input', short: 'n', usage: 'toggle non-interactive mode' },
  { long: 'offline', short: 'o', usage: 'prefer offline & filesystem access' },
  { long: 'debug', short: 'd', usage: 'show DEBUG messages' },
  { long: 'help', short: 'h', usage: 'show help' },
];

const chaos: FlagSpec = { long: 'chaos', short: 'C', usage: 'ignore uncommitted recipes changes' };

export const COMMANDS: readonly CommandSpec[] = [
  {
    path: ['app', 'new'],
    args: ['recipe', 'version?'],
    usage: 'create a new app',
    flags: [
      { long: 'server', short: 's', value: true, usage: 'specify server' },
      { long: 'domain', short: 'D', value: true, usage: 'domain name for app' },
      { long: 'secrets', short: 'S', usage: 'automatically generate secrets' },
      chaos,
    ],
  },
  {
    path: ['app', 'deploy'],
    args: ['domain', 'version?'],
    usage: 'deploy an app',
    flags: [
      chaos,
      { long: 'force', short: 'f', usage: 'perform action without further prompt' },
      { long: 'no-converge-checks', short: 'c', usage: 'disable converge logic checks' },
    ],
  },
  { path: ['app', 'undeploy'], args: ['domain'], usage: 'undeploy an app', flags: [] },
  {
    path: ['app', 'remove'],
    args: ['domain'],
    usage: 'remove all app data, locally and remotely',
    flags: [{ long: 'force', short: 'f', usage: 'perform action without further prompt' }],
  },
  { path: ['app', 'backup', 'create'], args: ['domain'], usage: 'create a new backup', flags: [] },
  { path: ['app', 'backup', 'snapshots'], args: ['domain'], usage: 'list backup snapshots', flags: [] },
  {
    path: ['app', 'restore'],
    args: ['domain'],
    usage: 'restore a snapshot',
    flags: [{ long: 'snapshot', short: 's', value: true, usage: 'snapshot to restore (default: the newest)' }],
  },
  { path: ['recipe', 'lint'], args: ['recipe'], usage: 'lint a recipe', flags: [chaos] },
];

export interface Parsed {
  readonly command: CommandSpec;
  readonly args: readonly string[];
  readonly flags: ReadonlyMap<string, string | true>;
}

export type ParseResult = Parsed | { readonly help: string };

const VALUE_SHORTS = new Set(
  COMMANDS.flatMap((c) => c.flags)
    .filter((f) => f.value)
    .map((f) => f.short),
);
const VALUE_LONGS = new Set(
  COMMANDS.flatMap((c) => c.flags)
    .filter((f) => f.value)
    .map((f) => f.long),
);

/** Positional words, skipping flags and the values of value-taking flags (first pass, before the command is known). */
function positionals(argv: readonly string[]): string[] {
  const words: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (token === '--') {
      words.push(...argv.slice(i + 1));
      break;
    }
    if (token.startsWith('--')) {
      if (!token.includes('=') && VALUE_LONGS.has(token.slice(2))) i++;
    } else if (token.startsWith('-') && token.length > 1) {
      const last = token.slice(1);
      // "-s value": a value-taking short flag at the end of a bundle consumes the next word
      for (let j = 0; j < last.length; j++) {
        if (VALUE_SHORTS.has(last[j]!)) {
          if (j === last.length - 1) i++;
          break;
        }
      }
    } else {
      words.push(token);
    }
  }
  return words;
}

function helpText(prefix: readonly string[]): string {
  const matching = COMMANDS.filter((c) => prefix.every((word, i) => c.path[i] === word));
  const lines = ['abra (test bed stand-in, see test/abra-standin/README.md)', '', 'COMMANDS:'];
  for (const c of matching) {
    lines.push(
      `  abra ${c.path.join(' ')} ${c.args.map((a) => (a.endsWith('?') ? `[${a.slice(0, -1)}]` : `<${a}>`)).join(' ')}  ${c.usage}`,
    );
    for (const f of c.flags) lines.push(`      --${f.long}${f.short ? `, -${f.short}` : ''}${f.value ? ' value' : ''}  ${f.usage}`);
  }
  lines.push('', 'GLOBAL OPTIONS:');
  for (const f of GLOBAL_FLAGS) lines.push(`  --${f.long}, -${f.short}  ${f.usage}`);
  return lines.join('\n');
}

export function parse(argv: readonly string[]): ParseResult {
  const words = positionals(argv);
  const wantsHelp = argv.some((t) => t === '-h' || t === '--help');
  let depth = 0;
  let candidates = COMMANDS;
  while (depth < words.length) {
    const word = words[depth]!;
    const next = candidates.filter((c) => c.path[depth] === word);
    if (next.length === 0) {
      if (candidates.some((c) => c.path.length === depth)) break;
      if (wantsHelp) return { help: helpText(words.slice(0, depth)) };
      fatal(`unknown command "${[...words.slice(0, depth), word].join(' ')}"`);
    }
    candidates = next;
    depth++;
    if (candidates.length === 1 && candidates[0]!.path.length === depth) break;
  }
  const command = candidates.find((c) => c.path.length === depth);
  if (wantsHelp) return { help: helpText(words.slice(0, depth)) };
  if (command === undefined) {
    fatal(
      words.length === 0
        ? 'no command given (see abra --help)'
        : `incomplete command "${words.join(' ')}": expected one of ${candidates.map((c) => `"${c.path.join(' ')}"`).join(', ')}`,
    );
  }

  const specs = [...GLOBAL_FLAGS, ...command.flags];
  const flags = new Map<string, string | true>();
  const args: string[] = [];
  let pathWordsLeft = command.path.length;
  const set = (spec: FlagSpec, value: string | true) => flags.set(spec.long, value);
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (token === '--') {
      args.push(...argv.slice(i + 1));
      break;
    }
    if (token.startsWith('--')) {
      const [name, inline] = token.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
      const spec = specs.find((f) => f.long === name);
      if (!spec) fatal(`flag provided but not defined: -${name} (abra ${command.path.join(' ')})`);
      if (spec.value) {
        const value = inline ?? argv[++i];
        if (value === undefined) fatal(`flag needs an argument: --${name}`);
        set(spec, value);
      } else {
        if (inline !== undefined && inline !== 'true') fatal(`flag --${name} takes no value`);
        set(spec, true);
      }
    } else if (token.startsWith('-') && token.length > 1) {
      const letters = token.slice(1);
      for (let j = 0; j < letters.length; j++) {
        const spec = specs.find((f) => f.short === letters[j]);
        if (!spec) fatal(`flag provided but not defined: -${letters[j]} (abra ${command.path.join(' ')})`);
        if (spec.value) {
          const rest = letters.slice(j + 1);
          const value = rest !== '' ? rest : argv[++i];
          if (value === undefined) fatal(`flag needs an argument: -${spec.short}`);
          set(spec, value);
          break;
        }
        set(spec, true);
      }
    } else if (pathWordsLeft > 0) {
      pathWordsLeft--;
    } else {
      args.push(token);
    }
  }
  const required = command.args.filter((a) => !a.endsWith('?')).length;
  if (args.length < required)
    fatal(
      `missing argument: <${command.args[args.length]}> (abra ${command.path.join(' ')} ${command.args.map((a) => (a.endsWith('?') ? `[${a.slice(0, -1)}]` : `<${a}>`)).join(' ')})`,
    );
  if (args.length > command.args.length) fatal(`unexpected argument "${args[command.args.length]}" for abra ${command.path.join(' ')}`);
  return { command, args, flags };
}
