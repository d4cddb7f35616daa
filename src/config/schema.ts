// The operator's configuration file (JSON): where abra, the runs and the locks live.
import * as z from 'zod';

export const AbraConfig = z.strictObject({
  bin: z.string().min(1).default('abra').describe('The abra executable (name on PATH or absolute path)'),
  dir: z.string().min(1).describe('Shared ABRA_DIR whose servers/ holds the server config; runs get their own recipes/'),
  server: z.string().min(1).describe('The abra server apps are deployed to (a directory under servers/)'),
  tty: z.boolean().default(true).describe('Run abra under `script` so it has a terminal (abra 0.13 needs one even with -n)'),
});

export const Config = z
  .strictObject({
    abra: AbraConfig,
    ciDomain: z.string().regex(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/, 'a DNS name such as ci.example.org').describe('Per-run apps are <4 chars>-<6 hex>.<ciDomain>'),
    runsDir: z.string().min(1).describe('Every run writes under <runsDir>/<runId>/'),
    lockDir: z.string().min(1).describe('Per-domain lock files'),
    customizationDir: z.string().min(1).describe('Per-recipe CI customization trees: <customizationDir>/<recipe>/'),
    deadlineMinutes: z.number().positive().default(60).describe('Hard deadline of one run'),
    repoLocalAllowlist: z.string().min(1).optional()
      .describe('File listing (one per line) the recipes whose repository-local .ccci/ tests and hooks may run; absent or empty = none (default deny; "*" is not a wildcard)'),
    dependencySource: z.string().includes('{recipe}').default('https://git.coopcloud.tech/coop-cloud/{recipe}.git')
      .describe('Where DEPS recipes are cloned from, with {recipe} in it: a git URL, an absolute path, or a path starting with ./ or ../ (relative to this file)'),
  })
  .meta({ id: 'CcciConfig', title: 'cc-ci configuration' });
export type Config = z.infer<typeof Config>;
