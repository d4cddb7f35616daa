// Stages 3–5: the run's own ABRA_DIR, a clone pinned at the ref, the customization (and the DEPS it
// declares, cloned beside it), the upgrade base.
import { StageFailureError } from '../domain/stage-failure.js';
import { cp, readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fromPromise } from 'xstate';
import { dependencyDomain, stackName, swarmNameProblems } from '../domain/identity.js';
import type { PlannedDependency, PreparedFacts } from '../domain/run-types.js';
import { resolveUpgradeBase } from '../domain/upgrade-base.js';
import { sortedReleaseTags } from '../domain/versions.js';
import { parseEnv } from '../io/env-file.js';
import { pathExists, readOptionalFile } from '../io/fs.js';
import { writeStateFile } from '../io/run-state.js';
import { isAllowed, readAllowlist, type Allowlist } from '../recipes/allowlist.js';
import { abraShExports, composeVersion, swarmObjectNames } from '../recipes/compose.js';
import { backupCapability } from '../recipes/backup-capability.js';
import { createRunAbraDir } from '../run/run-abra-dir.js';
import { CustomizationError, loadCustomization, REPO_LOCAL_DIR, type Customization } from '../recipes/load-customization.js';
import { customizationManifest } from '../recipes/manifest.js';
import type { RecipeMeta } from '../recipes/schema.js';
import type { TierContext } from '../tiers/tier-context.js';
import { describeDefect, recipeDefects } from '../recipes/recipe-defects.js';
import { stageSignal, type RunWorld } from '../run/run-world.js';

/** What this actor touches of the run's world. */
export type PrepareWorld = Pick<RunWorld, 'config' | 'identity' | 'paths' | 'git' | 'log' | 'notify' | 'loaded' | 'stopping'>;

async function readComposeFiles(recipeDir: string): Promise<{ name: string; text: string }[]> {
  const names = (await readdir(recipeDir)).filter((name) => /^compose(\..+)?\.ya?ml$/.test(name)).sort();
  return Promise.all(names.map(async (name) => ({ name, text: await readFile(join(recipeDir, name), 'utf8') })));
}

/** Every swarm object the deploy creates must have a name swarm accepts for this stack: say which do not before deploying. */
async function checkSwarmNames(recipeDir: string, composeText: string, stack: string, domain: string): Promise<void> {
  const variables = {
    ...Object.fromEntries(parseEnv((await readOptionalFile(join(recipeDir, '.env.sample'))) ?? '')),
    ...abraShExports((await readOptionalFile(join(recipeDir, 'abra.sh'))) ?? ''),
    STACK_NAME: stack,
  };
  const problems = swarmNameProblems(swarmObjectNames(composeText, variables, stack));
  if (problems.length > 0)
    throw new StageFailureError('prepare', 'bad-input', `swarm names too long for domain ${domain}: ${problems.join('; ')}`);
}

async function load(world: PrepareWorld, recipe: string, repoLocalDir: string | null, allowlist: Allowlist): Promise<Customization> {
  try {
    return await loadCustomization({ customizationDir: world.config.customizationDir, recipe, repoLocalDir, allowlist });
  } catch (error) {
    if (error instanceof CustomizationError) throw new StageFailureError('prepare', 'bad-input', error.message);
    throw error;
  }
}

/** Clones each of DEPS at its newest release, with its own customization tree (no repo-local code, no nested DEPS). */
async function planDependencies(world: PrepareWorld, meta: Readonly<RecipeMeta>, signal: AbortSignal): Promise<PlannedDependency[]> {
  const { identity, config, paths, git } = world;
  const plans: PlannedDependency[] = [];
  for (const recipe of meta.DEPS) {
    if (recipe === identity.recipe)
      throw new StageFailureError('prepare', 'bad-input', `DEPS of ${identity.recipe} lists the recipe itself`);
    const source = config.dependencySource.replaceAll('{recipe}', recipe);
    const recipeDir = join(paths.abraDir, 'recipes', recipe);
    try {
      await git.clone(source, recipeDir, signal);
    } catch (error) {
      throw new StageFailureError('prepare', 'bad-input', `cannot clone dependency ${recipe} from ${source}: ${(error as Error).message}`);
    }
    const customization = await load(world, recipe, null, { file: null, recipes: new Set(), notes: [] });
    if (customization.meta.DEPS.length > 0) {
      throw new StageFailureError(
        'prepare',
        'bad-input',
        `dependency ${recipe} declares DEPS (${customization.meta.DEPS.join(', ')}) in ${customization.metaFile}: nested dependencies are not supported`,
      );
    }
    const version = sortedReleaseTags(await git.tags(recipeDir)).at(-1)?.text ?? null;
    const domain = dependencyDomain(identity.domain, recipe, config.ciDomain);
    const stack = stackName(domain);
    if (version !== null) await git.checkout(recipeDir, version, signal);
    const composeText = await readOptionalFile(join(recipeDir, 'compose.yml'));
    if (composeText === undefined)
      throw new StageFailureError('prepare', 'bad-input', `dependency ${recipe} (${source}) has no compose.yml: not a Co-op Cloud recipe`);
    await checkSwarmNames(recipeDir, composeText, stack, domain);
    world.loaded.add(customization);
    plans.push({ recipe, domain, stack, source, recipeDir, version });
  }
  return plans;
}

