// The NATS JetStream link of the daemon and the workers (docs/scale-out.md): connect (reconnecting
// for ever), make sure the two streams and the workers' consumer exist with the configured
// replicas and ack wait, and publish reports so that none is lost or doubled across a node failover.
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import {
  AckPolicy,
  DeliverPolicy,
  DiscardPolicy,
  jetstream,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
  JetStreamApiCodes,
  JetStreamApiError,
  type ConsumerConfig,
  type JetStreamClient,
  type JetStreamManager,
} from '@nats-io/jetstream';
import { connect, credsAuthenticator, headers, nanos, type NatsConnection } from '@nats-io/transport-node';
import type { NatsConfig } from '../config/schema.js';
import {
  DAEMON_CONSUMER,
  REPORTS_MAX_AGE_DAYS,
  REPORTS_STREAM,
  REPORTS_SUBJECTS,
  RUNS_STREAM,
  RUNS_SUBJECT,
  WORKERS_CONSUMER,
} from '../domain/scale-out.js';
import type { Logger } from './log.js';

export interface JetStreamLink {
  readonly connection: NatsConnection;
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  /** Drains subscriptions and closes the connection. */
  close(): Promise<void>;
}

/** A NATS configuration that cannot work as given: its credentials file is unreadable (the command exits 2: nothing ran). */
export class JetStreamSetupError extends Error {
  readonly code = 'bad-jetstream-setup';
  constructor(message: string) {
    super(message);
    this.name = 'JetStreamSetupError';
  }
}

function readCredentials(nats: NatsConfig): Uint8Array | undefined {
  if (nats.credentialsFile === undefined) return undefined;
  try {
    return new Uint8Array(readFileSync(nats.credentialsFile));
  } catch (error) {
    throw new JetStreamSetupError(`Cannot read the NATS credentials file ${nats.credentialsFile}: ${(error as Error).message}`);
  }
}

/** Throws JetStreamSetupError when the configuration cannot work whatever the cluster does (checked before anything starts). */
export function checkNatsConfig(nats: NatsConfig): void {
  readCredentials(nats);
}

/** Connects (a cluster that does not answer at all is an Error naming the servers); reconnects for ever after. */
export async function connectJetStream(nats: NatsConfig, options: { readonly name: string; readonly log: Logger }): Promise<JetStreamLink> {
  const creds = readCredentials(nats);
  const authenticator = creds === undefined ? undefined : credsAuthenticator(creds);
  let connection: NatsConnection;
  try {
    connection = await connect({
      servers: nats.servers,
      name: `${options.name}@${hostname()}`,
      authenticator,
      // a node that goes away is a reason to use another one, never to stop
      maxReconnectAttempts: -1,
      reconnectTimeWait: 500,
    });
  } catch (error) {
    throw new Error(`Cannot connect to NATS at ${nats.servers.join(', ')}: ${(error as Error).message}`, { cause: error });
  }
  void (async () => {
    for await (const status of connection.status()) {
      if (status.type === 'disconnect' || status.type === 'reconnect')
        options.log.warn({ nats: status.type, server: status.server }, `NATS ${status.type}`);
    }
  })();
  const jsm = await jetstreamManager(connection);
  return {
    connection,
    js: jetstream(connection),
    jsm,
    async close() {
      if (!connection.isClosed()) await connection.drain();
    },
  };
}

function isNotFound(error: unknown, code: number): boolean {
  return error instanceof JetStreamApiError && error.code === code;
}

/** Creates or updates the run-request work queue, the reports stream, the workers' consumer and (for the daemon) its own. */
export async function ensureStreams(link: JetStreamLink, nats: NatsConfig, options: { readonly daemon?: boolean } = {}): Promise<void> {
  const runs = {
    name: RUNS_STREAM,
    subjects: [RUNS_SUBJECT],
    retention: RetentionPolicy.Workqueue,
    storage: StorageType.File,
    num_replicas: nats.replicas,
    discard: DiscardPolicy.New,
  };
  const reports = {
    name: REPORTS_STREAM,
    subjects: [REPORTS_SUBJECTS],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    num_replicas: nats.replicas,
    max_age: nanos(REPORTS_MAX_AGE_DAYS * 24 * 3600 * 1000),
  };
  for (const stream of [runs, reports]) {
    try {
      await link.jsm.streams.info(stream.name);
      await link.jsm.streams.update(stream.name, stream);
    } catch (error) {
      if (!isNotFound(error, JetStreamApiCodes.StreamNotFound)) throw error;
      await link.jsm.streams.add(stream);
    }
  }
  await ensureConsumer(link, RUNS_STREAM, WORKERS_CONSUMER, {
    ack_policy: AckPolicy.Explicit,
    ack_wait: nanos(nats.ackWaitSeconds * 1000),
    deliver_policy: DeliverPolicy.All,
    // a request is redelivered until some worker ends it: the daemon, not JetStream, gives up on it
    max_deliver: -1,
    max_ack_pending: -1,
  });
  if (options.daemon === true)
    // from its creation on: reports older than the daemon's first start belong to no run it follows
    await ensureConsumer(link, REPORTS_STREAM, DAEMON_CONSUMER, { ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.New });
}

async function ensureConsumer(
  link: JetStreamLink,
  stream: string,
  durable: string,
  config: Partial<ConsumerConfig> & { deliver_policy: ConsumerConfig['deliver_policy'] },
): Promise<void> {
  try {
    await link.jsm.consumers.info(stream, durable);
    // the deliver policy of an existing consumer cannot change (and need not: it is where it was)
    const { deliver_policy: _unchangeable, ...changeable } = config;
    await link.jsm.consumers.update(stream, durable, changeable);
  } catch (error) {
    if (!isNotFound(error, JetStreamApiCodes.ConsumerNotFound)) throw error;
    await link.jsm.consumers.add(stream, { durable_name: durable, ...config });
  }
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

export interface Publication {
  readonly subject: string;
  readonly data: Uint8Array | string;
  readonly headers?: Readonly<Record<string, string>>;
  /** JetStream's de-duplication id: a publish retried after a lost acknowledgement lands once. */
  readonly msgId: string;
}

/**
 * Publishes in order, each until JetStream acknowledges it (a node failover costs retries, never a
 * report). `flushed()` resolves once everything handed over so far is stored; an abort stops retrying.
 */
export function createPublisher(link: JetStreamLink, options: { readonly log: Logger; readonly signal: AbortSignal }) {
  let chain: Promise<void> = Promise.resolve();
  const publishOne = async (publication: Publication) => {
    for (let attempt = 1; !options.signal.aborted; attempt++) {
      try {
        const h = headers();
        for (const [name, value] of Object.entries(publication.headers ?? {})) h.set(name, value);
        await link.js.publish(publication.subject, publication.data, { msgID: publication.msgId, headers: h, timeout: 5_000 });
        return;
      } catch (error) {
        if (attempt === 1 || attempt % 20 === 0)
          options.log.warn({ subject: publication.subject, attempt, err: error }, 'JetStream did not store a report yet: retrying');
        await pause(Math.min(250 * attempt, 2_000), options.signal);
      }
    }
  };
  return {
    publish(publication: Publication): void {
      chain = chain.then(() => publishOne(publication));
    },
    flushed(): Promise<void> {
      return chain;
    },
  };
}
export type Publisher = ReturnType<typeof createPublisher>;
