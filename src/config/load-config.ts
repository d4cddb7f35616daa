// Reads and validates the operator configuration; every problem names the file and the key.
import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve, dirname } from 'node:path';

import { Config } from './schema.js';
import { describeIssues } from '../domain/describe-issues.js';
import { packageFile } from '../io/package-root.js';

export class ConfigError extends Error {
  readonly code = 'bad-config';
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** The customization trees cc-ci ships (recipes/ of this package): customizationDir when the configuration omits it. */
export const SHIPPED_RECIPES = packageFile('recipes');

export async function loadConfig(file: string): Promise<Config> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`Cannot read the configuration file ${file}: ${(error as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`The configuration file ${file} is not valid JSON: ${(error as Error).message}`);
  }
  const parsed = Config.safeParse(data);
  if (!parsed.success) throw new ConfigError(`Invalid configuration in ${file}:\n${describeIssues(parsed.error, Config)}`);
  const base = dirname(resolve(file));
  const absolute = (path: string) => (isAbsolute(path) ? path : resolve(base, path));
  const config = parsed.data;
  return {
    ...config,
    runsDir: absolute(config.runsDir),
    lockDir: absolute(config.lockDir),
    customizationDir: config.customizationDir === undefined ? SHIPPED_RECIPES : absolute(config.customizationDir),
    abra: { ...config.abra, dir: absolute(config.abra.dir) },
    ...(config.repoLocalAllowlist === undefined ? {} : { repoLocalAllowlist: absolute(config.repoLocalAllowlist) }),
    ...(config.secretsDir === undefined ? {} : { secretsDir: absolute(config.secretsDir) }),
    // a relative path (./…, ../…) is a directory of recipe repositories beside the config; anything else is a URL
    dependencySource: /^\.\.?\//.test(config.dependencySource) ? absolute(config.dependencySource) : config.dependencySource,
    ...(config.daemon === undefined
      ? {}
      : {
          daemon: {
            ...config.daemon,
            stateDir: absolute(config.daemon.stateDir),
            forge: {
              ...config.daemon.forge,
              tokenFile: absolute(config.daemon.forge.tokenFile),
              ...(config.daemon.forge.webhookSecretFile === undefined
                ? {}
                : { webhookSecretFile: absolute(config.daemon.forge.webhookSecretFile) }),
            },
          },
        }),
  };
}