export async function prepareRun(world: PrepareWorld, signal: AbortSignal): Promise<PreparedFacts> {
  const { identity, paths, git, config } = world;
  await createRunAbraDir(paths.abraDir, config.abra.dir);
  try {
    await git.clone(identity.source, paths.recipeDir, signal);
  } catch (error) {
    throw new StageFailureError('prepare', 'bad-input', `cannot clone the recipe from ${identity.source}: ${(error as Error).message}`);
  }
  signal.throwIfAborted();
  const headSha = await git.resolve(paths.recipeDir, identity.ref ?? 'HEAD');
  if (headSha === undefined)
    throw new StageFailureError('prepare', 'bad-input', `ref "${identity.ref}" does not exist in ${identity.source}`);
  await git.checkout(paths.recipeDir, headSha, signal);
  const defects = recipeDefects(await readComposeFiles(paths.recipeDir), await readOptionalFile(join(paths.recipeDir, '.env.sample')));
  if (defects.length > 0) throw StageFailureError.recipeDefect(defects.map(describeDefect).join('; '), headSha);

  const allowlist = await readAllowlist(config.repoLocalAllowlist);
  for (const note of allowlist.notes) {
    world.log.warn({ allowlist: allowlist.file }, note);
    world.notify({ type: 'notice', message: note });
  }
  // a trusted repository tree is taken at the head (later checkouts of the base must not change it);
  // an untrusted one is only noted as present, never copied or read
  let repoLocalDir: string | null = null;
  if (await pathExists(join(paths.recipeDir, REPO_LOCAL_DIR))) {
    repoLocalDir = join(paths.recipeDir, REPO_LOCAL_DIR);
    if (isAllowed(allowlist, identity.recipe)) {
      await cp(repoLocalDir, paths.repoLocalDir, { recursive: true });
      repoLocalDir = paths.repoLocalDir;
    }
  }
  const customization = await load(world, identity.recipe, repoLocalDir, allowlist);
  world.loaded.add(customization);
  const meta = customization.meta;

  const composeText = await readFile(join(paths.recipeDir, 'compose.yml'), 'utf8');
  const headVersion = composeVersion(composeText) ?? null;
  await checkSwarmNames(paths.recipeDir, composeText, identity.stack, identity.domain);

  const base = resolveUpgradeBase({
    upgradeExpectedNa: meta.EXPECTED_NA.upgrade,
    upgradeBaseVersion: meta.UPGRADE_BASE_VERSION,
    headVersion: headVersion ?? undefined,
    headSha,
    releaseTags: await git.tags(paths.recipeDir),
    targetTipSha: await git.defaultBranchTip(paths.recipeDir),
  });
  if (base.kind === 'version' && (await git.resolve(paths.recipeDir, base.value!)) === undefined) {
    throw new StageFailureError('prepare', 'bad-input', `upgrade base ${base.value} (${base.reason}) is not a tag of ${identity.source}`);
  }
  world.log.info({ base, headSha, headVersion }, 'upgrade base resolved');

  const backup = backupCapability(meta, await readComposeFiles(paths.recipeDir));
  // printed once what will run is known, so it lists nothing that will not
  const manifest = customizationManifest(customization, {
    ...(base.kind === 'skip' ? { upgrade: base.reason } : {}),
    ...(backup.capable ? {} : { backup: backup.reason, restore: backup.reason }),
  });
  world.notify({ type: 'manifest', manifest });
  world.log.info({ manifest }, 'customization manifest');
  const dependencies = await planDependencies(world, meta, signal);
  signal.throwIfAborted();

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
  await writeStateFile(paths.depsSkipFile, {});

  return {
    recipe: identity.recipe,
    recipeDir: paths.recipeDir,
    headSha,
    headVersion,
    base,
    backupCapable: backup.capable,
    backupCapableReason: backup.reason,
    expectedNa: meta.EXPECTED_NA,
    functionalTests: customization.functionalTests.map((test) => test.file),
    manifest,
    dependencies,
  };
}

export function makePrepareRun(world: PrepareWorld) {
  return fromPromise<PreparedFacts, undefined>(({ signal }) => prepareRun(world, stageSignal(world, signal)));
}
