// abra stand-in (TEST BED ONLY): see README.md beside this file for what it covers and why it exists.
import { appDeploy, appNew, appRemove, appUndeploy, type Globals } from './app.js';
import { appRestore, backupCreate, backupSnapshots } from './backup.js';
import { parse } from './cli.js';
import { findApp } from './env.js';
import { recipeLint } from './lint.js';
import { Fatal, setDebug } from './log.js';
import { setServer } from './proc.js';

function main(argv: readonly string[]): void {
  const parsed = parse(argv);
  if ('help' in parsed) {
    process.stdout.write(`${parsed.help}\n`);
    return;
  }
  const { command, args, flags } = parsed;
  const flag = (name: string) => flags.get(name) === true;
  const value = (name: string) => {
    const v = flags.get(name);
    return typeof v === 'string' ? v : undefined;
  };
  setDebug(flag('debug'));
  const globals: Globals = { noInput: flag('no-input'), offline: flag('offline') };
  const key = command.path.join(' ');
  // Apps on a non-default server talk to the docker context of that name.
  if (key.startsWith('app ') && key !== 'app new') setServer(findApp(args[0]!).server);
  switch (key) {
    case 'app new': {
      const server = value('server');
      if (server !== undefined) setServer(server);
      const domain = value('domain');
      appNew(globals, {
        recipe: args[0]!,
        version: args[1] ?? null,
        ...(server === undefined ? {} : { server }),
        ...(domain === undefined ? {} : { domain }),
        secrets: flag('secrets'),
        chaos: flag('chaos'),
      });
      return;
    }
    case 'app deploy':
      appDeploy(globals, {
        domain: args[0]!,
        version: args[1] ?? null,
        chaos: flag('chaos'),
        force: flag('force'),
        noConvergeChecks: flag('no-converge-checks'),
      });
      return;
    case 'app undeploy':
      appUndeploy(globals, args[0]!);
      return;
    case 'app remove':
      appRemove(globals, { domain: args[0]!, force: flag('force') });
      return;
    case 'app backup create':
      backupCreate(args[0]!);
      return;
    case 'app backup snapshots':
      backupSnapshots(args[0]!);
      return;
    case 'app restore': {
      const snapshot = value('snapshot');
      appRestore({ domain: args[0]!, ...(snapshot === undefined ? {} : { snapshot }) });
      return;
    }
    case 'recipe lint':
      recipeLint({ recipe: args[0]!, chaos: flag('chaos'), offline: globals.offline });
      return;
    default:
      throw new Fatal(`unknown command "${key}"`);
  }
}

try {
  main(process.argv.slice(2));
} catch (error) {
  if (error instanceof Fatal) {
    process.stderr.write(`FATA ${error.message}\n`);
    process.exit(1);
  }
  throw error;
}
