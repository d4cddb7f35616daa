// The packaging for operators (docs/install.md): every .nix file parses, the NixOS module's settings
// options name exactly the configuration schema's keys, the lockfile rewrite the Nix build needs
// covers every package, the systemd units stop the way a run's teardown needs, and the examples of
// docs/install.md parse and validate.
//
// There is no nixpkgs here (and no network). Nothing is evaluated against nixpkgs: .nix files are
// only parsed, except nix/resolved-lock.nix (builtins only, evaluated for real) and
// nix/settings-options.nix, evaluated with STUB_LIB below, a stand-in of ten names that records
// the option tree. It checks the option names; it says nothing about nixpkgs' types or the module.
import test from 'ava';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as z from 'zod';
import { Config } from '../../src/config/schema.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const UNITS = join(ROOT, 'packaging/systemd');
/** Where docs/install.md installs cc-ci; the units name it. */
const INSTALL_DIR = '/opt/cc-ci';

function nix(args: string[]): { ok: boolean; stdout: string; stderr: string } {
  const result = spawnSync('nix-instantiate', args, { encoding: 'utf8' });
  if (result.error) throw new Error(`cannot run nix-instantiate (Debian's nix-bin): ${result.error.message}`);
  return { ok: result.status === 0, stdout: result.stdout, stderr: result.stderr.trim() };
}

// (a) every .nix file parses

function nixFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name === 'node_modules' || entry.name === '.git') return [];
    const path = join(dir, entry.name);
    return entry.isDirectory() ? nixFiles(path) : entry.isFile() && entry.name.endsWith('.nix') ? [path] : [];
  });
}

/** One line per file that does not parse: the file and nix's message. */
function parseErrors(root: string): string[] {
  return nixFiles(root).flatMap((file) => {
    const parsed = nix(['--parse', file]);
    return parsed.ok ? [] : [`${relative(root, file)}: ${parsed.stderr}`];
  });
}

test('every .nix file of the repository parses (nix-instantiate --parse)', (t) => {
  const found = nixFiles(ROOT).map((file) => relative(ROOT, file));
  for (const file of ['flake.nix', 'nix/module.nix', 'nix/package.nix', 'nix/settings-options.nix', 'nix/resolved-lock.nix']) {
    t.true(found.includes(file), `${file} is missing`);
  }
  t.deepEqual(parseErrors(ROOT), []);
});

