// The operator's configuration file (JSON): where abra, the runs and the locks live, and the daemon's forge side.
import * as z from 'zod';

export const AbraConfig = z.strictObject({
  bin: z.string().min(1).default('abra').describe('The abra executable (name on PATH or absolute path)'),
  dir: z.string().min(1).describe('Shared ABRA_DIR whose servers/ holds the server config; runs get their own recipes/'),
  server: z.string().min(1).describe('The abra server apps are deployed to (a directory under servers/)'),
  tty: z.boolean().default(true).describe('Run abra under `script` so it has a terminal (abra 0.13 needs one even with -n)'),
});

const REPO_NAME = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;

export const EnrolledRepository = z.union([
  z.string().regex(REPO_NAME, 'owner/name').describe('owner/name; the recipe is named after the repository'),
  z.strictObject({
    repo: z.string().regex(REPO_NAME, 'owner/name').describe('owner/name on the forge'),
    recipe: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]*$/, 'a recipe name: lower case letters, digits and -')
      .optional()
      .describe('The recipe name when it differs from the repository name'),
  }),
]);
export type EnrolledRepository = z.infer<typeof EnrolledRepository>;

export const DaemonConfig = z
  .strictObject({
    forge: z.strictObject({
      url: z.url({ protocol: /^https?$/ }).describe('Base URL of the Gitea or Forgejo server, e.g. https://git.coopcloud.tech'),
      tokenFile: z.string().min(1).describe("File holding the bot's API token (never put the token itself in this file)"),
      webhookSecretFile: z
        .string()
        .min(1)
        .optional()
        .describe('File holding the webhook secret; when set, POST /hook accepts HMAC-signed deliveries (polling stays on)'),
    }),
    org: z.string().min(1).describe('Organisation whose members may trigger runs (GET /orgs/{org}/members/{user} = 204)'),
    repositories: z.array(EnrolledRepository).min(1).describe('Enrolled recipe repositories'),
    commenterAllowlist: z.array(z.string().min(1)).default([]).describe('Logins that may trigger runs without being org members'),
    pollIntervalSeconds: z.number().min(1).max(3600).default(30).describe('How often each enrolled repository is polled for new comments'),
    maxTests: z
      .number()
      .int()
      .min(1)
      .default(1)
      .describe(
        'The one capacity knob: runs at once on this host, the rest wait in FIFO order; with nats set, requests handed to the workers at once (each worker keeps to its own worker.maxTests, the rest wait in JetStream)',
      ),
    runLimitMinutes: z
      .number()
      .positive()
      .optional()
      .describe('The daemon stops a run that takes longer (SIGTERM, it tears down); must be below deadlineMinutes; default: 90% of it'),
    stateDir: z.string().min(1).describe("The daemon's own state (SQLite database)"),
    listen: z
      .strictObject({
        host: z.string().min(1).default('127.0.0.1').describe('Address the HTTP server binds to'),
        port: z.number().int().min(0).max(65_535).default(8470).describe('Port of the HTTP server (0: any free port)'),
      })
      .prefault({})
      .describe('Where /hook, /healthz and the run pages are served'),
    publicUrl: z
      .url({ protocol: /^https?$/ })
      .optional()
      .describe('Base URL the run pages are reachable at, for links in statuses and comments; default: http://<listen host>:<port>'),
    janitorIntervalMinutes: z.number().positive().default(5).describe('How often the daemon runs a janitor pass (also once at start)'),
  })
  .describe('The CI server (ccci daemon): forge, enrolled repositories, capacity');
export type DaemonConfig = z.infer<typeof DaemonConfig>;

export const NatsConfig = z
  .strictObject({
    servers: z
      .array(z.string().regex(/^(nats|tls):\/\/[^\s/]+$/, 'a NATS URL such as nats://127.0.0.1:4222'))
      .min(1)
      .describe('NATS servers of the JetStream cluster (any of them; the client finds the rest)'),
    credentialsFile: z.string().min(1).optional().describe('NATS credentials (.creds) file of this host, when the cluster requires it'),
    replicas: z
      .number()
      .int()
      .min(1)
      .max(5)
      .default(1)
      .describe('JetStream replicas of the run-request and run-report streams (3 on a 3-node cluster survives one node down)'),
    ackWaitSeconds: z
      .number()
      .int()
      .min(5)
      .max(3600)
      .default(60)
      .describe(
        'How long a run request may go without a keep-alive from its worker before JetStream hands it to another worker; a live worker renews it every third of this',
      ),
  })
  .describe('Scale-out (docs/scale-out.md): when set, the daemon publishes run requests to JetStream and `ccci worker` hosts run them');
