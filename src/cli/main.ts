// The `ccci` command line: dispatches to run, janitor, recipe and testbed.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { EXIT_CODES } from '../domain/verdict.js';
import { daemonCommand } from './daemon-command.js';
import { janitorCommand } from './janitor-command.js';
import { recipeCommand } from './recipe-check-command.js';
import { runCommand } from './run-command.js';

const USAGE = `Usage: ccci <command> [options]

Commands:
  run <recipe> [--ref …]   one CI run of a recipe (ccci run --help)
  daemon [--config …]      the CI server: hears !testme on the forge, queues, runs, reports (ccci daemon --help)
  janitor [--dry-run]      reap what dead runs left behind
  recipe check [<recipe>]  validate customization trees and print their manifests (ccci recipe --help)
  testbed up|down|status   the local test bed (docker, swarm, images, fixture recipes)`;

async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'run':
      return runCommand(rest);
    case 'daemon':
      return daemonCommand(rest);
    case 'janitor':
      return janitorCommand(rest);
    case 'recipe':
      return recipeCommand(rest);
    case 'testbed': {
      const script = fileURLToPath(new URL('../../test/bed/testbed.sh', import.meta.url));
      return spawnSync('bash', [script, ...rest], { stdio: 'inherit' }).status ?? EXIT_CODES.error;
    }
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
