// Stages 3–5: the run's own ABRA_DIR, a clone pinned at the ref, the customization, the upgrade base.
import { mkdir, readFile, readdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { fromPromise } from 'xstate';
import { swarmNameProblems } from '../domain/identity.js';
import type { PreparedRun } from '../domain/run-types.js';
import { resolveUpgradeBase } from '../domain/upgrade-base.js';
import { parseEnv } from '../io/env-file.js';
import { writeStateFile } from '../io/run-state.js';
import { abraShExports, composeVersion, declaresBackup, swarmResourceNames } from '../recipes/compose.js';
import { customizationManifest, CustomizationError, loadCustomization } from '../recipes/load-customization.js';
import type { TierContext } from '../tiers/tier-context.js';
import { stageError, type RunWorld } from './run-world.js';
import { readOptionalFile } from '../io/fs.js';

/** A per-run ABRA_DIR: servers/ is the shared server config, recipes/ starts empty. */
export async function createRunAbraDir(abraDir: string, sharedAbraDir: string): Promise<void> {
  await mkdir(join(abraDir, 'recipes'), { recursive: true });
  await symlink(join(sharedAbraDir, 'servers'), join(abraDir, 'servers'), 'dir');
}


export async function prepareRun(world: RunWorld, signal: AbortSignal): Promise<PreparedRun> {
  const { identity, paths, git, config } = world;
  await createRunAbraDir(paths.abraDir, config.abra.dir);
  try {
    await git.clone(identity.source, paths.recipeDir);
  } catch (error) {
    throw stageError('prepare', 'bad-input', `cannot clone the recipe from ${identity.source}: ${(error as Error).message}`);
  }
  signal.throwIfAborted();
  const headSha = await git.resolve(paths.recipeDir, identity.ref ?? 'HEAD');
  if (headSha === undefined) throw stageError('prepare', 'bad-input', `ref "${identity.ref}" does not exist in ${identity.source}`);
  await git.checkout(paths.recipeDir, headSha);

  let customization;
  try {
    customization = await loadCustomization(config.customizationDir, identity.recipe);
  } catch (error) {
    if (error instanceof CustomizationError) throw stageError('prepare', 'bad-input', error.message);
    throw error;
  }
  const manifest = customizationManifest(customization);
  world.notify({ type: 'manifest', manifest });
  world.log.info({ manifest }, 'customization manifest');
  const meta = customization.meta;

  const composeFiles = (await readdir(paths.recipeDir)).filter((name) => /^compose(\..+)?\.ya?ml$/.test(name)).sort();
  const composeText = await readOptionalFile(join(paths.recipeDir, 'compose.yml'));
  if (composeText === undefined) throw stageError('prepare', 'bad-input', `${identity.source} at ${headSha.slice(0, 8)} has no compose.yml: not a Co-op Cloud recipe`);
  const headVersion = composeVersion(composeText) ?? null;

  const variables = {
    ...Object.fromEntries(parseEnv((await readOptionalFile(join(paths.recipeDir, '.env.sample'))) ?? '')),
    ...abraShExports((await readOptionalFile(join(paths.recipeDir, 'abra.sh'))) ?? ''),
    STACK_NAME: identity.stack,
  };
  const problems = swarmNameProblems(swarmResourceNames(composeText, variables));
  if (problems.length > 0) throw stageError('prepare', 'bad-input', `swarm names too long for domain ${identity.domain}: ${problems.join('; ')}`);

  const base = resolveUpgradeBase({
    upgradeExpectedNa: meta.EXPECTED_NA.upgrade,
    upgradeBaseVersion: meta.UPGRADE_BASE_VERSION,
    headVersion: headVersion ?? undefined,
    headSha,
    releaseTags: await git.tags(paths.recipeDir),
    targetTipSha: await git.defaultBranchTip(paths.recipeDir),
  });
  if (base.kind === 'version' && (await git.resolve(paths.recipeDir, base.value!)) === undefined) {
    throw stageError('prepare', 'bad-input', `upgrade base ${base.value} (${base.reason}) is not a tag of ${identity.source}`);
  }
  world.log.info({ base, headSha, headVersion }, 'upgrade base resolved');

  const composeTexts = await Promise.all(composeFiles.map((name) => readFile(join(paths.recipeDir, name), 'utf8')));
  const detected = composeTexts.some((text, index) => declaresBackup(text, composeFiles[index]));
  const backupCapable = meta.BACKUP_CAPABLE ?? detected;
  const backupCapableReason = meta.BACKUP_CAPABLE !== undefined
    ? `BACKUP_CAPABLE is ${meta.BACKUP_CAPABLE} in the recipe meta`
    : detected ? 'backupbot.backup=true label found' : 'not backup-capable: no backupbot.backup=true label in the compose files';

  const context: TierContext = {
    runId: identity.runId,
    recipe: identity.recipe,
    domain: identity.domain,
    stack: identity.stack,
    appService: `${identity.stack}_app`,
    healthPath: meta.HEALTH_PATH,
    healthOk: [...meta.HEALTH_OK],
    httpTimeoutSeconds: meta.HTTP_TIMEOUT,
    abra: { bin: config.abra.bin, tty: config.abra.tty, server: config.abra.server },
  };
  await writeStateFile(paths.contextFile, context);
  await writeStateFile(paths.opStateFile, {});
  await writeStateFile(paths.depsFile, {});

  return {
    recipe: identity.recipe,
    recipeDir: paths.recipeDir,
    headSha,
    headVersion,
    base,
    backupCapable,
    backupCapableReason,
    expectedNa: meta.EXPECTED_NA,
    functionalTests: customization.functionalTests,
    manifest,
    meta,
    composeOverlay: customization.composeOverlay,
  };
}

export function makePrepareRun(world: RunWorld) {
  return fromPromise<PreparedRun, undefined>(({ signal }) => prepareRun(world, signal));
}
