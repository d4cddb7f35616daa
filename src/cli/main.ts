// The `ccci` command line: dispatches to run, daemon, worker, janitor and recipe. Each subcommand is imported
// only when it runs, so `ccci --help` or a usage error loads none of their dependencies.
import { EXIT_CODES } from '../domain/exit-codes.js';

const USAGE = `Usage: ccci <command> [options]

Commands:
  run <recipe> [--ref …]   one CI run of a recipe (ccci run --help)
  daemon [--config …]      the CI server: hears !testme on the forge, queues, runs, reports (ccci daemon --help)
  worker [--config …]      a scale-out CI host: runs what the daemon queued in NATS JetStream (ccci worker --help)
  janitor [--dry-run]      reap what dead runs left behind (ccci janitor --help)
  recipe check [<recipe>]  validate customization trees and print their manifests (ccci recipe --help)`;

async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'run':
      return (await import('./run-command.js')).runCommand(rest);
    case 'daemon':
      return (await import('./daemon-command.js')).daemonCommand(rest);
    case 'worker':
      return (await import('./worker-command.js')).workerCommand(rest);
    case 'janitor':
      return (await import('./janitor-command.js')).janitorCommand(rest);
    case 'recipe':
      return (await import('./recipe-check-command.js')).recipeCommand(rest);
    case undefined:
    case '--help':
    case 'help':
      process.stdout.write(`${USAGE}\n`);
      return command === undefined ? EXIT_CODES.badInput : 0;
    default:
      process.stderr.write(`ccci: unknown command "${command}"\n\n${USAGE}\n`);
      return EXIT_CODES.badInput;
  }
}

process.exitCode = await main(process.argv.slice(2));
