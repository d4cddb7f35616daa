// The daemon's composition root: reads the secrets, opens the store, builds the live adapters and the
// dispatcher, provides the daemon machine's actors and runs it until it stops.
import { readFile } from 'node:fs/promises';
import { createActor, toPromise } from 'xstate';
import { makeDeliverReports } from '../actors/daemon/deliver-reports.js';
import type { DaemonWorld } from '../actors/daemon/daemon-world.js';
import { makeDrainRuns, makeFlushReports, makeRecoverState } from '../actors/daemon/lifecycle.js';
import { makePollForge } from '../actors/daemon/poll-forge.js';
import { makeServeHttp } from '../actors/daemon/serve-http.js';
import { makeSuperviseDaemon } from '../actors/daemon/supervise-daemon.js';
import { makeSweepPeriodically } from '../actors/daemon/sweep-periodically.js';
import { liveSweep } from '../actors/sweep-leftovers.js';
import { runLimitMinutes, type Config, type DaemonConfig } from '../config/schema.js';
import { normalizeRecipeName } from '../domain/identity.js';
import { ForgeError } from '../forge/forge.js';
import { openDaemonStore } from '../io/daemon-store.js';
import { createGiteaForge } from '../io/gitea.js';
import type { Logger } from '../io/log.js';
import { redactor } from '../io/redact.js';
import { startRunChild } from '../io/run-child.js';
import { checkNatsConfig, connectJetStream, ensureStreams, type JetStreamLink, type JetStreamSetupError } from '../io/jetstream.js';
import { daemonMachine, type DaemonOutput } from '../machines/daemon.machine.js';
import type { Enrolled } from './admit-comment.js';
import { createAdmitter } from './admit-comment.js';
import { createBell } from './bell.js';
import { createDaemonMetrics } from './metrics.js';
import { createDispatcher } from './dispatcher.js';
import { createPullReports } from './pull-reports.js';
import { createRemoteRuns } from './remote-run.js';

/** A daemon that cannot start because of its configuration or secrets (exit 2: nothing was started). */
export class DaemonSetupError extends Error {
  readonly code = 'bad-daemon-setup';
  constructor(message: string) {
    super(message);
    this.name = 'DaemonSetupError';
  }
}

async function readSecret(file: string, what: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new DaemonSetupError(`Cannot read the ${what} file ${file}: ${(error as Error).message}`);
  }
  const secret = text.trim();
  if (secret === '') throw new DaemonSetupError(`The ${what} file ${file} is empty`);
  return secret;
}

/** Scale-out: how long a stopped remote run may take to report its end (a teardown's worst case, and some). */
const STOP_GRACE_MS = 20 * 60_000;

export function enrolledRepositories(daemon: DaemonConfig): Enrolled[] {
  return daemon.repositories.map((entry) => {
    const repo = typeof entry === 'string' ? entry : entry.repo;
    const recipe = typeof entry === 'string' || entry.recipe === undefined ? normalizeRecipeName(repo.split('/')[1]!) : entry.recipe;
    return { repo, recipe };
  });
}

export interface DaemonRequest {
  readonly config: Config;
  readonly configFile: string;
  readonly log: Logger;
}

