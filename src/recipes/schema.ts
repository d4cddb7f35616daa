// The registry of recipe meta keys: the single source of truth for their names, types, defaults and docs.
// A key belongs here only when something reads it (see the consumer named in each description).
import * as z from 'zod';

const HttpStatus = z.number().int().min(100).max(599);

export const TierTimeouts = z
  .strictObject({
    install: z.number().positive().optional(),
    upgrade: z.number().positive().optional(),
    backup: z.number().positive().optional(),
    restore: z.number().positive().optional(),
    functional: z.number().positive().optional(),
  })
  .describe('Seconds per tier (op and assertions); a tier over its budget is unverified (timeout)');

export const RecipeMeta = z.strictObject({
  HEALTH_PATH: z.string().startsWith('/').default('/').describe('Path whose answer proves the app serves (install, upgrade, restore readiness)'),
  HEALTH_OK: z.array(HttpStatus).nonempty().default([200, 301, 302]).describe('Statuses that count as healthy; 404 never does'),
  DEPLOY_TIMEOUT: z.number().positive().default(600).describe('Seconds to wait for every service to converge after a deploy'),
  HTTP_TIMEOUT: z.number().positive().default(120).describe('Seconds to wait for HEALTH_PATH to answer with a HEALTH_OK status'),
  BACKUP_CAPABLE: z.boolean().optional().describe('Overrides detection of backupbot labels in the compose files'),
  EXPECTED_NA: z
    // install and lint are never skipped, so they cannot be declared
    .partialRecord(z.enum(['upgrade', 'backup_restore', 'functional']), z.string().min(1))
    .default({})
    .describe('{rung: reason}: turns a not-applicable rung into a skip with that reason; never hides a failure'),
  UPGRADE_BASE_VERSION: z.string().min(1).optional().describe('Release tag to deploy first instead of the resolved base'),
  TIMEOUTS: TierTimeouts.default({}),
});
export type RecipeMeta = z.infer<typeof RecipeMeta>;
export type RecipeMetaInput = z.input<typeof RecipeMeta>;

/** Typed helper for recipes/<name>/meta.ts: `export const meta = defineMeta({ ... })`. */
export function defineMeta(meta: RecipeMetaInput): RecipeMetaInput {
  return meta;
}

export const DEFAULT_TIER_TIMEOUT_SECONDS = 900;
