// The registry of recipe meta keys: the single source of truth for their names, types, defaults and docs.
// A key belongs here only when something reads it (see the consumer named in each description).
import type { Page } from 'playwright-core';
import * as z from 'zod';
import type { HookContextOf, OpHookName } from './hook-context.js';
import { SecretValue } from './secret-value.js';

export { secret } from './secret-value.js';

const HttpStatus = z.number().int().min(100).max(599);

/** Label of a key's type in the generated docs table (zod's own names say little for unions and hooks). */
export interface KeyDoc {
  readonly type: string;
}

type Awaitable<T> = T | Promise<T>;

/** What every hook receives: the ctx shape (hook-context.ts) carrying this registry's meta. */
// an interface, not an alias: its base is resolved lazily, which lets the meta's hooks take it
export interface HookContext extends HookContextOf<RecipeMeta> {}

/** A pre-op hook of ops.ts (preInstall, preUpgrade, …). */
export type OpHook = (ctx: HookContext) => void | Promise<void>;
export type OpHooks = Partial<Record<OpHookName, OpHook>>;

/**
 * A hook: a function of the run's frozen ctx (at most one parameter). A function that wants more, or a
 * value of another shape, is rejected at load with the required signature.
 */
export function hook<F extends (ctx: HookContext) => unknown>(name: string, signature: string) {
  return z.custom<F>((value) => typeof value === 'function' && value.length <= 1, {
    error: (issue) => hookArityMessage(name, signature, issue.input) ?? `Invalid input: expected ${signature}`,
  });
}