test('a .nix file that does not parse is reported with its name and nix message (the check is not vacuous)', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ccci-nix-'));
  try {
    writeFileSync(join(dir, 'good.nix'), '{ a = 1; }\n');
    writeFileSync(join(dir, 'broken.nix'), '{ a = ; }\n');
    const errors = parseErrors(dir);
    t.is(errors.length, 1);
    t.regex(errors[0]!, /^broken\.nix: .*syntax error/s);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** The fenced blocks of one language in a document. */
function fencedBlocks(doc: string, language: string): string[] {
  const text = readFileSync(join(ROOT, doc), 'utf8');
  return [...text.matchAll(new RegExp('^```' + language + '\\n([\\s\\S]*?)^```$', 'gm'))].map((match) => match[1]!);
}

test('the Nix examples of docs/install.md parse', (t) => {
  const blocks = fencedBlocks('docs/install.md', 'nix');
  t.is(blocks.length, 2);
  const dir = mkdtempSync(join(tmpdir(), 'ccci-nix-'));
  try {
    blocks.forEach((block, index) => writeFileSync(join(dir, `example-${index + 1}.nix`), block));
    t.deepEqual(parseErrors(dir), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// (b) the module's settings options and the schema's keys

/** A stand-in for nixpkgs' lib with just what nix/settings-options.nix may use; it keeps the option tree. */
const STUB_LIB = `{
  mkOption = option: option;
  types = {
    str = { }; bool = { }; int = { }; number = { }; port = { };
    nullOr = type: type;
    listOf = type: type;
    either = left: right: { alternatives = [ left right ]; };
    submodule = module: { inherit (module) options; };
  };
}`;

/** Dotted option names of an options file; list items and either's alternatives add their keys at the same path. */
function moduleOptionNames(file: string): string[] {
  const expression = `
    let
      options = import ${JSON.stringify(file)} { lib = ${STUB_LIB}; freeform = { }; };
      namesOf = prefix: options: builtins.concatLists (map
        (name: [ (prefix + name) ] ++ namesOfType "\${prefix}\${name}." options.\${name}.type)
        (builtins.attrNames options));
      namesOfType = prefix: type:
        if type ? options then namesOf prefix type.options
        else if type ? alternatives then builtins.concatLists (map (namesOfType prefix) type.alternatives)
        else [ ];
    in namesOf "" options`;
  const evaluated = nix(['--eval', '--strict', '--json', '--expr', expression]);
  if (!evaluated.ok) throw new Error(`${relative(ROOT, file)} does not evaluate with the stub lib: ${evaluated.stderr}`);
  return [...new Set(JSON.parse(evaluated.stdout) as string[])].sort();
}

interface JsonSchema {
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
  properties?: Record<string, JsonSchema>;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  items?: JsonSchema;
}

/** Dotted keys of the configuration file, from the zod schema itself (docs/config.schema.json is generated from it). */
function schemaKeys(): string[] {
  const root = z.toJSONSchema(Config, { io: 'input' }) as JsonSchema;
  const resolve = (schema: JsonSchema): JsonSchema =>
    schema.$ref === undefined ? schema : resolve(root.$defs![schema.$ref.replace('#/$defs/', '')]!);
  const keysOf = (given: JsonSchema, prefix: string): string[] => {
    const schema = resolve(given);
    return [
      ...Object.entries(schema.properties ?? {}).flatMap(([name, sub]) => [prefix + name, ...keysOf(sub, `${prefix}${name}.`)]),
      ...[...(schema.anyOf ?? []), ...(schema.oneOf ?? []), ...(schema.allOf ?? [])].flatMap((alternative) => keysOf(alternative, prefix)),
      ...(schema.items === undefined ? [] : keysOf(schema.items, prefix)),
    ];
  };
  return [...new Set(keysOf(root, ''))].sort();
}

function oneSided(moduleNames: readonly string[], keys: readonly string[]) {
  return {
    onlyInSchema: keys.filter((key) => !moduleNames.includes(key)),
    onlyInModule: moduleNames.filter((name) => !keys.includes(name)),
  };
}

test('the module types every key of the configuration schema, and no other', (t) => {
  const names = moduleOptionNames(join(ROOT, 'nix/settings-options.nix'));
  const keys = schemaKeys();
  t.true(keys.includes('daemon.forge.tokenFile') && keys.includes('daemon.repositories.recipe'), 'the schema walk reaches nested keys');
  t.deepEqual(oneSided(names, keys), { onlyInSchema: [], onlyInModule: [] });
});

test('a key on one side only is named (the comparison is not vacuous)', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ccci-nix-'));
  try {
    const file = join(dir, 'settings-options.nix');
    const text = readFileSync(join(ROOT, 'nix/settings-options.nix'), 'utf8');
    writeFileSync(file, text.replace('pollIntervalSeconds = ', 'pollIntervalSecs = '));
    t.deepEqual(oneSided(moduleOptionNames(file), schemaKeys()), {
      onlyInSchema: ['daemon.pollIntervalSeconds'],
      onlyInModule: ['daemon.pollIntervalSecs'],
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('nix/resolved-lock.nix gives every locked package its registry URL and keeps its integrity', (t) => {
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { version?: string; name?: string; integrity?: string; resolved?: string }>;
  };
  const expression = `builtins.mapAttrs (key: entry: { resolved = entry.resolved or null; integrity = entry.integrity or null; })
    (import ${JSON.stringify(join(ROOT, 'nix/resolved-lock.nix'))} ${JSON.stringify(join(ROOT, 'package-lock.json'))}).packages`;
  const evaluated = nix(['--eval', '--strict', '--json', '--expr', expression]);
  t.true(evaluated.ok, evaluated.stderr);
  const rewritten = JSON.parse(evaluated.stdout) as Record<string, { resolved: string | null; integrity: string | null }>;
  const expected = Object.fromEntries(
    Object.entries(lock.packages).map(([key, entry]) => {
      if (key === '') return [key, { resolved: null, integrity: null }];
      const name = entry.name ?? key.split('node_modules/').at(-1)!;
      const url = entry.resolved ?? `https://registry.npmjs.org/${name}/-/${name.split('/').at(-1)}-${entry.version}.tgz`;
      return [key, { resolved: url, integrity: entry.integrity ?? null }];
    }),
  );
  t.deepEqual(rewritten, expected);
});

test('the configuration files of docs/install.md validate against the schema', (t) => {
  const configs = fencedBlocks('docs/install.md', 'json');
  t.is(configs.length, 2);
  for (const text of configs) {
    const parsed = Config.safeParse(JSON.parse(text));
    t.true(parsed.success, parsed.error?.message);
  }
});

// (c) the systemd units

/** `[Section]` → key → values (a key may repeat); comments and blank lines dropped. */
function parseUnit(text: string): Map<string, Map<string, string[]>> {
  const sections = new Map<string, Map<string, string[]>>();
  let current: Map<string, string[]> | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      current = new Map();
      sections.set(header[1]!, current);
      continue;
    }
    const assignment = /^([A-Za-z]+)=(.*)$/.exec(line);
    if (!assignment || !current) throw new Error(`not a unit file line: ${line}`);
    current.set(assignment[1]!, [...(current.get(assignment[1]!) ?? []), assignment[2]!]);
  }
  return sections;
}

/** A systemd time span (systemd.time(7)) in milliseconds; a bare number is seconds. */
function timeSpanMs(span: string): number {
  if (span.trim() === 'infinity') return Infinity;
  const unitMs: Record<string, number> = {
    us: 0.001,
    ms: 1,
    s: 1_000,
    sec: 1_000,
    m: 60_000,
    min: 60_000,
    h: 3_600_000,
    hr: 3_600_000,
    d: 86_400_000,
  };
  const parts = [...span.matchAll(/(\d+(?:\.\d+)?)\s*([a-z]*)/g)];
  if (
    parts.length === 0 ||
    parts
      .map((part) => part[0])
      .join('')
      .replace(/\s/g, '') !== span.replace(/\s/g, '')
  ) {
    throw new Error(`not a time span: ${span}`);
  }
  return parts.reduce((sum, [, value, unit]) => {
    const factor = unit === '' ? 1_000 : unitMs[unit!];
    if (factor === undefined) throw new Error(`unknown time unit in ${span}`);
    return sum + Number(value) * factor;
  }, 0);
}

/** A numeric constant of the sources (`NAME = 10 * 60_000`), so the budget follows the code. */
function sourceConstant(file: string, pattern: RegExp): number {
  const match = pattern.exec(readFileSync(join(ROOT, file), 'utf8'));
  if (!match)
    throw new Error(`${file} no longer matches ${pattern}: find the new value, then check TimeoutStopSec in the units and the module`);
  return match[1]!.split('*').reduce((product, factor) => product * Number(factor.trim().replace(/_/g, '')), 1);
}

/**
 * What a stop may take: the stage that was running gets its grace period, the app and one
 * dependency are torn down one after the other with a budget each, then the daemon flushes reports.
 */
function stopBudgetMs(): number {
  const teardown = sourceConstant('src/actors/tear-down-app.ts', /const TEARDOWN_TIMEOUT_MS = ([\d_ *]+);/);
  const grace = sourceConstant('src/io/exec.ts', /forceKillAfterDelay: options\.graceMs \?\? ([\d_ *]+),/);
  const flush = sourceConstant('src/actors/daemon/lifecycle.ts', /const FLUSH_MS = ([\d_ *]+);/);
  return grace + 2 * teardown + flush;
}

function ccciCommands(): string[] {
  const usage = execFileSync(join(ROOT, 'bin/ccci'), ['--help'], { encoding: 'utf8' });
  const commands = usage.split('Commands:')[1] ?? '';
  return [...commands.matchAll(/^ {2}([a-z-]+)/gm)].map((match) => match[1]!);
}

const unitFiles = () => readdirSync(UNITS).filter((name) => /\.(service|timer|socket|path)$/.test(name));

test('the time span parser reads what systemd reads', (t) => {
  t.is(timeSpanMs('25min'), 1_500_000);
  t.is(timeSpanMs('1500'), 1_500_000);
  t.is(timeSpanMs('1h 5min 30s'), 3_930_000);
  t.throws(() => timeSpanMs('soon'));
});

test('every shipped service stops with KillMode=mixed, within a TimeoutStopSec above the teardown budget, running a real ccci command', (t) => {
  const budget = stopBudgetMs();
  const commands = ccciCommands();
  t.true(commands.includes('daemon'), `the usage lists the commands: ${commands.join(', ')}`);
  const services = unitFiles().filter((name) => name.endsWith('.service'));
  t.deepEqual(services.sort(), ['cc-ci-worker.service', 'cc-ci.service']);
  for (const name of services) {
    const service = parseUnit(readFileSync(join(UNITS, name), 'utf8')).get('Service');
    t.truthy(service, `${name} has a [Service] section`);
    t.deepEqual(service!.get('KillMode'), ['mixed'], `${name}: KillMode=mixed, so only ccci gets SIGTERM and its runs tear down`);
    const stop = service!.get('TimeoutStopSec') ?? [];
    t.is(stop.length, 1, `${name} sets TimeoutStopSec once`);
    const stopMs = timeSpanMs(stop[0] ?? '0');
    t.true(Number.isFinite(stopMs) && stopMs > budget, `${name}: TimeoutStopSec=${stop[0]} must be finite and above ${budget / 1000} s`);
    const [exec] = service!.get('ExecStart') ?? [];
    const argv = (exec ?? '').split(/\s+/);
    t.is(argv[0], `${INSTALL_DIR}/bin/ccci`, `${name} runs the installed ccci`);
    t.true(commands.includes(argv[1]!), `${name}: "ccci ${argv[1]}" is not in bin/ccci's usage (${commands.join(', ')})`);
    t.true(argv.includes('--config'), `${name} names its configuration file`);
  }
});

test('the NixOS module stops its units the same way and runs real ccci commands', (t) => {
  const module = readFileSync(join(ROOT, 'nix/module.nix'), 'utf8');
  const stopTimeout = /stopTimeout = mkOption \{[^}]*?default = "([^"]+)";/s.exec(module)?.[1];
  t.truthy(stopTimeout, 'nix/module.nix has a stopTimeout default');
  t.true(timeSpanMs(stopTimeout!) > stopBudgetMs(), `stopTimeout ${stopTimeout} is above the teardown budget`);
  t.is(
    stopTimeout,
    parseUnit(readFileSync(join(UNITS, 'cc-ci.service'), 'utf8'))
      .get('Service')!
      .get('TimeoutStopSec')![0],
  );
  t.regex(module, /KillMode = "mixed";[\s\S]*TimeoutStopSec = cfg\.stopTimeout;/);
  const used = [...module.matchAll(/command = "([a-z-]+)";/g)].map((match) => match[1]!);
  t.deepEqual([...new Set(used)].sort(), ['daemon', 'worker']);
  const commands = ccciCommands();
  t.deepEqual(
    used.filter((command) => !commands.includes(command)),
    [],
    `bin/ccci's usage lists ${commands.join(', ')}`,
  );
});

const haveSystemdAnalyze = spawnSync('systemd-analyze', ['--version']).error === undefined;
(haveSystemdAnalyze ? test : test.skip)('systemd-analyze verify accepts the shipped units without a warning', (t) => {
  // The units name the install dir; verify checks that ExecStart exists, so the copies point at this checkout.
  const dir = mkdtempSync(join(tmpdir(), 'ccci-units-'));
  try {
    const files = unitFiles().map((name) => {
      const text = readFileSync(join(UNITS, name), 'utf8').replaceAll(`${INSTALL_DIR}/bin/ccci`, join(ROOT, 'bin/ccci'));
      writeFileSync(join(dir, name), text);
      return join(dir, name);
    });
    const result = spawnSync('systemd-analyze', ['verify', '--man=no', ...files], { encoding: 'utf8', cwd: dir });
    t.is(result.status, 0, result.stderr);
    // verify exits 0 on an unknown key and only warns: any output is a finding
    t.is(`${result.stdout}${result.stderr}`.trim(), '', files.map((file) => basename(file)).join(', '));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
