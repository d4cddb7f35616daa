// `ccci recipe check [name]`: validates the operator's customization trees with the run's own loader and
// prints each one's manifest, so a mistake shows up before a run (where it would be bad input, exit 2).
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, SHIPPED_RECIPES } from '../config/load-config.js';
import { registerOperatorSecrets } from '../config/operator-secrets.js';
import { redactProcessOutput } from '../io/redact-process-output.js';
import { EXIT_CODES } from '../domain/exit-codes.js';
import { pathExists } from '../io/fs.js';
import { readAllowlist } from '../recipes/allowlist.js';
import { CustomizationError, customizedRecipes, loadCustomization } from '../recipes/load-customization.js';
import { customizationManifest, formatManifest } from '../recipes/manifest.js';

export const RECIPE_USAGE = `Usage: ccci recipe check [<recipe>] [--config <file>]

Validates the customization tree <customizationDir>/<recipe>/ of one recipe, or every tree in
customizationDir when no recipe is named, with the same loader a run uses (meta.ts, ops.ts,
tests/, custom/, install_steps.sh, compose.ccci.yml, previous/). meta.ts and ops.ts are imported,
so their top-level code runs. Prints "<recipe>: ok" and the customization manifest, or
"<recipe>: <error>".

Repository-local .ccci/ trees live in the recipe repositories and are checked at run time only.

  --config <file>   configuration (default: $CCCI_CONFIG or /etc/cc-ci/config.json); with none
                    of them, the trees cc-ci ships are checked (its customizationDir default)
  --help            this text

Exit codes: 0 every tree is valid (a recipe without a tree gets the generic floor), 2 a tree is
invalid or the usage or configuration is wrong, 3 an unexpected error.`;

const DEFAULT_CONFIG = '/etc/cc-ci/config.json';

function usageError(message: string): number {
  process.stderr.write(`ccci recipe: ${message}\n\n${RECIPE_USAGE}\n`);
  return EXIT_CODES.badInput;
}

async function isDirectory(path: string): Promise<boolean> {
  return (await pathExists(path)) && (await stat(path)).isDirectory();
}

export async function recipeCommand(argv: readonly string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: { config: { type: 'string' }, help: { type: 'boolean', default: false } },
    });
  } catch (error) {
    return usageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(`${RECIPE_USAGE}\n`);
    return 0;
  }
  const [subcommand, ...names] = positionals;
  if (subcommand !== 'check')
    return usageError(subcommand === undefined ? 'missing subcommand (check)' : `unknown subcommand "${subcommand}"`);
  if (names.length > 1) return usageError(`check takes at most one recipe name; got ${names.join(', ')}`);
  const name = names[0];
  if (name !== undefined && (name === '' || name === '.' || name === '..' || name.includes('/')))
    return usageError(`"${name}" is not a recipe name`);

  const named = values.config ?? process.env.CCCI_CONFIG;
  let customizationDir = SHIPPED_RECIPES;
  let repoLocalAllowlist: string | undefined;
  if (named === undefined && !(await pathExists(DEFAULT_CONFIG))) {
    // nothing configured at all: the trees cc-ci ships are what there is to check
    process.stderr.write(
      `ccci recipe check: no configuration (--config, $CCCI_CONFIG, ${DEFAULT_CONFIG}): checking the trees cc-ci ships in ${SHIPPED_RECIPES}\n`,
    );
  } else {
    try {
      const config = await loadConfig(named ?? DEFAULT_CONFIG);
      await registerOperatorSecrets(config);
      redactProcessOutput();
      ({ customizationDir, repoLocalAllowlist } = config);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      process.stderr.write(`ccci recipe check: ${error.message}\n`);
      return EXIT_CODES.badInput;
    }
  }
  const allowlist = await readAllowlist(repoLocalAllowlist);
  for (const note of allowlist.notes) process.stderr.write(`ccci recipe check: ${note}\n`);

  let recipes: string[];
  if (name === undefined) {
    recipes = await customizedRecipes(customizationDir);
    if (recipes.length === 0) {
      process.stdout.write(`no customization trees in ${customizationDir}: every recipe gets the generic floor\n`);
      return 0;
    }
  } else if (!(await isDirectory(join(customizationDir, name)))) {
    process.stdout.write(
      `${name}: no customization tree at ${join(customizationDir, name)}; it gets the generic floor only (zero configuration)\n`,
    );
    return 0;
  } else {
    recipes = [name];
  }

  let exitCode: number = 0;
  for (const recipe of recipes) {
    try {
      const customization = await loadCustomization({ customizationDir, recipe, repoLocalDir: null, allowlist });
      process.stdout.write([`${recipe}: ok`, ...formatManifest(customizationManifest(customization))].map((line) => `${line}\n`).join(''));
    } catch (error) {
      process.stdout.write(`${recipe}: ${(error as Error).message}\n`);
      const code = error instanceof CustomizationError ? EXIT_CODES.badInput : EXIT_CODES.error;
      exitCode = Math.max(exitCode, code);
    }
  }
  return exitCode;
}