export type NatsConfig = z.infer<typeof NatsConfig>;

export const WorkerConfig = z
  .strictObject({
    name: z
      .string()
      .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and -')
      .optional()
      .describe("This worker's name in reports and logs; default: the host name"),
    maxTests: z
      .number()
      .int()
      .min(1)
      .default(1)
      .describe('Runs at once on this worker host (its own capacity; the daemon never raises it)'),
    janitorIntervalMinutes: z
      .number()
      .positive()
      .default(5)
      .describe("How often the worker runs a janitor pass over its host's swarm (also once at start)"),
  })
  .describe('A CI host running `ccci worker`: its name and capacity');
export type WorkerConfig = z.infer<typeof WorkerConfig>;

export const Config = z
  .strictObject({
    abra: AbraConfig,
    ciDomain: z
      .string()
      .regex(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/, 'a DNS name such as ci.example.org')
      .describe('Per-run apps are <4 chars>-<6 hex>.<ciDomain>'),
    runsDir: z.string().min(1).describe('Every run writes under <runsDir>/<runId>/'),
    lockDir: z.string().min(1).describe('Per-domain lock files'),
    customizationDir: z
      .string()
      .min(1)
      .optional()
      .describe(
        'Per-recipe CI customization trees: <customizationDir>/<recipe>/; default: the recipes/ directory of the cc-ci package that runs (the trees cc-ci ships)',
      ),
    deadlineMinutes: z.number().positive().default(60).describe('Hard deadline of one run'),
    runRetentionDays: z
      .number()
      .positive()
      .default(30)
      .describe(
        'Run directories under runsDir last written longer ago than this are removed at every janitor pass (`ccci janitor`, the daemon, each worker); the daemon keeps each request and its outcome',
      ),
    chromium: z
      .string()
      .min(1)
      .default('/usr/bin/chromium')
      .describe("Chromium for the app's screenshot (Debian's chromium package); a run without it records why it has no screenshot"),
    secretsDir: z
      .string()
      .min(1)
      .optional()
      .describe(
        "Directory of the operator's secrets, one per file (the forge token, the webhook secret, anything else): every value of 8 or more characters in it is masked in every log line, artifact and comment, and secret({ file }) in a recipe's EXTRA_ENV reads from it",
      ),
    repoLocalAllowlist: z
      .string()
      .min(1)
      .optional()
      .describe(
        'File listing (one per line) the recipes whose repository-local .ccci/ tests and hooks may run; absent or empty = none (default deny; "*" is not a wildcard)',
      ),
    dependencySource: z
      .string()
      .includes('{recipe}')
      .default('https://git.coopcloud.tech/coop-cloud/{recipe}.git')
      .describe(
        'Where DEPS recipes are cloned from, with {recipe} in it: a git URL, an absolute path, or a path starting with ./ or ../ (relative to this file)',
      ),
    daemon: DaemonConfig.optional(),
    nats: NatsConfig.optional(),
    worker: WorkerConfig.optional(),
  })
  .check((context) => {
    const retentionMinutes = context.value.runRetentionDays * 24 * 60;
    if (retentionMinutes <= context.value.deadlineMinutes) {
      context.issues.push({
        code: 'custom',
        input: context.value.runRetentionDays,
        path: ['runRetentionDays'],
        message: `must be longer than deadlineMinutes (${context.value.deadlineMinutes}): a live run's directory is never pruned`,
      });
    }
    const limit = context.value.daemon?.runLimitMinutes;
    if (limit !== undefined && limit >= context.value.deadlineMinutes) {
      context.issues.push({
        code: 'custom',
        input: limit,
        path: ['daemon', 'runLimitMinutes'],
        message: `must be below deadlineMinutes (${context.value.deadlineMinutes}): the daemon stops a run before its own hard deadline`,
      });
    }
  })
  .meta({ id: 'CcciConfig', title: 'cc-ci configuration' });
/** The configuration as loadConfig returns it: customizationDir is always set (the shipped recipes/ when the file omits it). */
export type Config = Omit<z.infer<typeof Config>, 'customizationDir'> & { readonly customizationDir: string };

/** The daemon's per-run limit: configured, or 90% of the hard deadline (the run's own deadline stays the backstop). */
export function runLimitMinutes(config: Config): number {
  return config.daemon?.runLimitMinutes ?? config.deadlineMinutes * 0.9;
}