/** The message for a function of the wrong arity given where a hook belongs; undefined for a non-function. */
function hookArityMessage(name: string, signature: string, input: unknown): string | undefined {
  if (typeof input !== 'function') return undefined;
  return `Invalid hook: ${name} takes one parameter (ctx) but this function declares ${input.length}; required signature: ${signature}`;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** EXTRA_ENV values: plain strings, or secret(…) for a value that must never be shown. */
export const EnvValues = z.record(
  z.string().regex(ENV_NAME, 'Invalid key: expected an environment variable name ([A-Za-z_][A-Za-z0-9_]*)'),
  z.union([z.string(), SecretValue], { error: 'Invalid input: expected a string or secret(…)' }),
);
export type EnvValues = z.infer<typeof EnvValues>;

/** Why `input` fails `schema`, as "<path>: <message>" of its first issue; a union's own message would hide it. */
function firstIssue(schema: z.ZodType, input: unknown): string {
  const issue = schema.safeParse(input).error?.issues[0];
  if (issue === undefined) return '';
  // a bad record key carries the key schema's own message one level down
  const message = issue.code === 'invalid_key' ? (issue.issues[0]?.message ?? issue.message) : issue.message;
  return ` (${issue.path.length === 0 ? '' : `${z.core.toDotPath(issue.path)}: `}${message})`;
}

function isPlainObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function envKey(name: string) {
  const signature = `${name}: (ctx) => Record<string, string | secret(…)> | Promise<Record<string, string | secret(…)>>`;
  return z.union([EnvValues, hook<(ctx: HookContext) => Awaitable<EnvValues>>(name, signature)], {
    error: (issue) =>
      hookArityMessage(name, signature, issue.input) ??
      `Invalid input: expected an object of strings (or secret(…) values), or ${signature}${isPlainObject(issue.input) ? firstIssue(EnvValues, issue.input) : ''}`,
  });
}

export const HttpProbe = z.strictObject({
  path: z.string().startsWith('/'),
  ok: z.array(HttpStatus).nonempty().optional(),
});
export const TcpProbe = z.strictObject({
  host: z.string().min(1).default('127.0.0.1'),
  port: z.number().int().min(1).max(65_535),
  stable: z.number().int().min(1).default(1),
});
/** The probe kind an object is meant as: `path` makes it HTTP, anything else TCP. */
function probeIssue(input: unknown): string {
  return isPlainObject(input) ? firstIssue('path' in (input as object) ? HttpProbe : TcpProbe, input) : '';
}

export const ReadyProbeSpec = z.union([HttpProbe, TcpProbe], {
  error: (issue) =>
    `Invalid input: expected a probe {path, ok?} (HTTP, relative to the base URL) or {host?, port, stable?} (TCP)${probeIssue(issue.input)}`,
});
export type ReadyProbeSpec = z.infer<typeof ReadyProbeSpec>;
export type ReadyProbeSpecInput = z.input<typeof ReadyProbeSpec>;
/** What a READY_PROBE hook may answer: probes to hold, or directly whether the app is ready yet. */
export type ReadyProbeAnswer = ReadyProbeSpecInput | readonly ReadyProbeSpecInput[] | boolean | undefined;
export const ReadyProbeAnswer = z.union([ReadyProbeSpec, z.array(ReadyProbeSpec), z.boolean(), z.undefined()]);

const READY_PROBE_SIGNATURE = 'READY_PROBE: (ctx) => probe | probe[] | boolean | Promise<…>';

export const TierTimeouts = z.strictObject({
  install: z.number().positive().optional(),
  upgrade: z.number().positive().optional(),
  backup: z.number().positive().optional(),
  restore: z.number().positive().optional(),
  functional: z.number().positive().optional(),
});

const RECIPE_NAME = /^[a-z0-9][a-z0-9-]*$/;

export const RecipeMeta = z.strictObject({
  HEALTH_PATH: z
    .string()
    .startsWith('/')
    .default('/')
    .describe(
      'Path whose answer proves the app serves; polled after every deploy and restore, asserted by the install, upgrade and restore tiers',
    )
    .meta({ type: 'string' }),
  HEALTH_OK: z
    .array(HttpStatus)
    .nonempty()
    .default([200, 301, 302])
    .describe('Statuses of HEALTH_PATH that count as healthy; 404 never should')
    .meta({ type: 'number[]' }),
  DEPLOY_TIMEOUT: z
    .number()
    .positive()
    .default(600)
    .describe('Seconds to wait for every service to converge after a deploy or restore')
    .meta({ type: 'number (s)' }),
  HTTP_TIMEOUT: z
    .number()
    .positive()
    .default(120)
    .describe('Seconds to wait, after convergence, for HEALTH_PATH to answer HEALTH_OK and for READY_PROBE to hold')
    .meta({ type: 'number (s)' }),
  EXTRA_ENV: envKey('EXTRA_ENV')
    .default({})
    .describe(
      'Variables written into the app\'s env file before every deploy (base and head); a hook is called with ctx.op "install" or "upgrade"',
    )
    .meta({ type: 'Record<string, string | secret(…)> | (ctx) => Record<string, string | secret(…)>' }),
  UPGRADE_EXTRA_ENV: envKey('UPGRADE_EXTRA_ENV')
    .default({})
    .describe('Variables written into the env file for the head deploy only (after EXTRA_ENV, so they win)')
    .meta({ type: 'Record<string, string | secret(…)> | (ctx) => Record<string, string | secret(…)>' }),
  READY_PROBE: z
    .union(
      [
        ReadyProbeSpec,
        z.array(ReadyProbeSpec).nonempty(),
        hook<(ctx: HookContext) => Awaitable<ReadyProbeAnswer>>('READY_PROBE', READY_PROBE_SIGNATURE),
      ],
      {
        error: (issue) =>
          hookArityMessage('READY_PROBE', READY_PROBE_SIGNATURE, issue.input) ??
          `Invalid input: expected a probe {path, ok?} or {host?, port, stable?}, an array of them, or ${READY_PROBE_SIGNATURE}${probeIssue(issue.input)}`,
      },
    )
    .optional()
    .describe(
      'Extra readiness after HEALTH_PATH, after every deploy and restore: HTTP {path, ok?}, TCP {host?, port, stable?} (stable = consecutive connects), or a hook returning probes or a boolean; polled until it holds or HTTP_TIMEOUT ends',
    )
    .meta({ type: 'probe | probe[] | (ctx) => probe | probe[] | boolean' }),
  BACKUP_VERIFY: hook<(ctx: HookContext) => Awaitable<boolean>>('BACKUP_VERIFY', 'BACKUP_VERIFY: (ctx) => boolean | Promise<boolean>')
    .optional()
    .describe(
      'Called after each backup (op state backup.snapshotId is the new snapshot); false redoes the backup, at most 3 tries, then the backup tier fails',
    )
    .meta({ type: '(ctx) => boolean' }),
  SCREENSHOT: z
    .custom<(page: Page, ctx: HookContext) => Awaitable<void>>((value) => typeof value === 'function' && value.length <= 2, {
      error: (issue) =>
        typeof issue.input === 'function'
          ? `Invalid hook: SCREENSHOT takes two parameters (page, ctx) but this function declares ${issue.input.length}; required signature: SCREENSHOT: (page, ctx) => void | Promise<void>`
          : 'Invalid input: expected SCREENSHOT: (page, ctx) => void | Promise<void>',
    })
    .optional()
    .describe(
      "Shows more than the landing page before the app's screenshot (after the base deploy is ready): page is a playwright-core Page at the base URL, 1280×800; it may click, fill and navigate. The shot is best effort: a hook that fails leaves the run without a screenshot, never changes its verdict",
    )
    .meta({ type: '(page, ctx) => void' }),
  BACKUP_CAPABLE: z
    .boolean()
    .optional()
    .describe('Overrides detection of backupbot.backup=true labels in the compose files')
    .meta({ type: 'boolean' }),
  DEPS: z
    .array(z.string().regex(RECIPE_NAME, 'Invalid string: expected a recipe name (lower-case letters, digits, -)'))
    .default([])
    .refine((names) => new Set(names).size === names.length, 'DEPS lists a recipe twice')
    .describe(
      'Recipes deployed (newest release, their own customization tree) before the app; their domains and generated secrets reach ctx.deps and CCCI_DEPS_FILE; torn down after the app, in reverse order',
    )
    .meta({ type: 'string[]' }),
  EXPECTED_NA: z
    // install and lint are never skipped, so they cannot be declared
    .partialRecord(z.enum(['upgrade', 'backup_restore', 'functional']), z.string().min(1))
    .default({})
    .describe('{rung: reason}: turns a not-applicable rung into a skip with that reason; never hides a failure')
    .meta({ type: '{upgrade?, backup_restore?, functional?: string}' }),
  UPGRADE_BASE_VERSION: z
    .string()
    .min(1)
    .optional()
    .describe('Release tag to deploy first instead of the resolved base')
    .meta({ type: 'string (tag)' }),
  TIMEOUTS: TierTimeouts.default({})
    .describe(
      'Seconds per tier (pre-op hook, op and assertions; not the base deploy); a tier over its budget is unverified (timeout). Default 900 each',
    )
    .meta({ type: '{install?, upgrade?, backup?, restore?, functional?: number}' }),
});
export type RecipeMeta = z.infer<typeof RecipeMeta>;
export type RecipeMetaInput = z.input<typeof RecipeMeta>;

/** Keys starting with `_` are the recipe's own: never validated, never read by cc-ci. */
export type RecipeMetaSource = RecipeMetaInput & { readonly [key: `_${string}`]: unknown };

/** Typed helper for recipes/<name>/meta.ts: `export const meta = defineMeta({ ... })`. */
export function defineMeta(meta: RecipeMetaSource): RecipeMetaSource {
  return meta;
}

export const DEFAULT_TIER_TIMEOUT_SECONDS = 900;
export const BACKUP_ATTEMPTS = 3;
