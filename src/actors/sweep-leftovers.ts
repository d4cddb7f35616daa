// The janitor's live actors and one pass of the janitor machine (docs/concurrency.md#the-janitor-decision-table):
// reap per-run apps whose run is gone, never a live one. `ccci janitor`, every run's first stage and
// the daemon's periodic pass all call `sweepLeftovers`.
import { access, constants, readdir, rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { createActor, fromPromise } from 'xstate';
import type { Config } from '../config/schema.js';
import type { CandidateFacts } from '../domain/janitor-decision.js';
import type { JanitorDecision } from '../domain/describe-janitor-decision.js';
import { makeRunId, perRunDomainPattern, stackName } from '../domain/identity.js';
import type { LockOwner } from '../domain/lock-owner.js';
import { stackOwnerOf } from '../domain/stack-owner.js';
import { createAbra, type Abra } from '../io/abra.js';
import { createDocker, type Docker } from '../io/docker.js';
import { instanceId } from '../io/instance-id.js';
import {
  checkLockDirSwarm,
  currentOwner,
  LOCK_STALE_MS,
  lockPaths,
  readLockOwner,
  settleLockReleases,
  tryLock,
  type HeldLock,
} from '../io/lock.js';
import type { Logger } from '../io/log.js';
import { isProcessAlive } from '../io/process-alive.js';
import {
  janitorMachine,
  type IdentityOutput,
  type JanitorCandidate,
  type JanitorOutput,
  type ProbeOutput,
  type ReapInput,
} from '../machines/janitor.machine.js';
import { recordKilledRun } from '../run/record-killed-run.js';
import { reapApp } from '../run/reap-app.js';
import type { RunWorld } from '../run/run-world.js';

/** What this actor touches of the run's world. */
export type JanitorWorld = Pick<RunWorld, 'config' | 'identity' | 'instance' | 'docker' | 'log' | 'notify'>;

export interface JanitorAdapters {
  readonly config: Config;
  readonly abra: Abra;
  readonly docker: Docker;
  readonly log: Logger;
  readonly runId: string;
  /** This cc-ci instance's id (src/domain/stack-owner.ts): only stacks labelled with it are reaped without a record. */
  readonly instance: string;
  readonly dryRun?: boolean;
}

/** Per-run stacks on the engine, as domains; warm and canonical names never match. */
export function candidateDomains(stacks: readonly string[], ciDomain: string): string[] {
  const suffix = `_${ciDomain.replaceAll('.', '_')}`;
  const pattern = perRunDomainPattern(ciDomain);
  return stacks
    .filter((stack) => stack.endsWith(suffix))
    .map((stack) => `${stack.slice(0, -suffix.length)}.${ciDomain}`)
    .filter((domain) => pattern.test(domain));
}

/** Domains with an owner record in the lock dir (per-run names only). */
async function recordedDomains(lockDir: string, ciDomain: string): Promise<string[]> {
  const pattern = perRunDomainPattern(ciDomain);
  return (await readdir(lockDir))
    .filter((name) => name.endsWith('.owner.json'))
    .map((name) => name.slice(0, -'.owner.json'.length))
    .filter((domain) => pattern.test(domain));
}

/** The owner's pid on this host; a recycled pid reads as alive, which only delays the reap. */
function ownerProcess(owner: LockOwner): CandidateFacts['ownerProcess'] {
  if (owner.host !== hostname()) return 'elsewhere';
  return isProcessAlive(owner.pid) ? 'alive' : 'dead';
}

/** What one probe learns, without taking the lock: the lock dir's freshness and the owner record. */
export async function probeCandidate(config: Config, domain: string): Promise<ProbeOutput> {
  let lock: CandidateFacts['lock'] = 'free';
  let staleAt: string | undefined;
  try {
    const { mtimeMs } = await stat(lockPaths(config.lockDir, domain).lockDirectory);
    lock = Date.now() - mtimeMs < LOCK_STALE_MS ? 'fresh' : 'stale';
    staleAt = new Date(mtimeMs + LOCK_STALE_MS).toISOString();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const owner = await readLockOwner(config.lockDir, domain);
  if (owner === undefined) return { facts: { lock, owner: 'missing', ownerProcess: 'unknown', age: 'unknown' }, evidence: { staleAt } };
  const heldMs = Date.now() - Date.parse(owner.startedAt);
  return {
    facts: {
      lock,
      owner: 'recorded',
      ownerProcess: ownerProcess(owner),
      age: heldMs > 2 * config.deadlineMinutes * 60_000 ? 'over' : 'within',
    },
    evidence: { owner, heldMs, staleAt },
  };
}

/** Tries the lock once (a stale one is taken over); a lock taken is kept in `held`. */
export async function takeJanitorLock(
  adapters: JanitorAdapters,
  held: Map<string, HeldLock>,
  domain: string,
): Promise<'acquired' | 'refused'> {
  const { config, log } = adapters;
  const lock = await tryLock(domain, currentOwner(adapters.runId), {
    lockDir: config.lockDir,
    log,
    onCompromised: (error) => log.error({ err: error, domain }, 'janitor lost the lock while reaping'),
  });
  if (lock === undefined) return 'refused';
  held.set(domain, lock);
  return 'acquired';
}

/** The live actors of one pass; held locks are kept here, by domain, so the machine's context stays data. */
export function janitorActors(adapters: JanitorAdapters, held: Map<string, HeldLock>) {
  const { config } = adapters;
  const me = currentOwner(adapters.runId);
  const heldLock = (domain: string) => {
    const lock = held.get(domain);
    if (lock === undefined) throw new Error(`the janitor holds no lock for ${domain}`);
    held.delete(domain);
    return lock;
  };
  return {
    checkLockDir: fromPromise<void, undefined>(async () => {
      try {
        await access(config.lockDir, constants.R_OK | constants.W_OK);
      } catch (error) {
        throw new Error(`lock dir ${config.lockDir} is missing or not writable: ${(error as Error).message}`);
      }
      await checkLockDirSwarm(config.lockDir, await adapters.docker.swarmId());
    }),
    listCandidates: fromPromise<JanitorCandidate[], undefined>(async () => {
      const withApp = new Set(candidateDomains(await adapters.docker.stackNames(), config.ciDomain));
      const domains = [...new Set([...withApp, ...(await recordedDomains(config.lockDir, config.ciDomain))])].sort();
      return Promise.all(
        domains.map(async (domain): Promise<JanitorCandidate> => {
          if (!withApp.has(domain)) return { domain, stack: 'absent', stackOwner: 'none' };
          const services = await adapters.docker.stackServices(stackName(domain));
          const { stackOwner, labels } = stackOwnerOf(
            await Promise.all(services.map((service) => adapters.docker.serviceLabels(service.name))),
            adapters.instance,
          );
          return { domain, stack: 'present', stackOwner, ...(labels === undefined ? {} : { stackLabels: labels }) };
        }),
      );
    }),
    probeCandidate: fromPromise<ProbeOutput, { domain: string }>(({ input }) => probeCandidate(config, input.domain)),
    acquireLock: fromPromise<'acquired' | 'refused', { domain: string }>(({ input }) => takeJanitorLock(adapters, held, input.domain)),
    // someone may have replaced the lock between our mkdir and our owner record: then it is not ours
    checkIdentity: fromPromise<IdentityOutput, { domain: string }>(async ({ input }) => {
      const recorded = await readLockOwner(config.lockDir, input.domain);
      return recorded?.runId === me.runId && recorded.pid === me.pid ? { identity: 'ours' } : { identity: 'replaced', ownerNow: recorded };
    }),
    reapApp: fromPromise<{ leftovers: string[] }, ReapInput>(async ({ input, signal }) => {
      const { domain, deadOwner } = input;
      const report = await reapApp(
        adapters,
        { domain, stack: stackName(domain), envFile: join(config.abra.dir, 'servers', config.abra.server, `${domain}.env`) },
        signal,
      );
      if (deadOwner !== null) await recordKilledRun(adapters, deadOwner, report.leftovers);
      return { leftovers: [...report.leftovers] };
    }),
    removeRecord: fromPromise<void, { domain: string }>(({ input }) =>
      rm(lockPaths(config.lockDir, input.domain).ownerFile, { force: true }),
    ),
    releaseLock: fromPromise<void, { domain: string }>(({ input }) => heldLock(input.domain).release()),
    abandonLock: fromPromise<void, { domain: string }>(({ input }) => heldLock(input.domain).abandon()),
  };
}

/** One janitor pass. An abort stops it where it is; a lock it holds at that moment is released. */
/** A janitor pass with the live adapters, as `ccci janitor`, the daemon and the workers run it. */
export function liveSweep(config: Config, log: Logger, options: { readonly dryRun?: boolean } = {}) {
  return async (signal: AbortSignal): Promise<JanitorDecision[]> => {
    try {
      return await sweepLeftovers(
        {
          config,
          abra: createAbra({ bin: config.abra.bin, abraDir: config.abra.dir, server: config.abra.server, tty: config.abra.tty, log }),
          docker: createDocker({ log }),
          log,
          runId: makeRunId(new Date(), { pid: process.pid }),
          instance: instanceId(config.lockDir),
          dryRun: options.dryRun,
        },
        signal,
      );
    } finally {
      await settleLockReleases();
    }
  };
}

export async function sweepLeftovers(adapters: JanitorAdapters, signal: AbortSignal): Promise<JanitorDecision[]> {
  signal.throwIfAborted();
  const held = new Map<string, HeldLock>();
  const actor = createActor(janitorMachine.provide({ actors: janitorActors(adapters, held) }), {
    input: { dryRun: adapters.dryRun === true },
  });
  try {
    const output = await new Promise<JanitorOutput>((resolve, reject) => {
      const onAbort = () => {
        reject(signal.reason);
        actor.stop();
      };
      signal.addEventListener('abort', onAbort, { once: true });
      actor.subscribe({
        next: (snapshot) => adapters.log.debug({ janitor: snapshot.value }, 'janitor step'),
        complete: () => {
          signal.removeEventListener('abort', onAbort);
          resolve(actor.getSnapshot().output!);
        },
        error: (error) => {
          signal.removeEventListener('abort', onAbort);
          reject(error);
        },
      });
      actor.start();
    });
    for (const decision of output.decisions) {
      (decision.row === 'possible-leaked-run' || decision.action === 'failed' ? adapters.log.warn : adapters.log.info).call(
        adapters.log,
        { ...decision },
        'janitor decision',
      );
    }
    if (output.error !== null) throw new Error(output.error);
    if (output.decisions.some((decision) => decision.row === 'lock-dir-missing'))
      adapters.log.error(
        { lockDir: adapters.config.lockDir },
        'janitor: lock dir missing, not writable, or of another swarm; nothing probed',
      );
    return [...output.decisions];
  } finally {
    await Promise.allSettled([...held.values()].map((lock) => lock.release()));
  }
}

export function makeSweepLeftovers(world: JanitorWorld, janitorAbra: Abra) {
  return fromPromise<void, undefined>(async ({ signal }) => {
    try {
      const decisions = await sweepLeftovers(
        {
          config: world.config,
          abra: janitorAbra,
          docker: world.docker,
          log: world.log,
          runId: world.identity.runId,
          instance: world.instance,
        },
        signal,
      );
      // a live run's app, or another instance's, is none of this run's business: only what the janitor did or warns about is said
      for (const decision of decisions.filter((entry) => entry.row !== 'live' && entry.row !== 'other-instance')) {
        world.notify({ type: 'notice', message: `janitor: ${decision.domain} ${decision.action} (${decision.row}: ${decision.detail})` });
      }
    } catch (error) {
      // a failed pass leaves leftovers for the next one; it must not stop this run, but it must show
      if (signal.aborted) throw error;
      world.log.error({ err: error }, 'janitor pass failed');
      world.notify({ type: 'notice', message: `janitor pass failed: ${(error as Error).message.split('\n')[0]}` });
    }
  });
}
