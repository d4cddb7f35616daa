// The run's composition root: builds the live adapters, provides the actors, runs the machine, and writes
// results.json from its output alone.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { createWebSocketInspector } from '@statelyai/inspect';
import { createActor, toPromise, type SnapshotFrom } from 'xstate';
import { makeHoldDomainLock } from '../actors/hold-domain-lock.js';
import { makeInstallApp } from '../actors/install-app.js';
import { makeLintRecipe } from '../actors/lint-recipe.js';
import { makePrepareRun } from '../actors/prepare-run.js';
import { makeRunTier } from '../actors/run-tier.js';
import type { RunIdentity, RunNotice, RunWorld } from './run-world.js';
import { makeSuperviseRun } from '../actors/supervise-run.js';
import { makeSweepLeftovers } from '../actors/sweep-leftovers.js';
import { makeTearDownApp } from '../actors/tear-down-app.js';
import { makeCaptureScreenshot } from '../actors/capture-screenshot.js';
import type { Config } from '../config/schema.js';
import { CARD_FILE, runPaths } from '../domain/run-paths.js';
import { createAbra } from '../io/abra.js';
import { bookedTimeMs, outsideTimeMs } from '../io/clock.js';
import { createDocker } from '../io/docker.js';
import { createGit } from '../io/git.js';
import { instanceId } from '../io/instance-id.js';
import { settleLockReleases } from '../io/lock.js';
import { createLogger, type Logger } from '../io/log.js';
import { redactDeep, redactor } from '../io/redact.js';
import { writeStateFile } from '../io/run-state.js';
import { runMachine, type RunOutput } from '../machines/run.machine.js';
import { buildResults } from '../results/build-results.js';
import { MACHINE_TRANSITION } from '../results/machine-trace.js';
import { summaryCardSvg } from '../results/summary-card.js';
import { renderPng } from '../io/render-png.js';
import { LoadedRecipes } from './loaded-recipes.js';
import { OpStateExport } from './op-state.js';
import { RunStart } from '../results/killed-run.js';
import type { Results } from '../results/schema.js';
import { RESULTS_FILE, writeResults } from '../results/write-results.js';
import { scanArtifacts, type LeakScan } from './leak-scan.js';

export interface RunRequest {
  readonly config: Config;
  readonly identity: RunIdentity;
  readonly notify: (notice: RunNotice) => void;
  /** Sees every snapshot of the run machine (progress output). */
  readonly observe: (snapshot: SnapshotFrom<typeof runMachine>) => void;
  readonly stderrLevel: 'warn' | 'silent';
  /** A Stately inspector's WebSocket URL: the run's actors are sent there too (ccci run --inspect). */
  readonly inspect?: string;
}

export interface RunOutcome {
  readonly results: Results;
  readonly resultsFile: string;
  readonly runDir: string;
  readonly output: RunOutput;
}

function abraFor(config: Config, abraDir: string, log: Logger) {
  return createAbra({
    bin: config.abra.bin,
    abraDir,
    server: config.abra.server,
    tty: config.abra.tty,
    log: log.child({ component: 'abra' }),
  });
}

/** The summary card as an artifact; best effort: a card that cannot be made leaves the text to stand alone. */
async function withSummaryCard(results: Results, runDir: string, log: Logger): Promise<Results> {
  const { screenshot } = results.artifacts;
  try {
    const picture =
      screenshot === null ? undefined : `data:image/png;base64,${(await readFile(join(runDir, screenshot))).toString('base64')}`;
    await writeFile(join(runDir, CARD_FILE), renderPng(summaryCardSvg(results, picture)));
    return { ...results, artifacts: { ...results.artifacts, card: CARD_FILE } };
  } catch (error) {
    log.warn({ err: error }, 'the summary card could not be rendered: results.json and the comment stand without it');
    const problem = `the summary card could not be rendered: ${(error as Error).message.split('\n')[0]}`;
    return { ...results, artifacts: { ...results.artifacts, problems: [...results.artifacts.problems, problem] } };
  }
}

export function createRunWorld(request: RunRequest, log: Logger): RunWorld {
  const { config, identity } = request;
  const paths = runPaths(config.runsDir, identity.runId, identity.recipe);
  return {
    config,
    identity,
    paths,
    instance: instanceId(config.lockDir),
    log,
    abra: abraFor(config, paths.abraDir, log),
    lintAbra: abraFor(config, paths.lintAbraDir, log),
    docker: createDocker({ log: log.child({ component: 'docker' }) }),
    git: createGit({ log: log.child({ component: 'git' }) }),
    notify: (notice) => request.notify(redactDeep(notice, redactor.redact)),
    loaded: new LoadedRecipes(),
    opState: new OpStateExport(paths.opStateFile),
    stopping: { reason: null },
  };
}