export async function runDaemon(request: DaemonRequest): Promise<DaemonOutput> {
  const { config, log } = request;
  const daemonLog = log.child({ component: 'daemon' });
  const daemon = config.daemon;
  if (daemon === undefined)
    throw new DaemonSetupError(`The configuration file ${request.configFile} has no "daemon" section (forge, org, repositories, stateDir)`);
  if (config.nats !== undefined) {
    try {
      checkNatsConfig(config.nats);
    } catch (error) {
      throw new DaemonSetupError((error as JetStreamSetupError).message);
    }
  }
  const token = await readSecret(daemon.forge.tokenFile, 'forge token');
  redactor.add(token);
  const webhookSecret =
    daemon.forge.webhookSecretFile === undefined ? undefined : await readSecret(daemon.forge.webhookSecretFile, 'webhook secret');
  redactor.add(webhookSecret);

  // the gauges are read at scrape time, when the dispatcher exists
  const metrics = createDaemonMetrics({ waiting: () => dispatcher.counts().waiting, running: () => dispatcher.counts().running });
  const forge = createGiteaForge({
    url: daemon.forge.url,
    token,
    log: log.child({ component: 'forge' }),
    onRequest: metrics.forgeCalled,
  });
  let bot: string | undefined;
  const botLogin = async () => (bot ??= await forge.whoami());
  try {
    daemonLog.info({ forge: daemon.forge.url, bot: await botLogin() }, 'the forge accepts the token');
  } catch (error) {
    // a forge that is down must not keep the daemon from starting; a token it refuses must
    if (!(error instanceof ForgeError && error.retryable)) {
      throw new DaemonSetupError(
        `The forge at ${daemon.forge.url} refuses the token in ${daemon.forge.tokenFile}: ${(error as Error).message}`,
      );
    }
    daemonLog.warn({ forge: daemon.forge.url, err: error }, 'the forge does not answer yet; the daemon starts anyway');
  }

  // scale-out: runs go to the workers through JetStream; the daemon keeps the forge side
  let link: JetStreamLink | undefined;
  if (config.nats !== undefined) {
    try {
      link = await connectJetStream(config.nats, { name: 'ccci-daemon', log: log.child({ component: 'nats' }) });
      await ensureStreams(link, config.nats, { daemon: true });
    } catch (error) {
      await link?.close();
      // not bad input: the cluster may come back, and a service manager should start the daemon again
      const failure = `setting up JetStream failed: ${(error as Error).message}`;
      daemonLog.error({ err: error }, `daemon failed: ${failure}`);
      return { url: null, stopReason: null, failure, stopsIgnored: 0 };
    }
    daemonLog.info({ servers: config.nats.servers, replicas: config.nats.replicas }, 'scale-out: run requests go to the workers');
  }
  const store = openDaemonStore(daemon.stateDir);
  const limitMinutes = runLimitMinutes(config);
  const enrolled = enrolledRepositories(daemon);
  const links = { publicUrl: (daemon.publicUrl ?? `http://${daemon.listen.host}:${daemon.listen.port}`).replace(/\/+$/, '') };
  const outbox = createBell();
  const changed = () => outbox.ring();
  const reports = createPullReports({ store, links, limitMinutes, redact: redactor.redact, changed });
  const dispatcher = createDispatcher({
    store,
    reports,
    links,
    limitMinutes,
    changed,
    maxTests: daemon.maxTests,
    remote: link !== undefined,
    runsDir: config.runsDir,
    configFile: request.configFile,
    log: log.child({ component: 'queue' }),
    startRun:
      link === undefined
        ? (spec, hooks) => startRunChild(spec, { log: log.child({ component: 'run' }), onLine: hooks.onLine })
        : createRemoteRuns({ link, log: log.child({ component: 'remote-run' }), stopGraceMs: STOP_GRACE_MS }),
    metrics,
  });
  const admitter = createAdmitter({
    store,
    forge,
    dispatcher,
    reports,
    enrolled,
    org: daemon.org,
    allowlist: daemon.commenterAllowlist,
    log: log.child({ component: 'trigger' }),
  });
  const sweepHost = liveSweep(config, log.child({ component: 'janitor' }));
  const sweep = async (signal: AbortSignal) => {
    // scale-out: the swarms are the workers' (each sweeps its own); this host may have none
    if (link !== undefined) return [];
    const decisions = await sweepHost(signal);
    metrics.janitorDecided(decisions);
    return decisions;
  };

  const world: DaemonWorld = {
    config,
    daemon,
    store,
    forge,
    dispatcher,
    admitter,
    reports,
    enrolled,
    outbox,
    links,
    limitMinutes,
    webhookSecret,
    log,
    botLogin,
    sweep,
    redact: redactor.redact,
    metrics,
    health: { lastPoll: null, forgeBlocked: null },
  };
  daemonLog.info(
    {
      stateDir: daemon.stateDir,
      database: store.file,
      repositories: enrolled.map((entry) => entry.repo),
      maxTests: daemon.maxTests,
      limitMinutes,
      pollIntervalSeconds: daemon.pollIntervalSeconds,
    },
    'daemon starting',
  );
  const actor = createActor(
    daemonMachine.provide({
      actors: {
        superviseDaemon: makeSuperviseDaemon(world),
        serveHttp: makeServeHttp(world),
        deliverReports: makeDeliverReports(world),
        recoverState: makeRecoverState(world),
        pollForge: makePollForge(world),
        sweepPeriodically: makeSweepPeriodically(world),
        drainRuns: makeDrainRuns(world),
        flushReports: makeFlushReports(world),
      },
    }),
  );
  actor.start();
  try {
    const output = await toPromise(actor);
    if (output.failure === null) daemonLog.info({ stopReason: output.stopReason, stopsIgnored: output.stopsIgnored }, 'daemon stopped');
    else daemonLog.error({ stopReason: output.stopReason, failure: output.failure }, `daemon failed: ${output.failure}`);
    return output;
  } finally {
    store.close();
    await link?.close();
  }
}
