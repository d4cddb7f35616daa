// Env shaping of an app's env file: cc-ci's own settings, EXTRA_ENV / UPGRADE_EXTRA_ENV, and the
// COMPOSE_FILE entries of cc-ci's overlays.
import { copyFile, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { editEnvFile, readEnvFile } from '../io/env-file.js';
import { pathExists } from '../io/fs.js';
import { readSecretFile } from '../config/operator-secrets.js';
import { isSecretName, MIN_SECRET_LENGTH, redactor } from '../io/redact.js';
import { isSecretValue } from '../recipes/secret-value.js';
import { EnvValues, type HookContext, type RecipeMeta } from '../recipes/schema.js';
import { callHookWithin, HookError } from './hook-calls.js';

export const OVERLAY_FILE = 'compose.ccci.yml';

/** EXTRA_ENV or UPGRADE_EXTRA_ENV as they are written: strings, every secret(…) read and masked. */
export type ResolvedEnv = Record<string, string>;

/**
 * EXTRA_ENV or UPGRADE_EXTRA_ENV as values: a hook is called with ctx (and HTTP_TIMEOUT to answer) and
 * its answer validated; a secret(…) value (or file of the secrets dir) is read and registered with
 * the redactor before it is written anywhere, as is a value under a secret-looking name.
 */
export async function resolveEnvValues(
  key: 'EXTRA_ENV' | 'UPGRADE_EXTRA_ENV',
  meta: Readonly<RecipeMeta>,
  makeCtx: () => Promise<HookContext>,
  signal: AbortSignal,
  secretsDir: string | undefined,
): Promise<ResolvedEnv> {
  const value = meta[key];
  let values: EnvValues;
  if (typeof value !== 'function') values = { ...value };
  else {
    const ctx = await makeCtx();
    const answer = await callHookWithin(key, () => value(ctx), signal, meta.HTTP_TIMEOUT, 'HTTP_TIMEOUT');
    const parsed = EnvValues.safeParse(answer);
    if (!parsed.success)
      throw new HookError(
        key,
        new Error(
          `returned ${redactor.redact(String(JSON.stringify(answer)))}; expected an object of strings or secret(…) values (Record<string, string | secret(…)>)`,
        ),
      );
    values = parsed.data;
  }
  const resolved: ResolvedEnv = {};
  for (const [name, entry] of Object.entries(values)) {
    if (!isSecretValue(entry)) {
      // a value under a secret-looking name (DB_PASSWORD, …) must never reach a log line or an artifact
      if (isSecretName(name)) redactor.add(entry);
      resolved[name] = entry;
      continue;
    }
    const secretText = 'file' in entry ? await readSecretFile(secretsDir, entry.file) : entry.value;
    if (secretText.length < MIN_SECRET_LENGTH) {
      throw new HookError(
        key,
        new Error(`${name}: the secret is ${secretText.length} characters; at least ${MIN_SECRET_LENGTH} are needed to mask it`),
      );
    }
    redactor.add(secretText);
    resolved[name] = secretText;
  }
  return resolved;
}

async function composeFiles(envFile: string): Promise<string[]> {
  const env = await readEnvFile(envFile);
  return (env.get('COMPOSE_FILE') ?? 'compose.yml').split(':').filter((file) => file !== '');
}

/** Adds files to COMPOSE_FILE (after the recipe's own), each once. */
export async function addComposeFiles(envFile: string, files: readonly string[]): Promise<void> {
  const current = (await composeFiles(envFile)).filter((file) => !files.includes(file));
  await editEnvFile(envFile, { COMPOSE_FILE: [...current, ...files].join(':') });
}

export async function removeComposeFiles(envFile: string, files: readonly string[]): Promise<void> {
  const current = await composeFiles(envFile);
  await editEnvFile(envFile, { COMPOSE_FILE: current.filter((file) => !files.includes(file)).join(':') });
}

/** Copies cc-ci's CI-only overlay into the checkout and adds it to COMPOSE_FILE. */
export async function applyComposeOverlay(overlay: string, recipeDir: string, envFile: string): Promise<void> {
  await copyFile(overlay, join(recipeDir, OVERLAY_FILE));
  await addComposeFiles(envFile, [OVERLAY_FILE]);
}

/** Name of a previous/ overlay inside the checkout: prefixed so it can never shadow a recipe file. */
export function previousOverlayName(file: string): string {
  return `ccci-previous.${basename(file)}`;
}

/** previous/ overlays: copied in and added to COMPOSE_FILE for the base deploy only. */
export async function applyPreviousOverlays(overlays: readonly string[], recipeDir: string, envFile: string): Promise<void> {
  if (overlays.length === 0) return;
  for (const overlay of overlays) await copyFile(overlay, join(recipeDir, previousOverlayName(overlay)));
  await addComposeFiles(envFile, overlays.map(previousOverlayName));
}

/** Before the head deploy: the previous/ overlays leave COMPOSE_FILE and the checkout. */
export async function removePreviousOverlays(overlays: readonly string[], recipeDir: string, envFile: string): Promise<void> {
  if (overlays.length === 0) return;
  if (await pathExists(envFile)) await removeComposeFiles(envFile, overlays.map(previousOverlayName));
  for (const overlay of overlays) await rm(join(recipeDir, previousOverlayName(overlay)), { force: true });
}