export async function executeRun(request: RunRequest): Promise<RunOutcome> {
  const paths = runPaths(request.config.runsDir, request.identity.runId, request.identity.recipe);
  await mkdir(paths.runDir, { recursive: true });
  const log = createLogger({ file: paths.logFile, stderrLevel: request.stderrLevel, stderrFormat: 'human' }).child({
    runId: request.identity.runId,
  });
  const world = createRunWorld(request, log);
  const startedAt = new Date();
  log.info({ identity: request.identity }, 'run started');
  // before anything can kill the run: the janitor records a killed run from it
  const { runId, recipe, ref, pr, domain } = request.identity;
  await writeStateFile(paths.runStartFile, RunStart.parse({ runId, recipe, ref, pr, domain, startedAt: startedAt.toISOString() }));
  const machine = runMachine.provide({
    actors: {
      superviseRun: makeSuperviseRun({
        cancelFile: world.paths.cancelFile,
        deadlineAt: world.identity.deadlineAt,
        log,
        stopping: world.stopping,
      }),
      // the janitor works on other runs' apps: it uses the shared ABRA_DIR where their env files live
      sweepLeftovers: makeSweepLeftovers(world, abraFor(request.config, request.config.abra.dir, log)),
      prepareRun: makePrepareRun(world),
      lintRecipe: makeLintRecipe(world),
      holdDomainLock: makeHoldDomainLock(world),
      installApp: makeInstallApp(world),
      runTier: makeRunTier(world),
      captureScreenshot: makeCaptureScreenshot(world),
      tearDownApp: makeTearDownApp(world),
    },
  });
  // best effort: a socket that does not answer is retried by the inspector and never fails the run
  const inspector =
    request.inspect === undefined
      ? undefined
      : createWebSocketInspector({
          url: request.inspect,
          // the context holds dependencies' generated secrets: they leave masked
          sanitizeContext: (context) => redactDeep(context, redactor.redact),
          sanitizeEvent: (event) => redactDeep(event, redactor.redact),
        });
  const actor = createActor(machine, {
    input: { identity: request.identity, startedAt: startedAt.toISOString() },
    inspect: (inspection) => {
      inspector?.inspect.next?.(inspection);
      // the root machine's transitions go into the run log: the daemon's machine view follows them there
      if (inspection.type !== '@xstate.snapshot' || inspection.actorRef.sessionId !== inspection.rootId) return;
      const { value } = inspection.snapshot as SnapshotFrom<typeof runMachine>;
      log.debug({ machine: { event: inspection.event.type, state: value } }, MACHINE_TRANSITION);
    },
  });
  actor.subscribe({ next: request.observe, error: (error) => log.error({ err: error }, 'run machine failed') });
  actor.start();
  const output = await toPromise(actor);
  await settleLockReleases();
  // reasons and test messages quote hook errors, script output and assertion values: mask every secret in them
  const resultsFor = (secretScan: LeakScan) =>
    redactDeep(buildResults(output, { finishedAt, logFile: relative(paths.runDir, paths.logFile), secretScan }), redactor.redact);
  const finishedAt = new Date();
  const draft = resultsFor({ scanned: [], leaked: [] });
  const secretScan = await scanArtifacts(paths, { name: RESULTS_FILE, text: JSON.stringify(draft) }, (text) => redactor.isClean(text));
  if (secretScan.leaked.length > 0) {
    log.error({ leaked: secretScan.leaked }, 'a known secret value appears unmasked in artifacts of this run: noSecretLeak is false');
  }
  const results = await withSummaryCard(resultsFor(secretScan), paths.runDir, log);
  const resultsFile = await writeResults(paths.runDir, results);
  // not `level`: that key is pino's own
  log.info({ result: { level: results.level, verdict: results.verdict, exitCode: results.exitCode }, resultsFile }, 'run finished');
  log.info(
    {
      wallMs: Date.now() - startedAt.getTime(),
      outsideMs: outsideTimeMs(),
      commandMs: bookedTimeMs('command'),
      waitMs: bookedTimeMs('wait'),
      maxRssKb: process.resourceUsage().maxRSS,
    },
    'run timings',
  );
  // last: the machine's final events are still on their way to the inspector while results are written
  inspector?.stop();
  return { results, resultsFile, runDir: paths.runDir, output };
}
