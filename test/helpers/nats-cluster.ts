// A real NATS JetStream cluster for tests: Debian's nats-server, three nodes on loopback ports with
// routes to each other, each with its own store in a temp dir; a node can be SIGKILLed and the rest
// go on. Started nodes are stopped when the test process exits (execa's cleanup).
import { execa, type ResultPromise } from 'execa';
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';

export const NATS_SERVER = process.env.CCCI_NATS_SERVER ?? 'nats-server';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface NatsNode {
  readonly name: string;
  readonly url: string;
  readonly process: ResultPromise;
  kill(): Promise<void>;
}

export interface NatsCluster {
  readonly nodes: readonly NatsNode[];
  readonly servers: readonly string[];
  stop(): Promise<void>;
}

/** Starts `size` JetStream nodes clustered on loopback; resolves once JetStream answers with a meta leader. */
export async function startNatsCluster(size = 3): Promise<NatsCluster> {
  const dir = await mkdtemp(join(tmpdir(), 'ccci-nats-'));
  const clientPorts = await Promise.all(Array.from({ length: size }, freePort));
  const routePorts = await Promise.all(Array.from({ length: size }, freePort));
  const nodes: NatsNode[] = [];
  for (let index = 0; index < size; index++) {
    const name = `n${index + 1}`;
    const store = join(dir, name);
    await mkdir(store, { recursive: true });
    const routes = routePorts.filter((_, other) => other !== index).map((port) => `"nats-route://127.0.0.1:${port}"`);
    const configFile = join(dir, `${name}.conf`);
    await writeFile(
      configFile,
      [
        `server_name: ${name}`,
        `listen: 127.0.0.1:${clientPorts[index]}`,
        `jetstream { store_dir: "${store}", max_memory_store: 64MB, max_file_store: 1GB }`,
        `cluster { name: ccci-test, listen: 127.0.0.1:${routePorts[index]}, routes: [${routes.join(', ')}] }`,
      ].join('\n'),
    );
    const child = execa(NATS_SERVER, ['-c', configFile], { reject: false, stdout: 'ignore', stderr: 'pipe', buffer: { stderr: true } });
    nodes.push({
      name,
      url: `nats://127.0.0.1:${clientPorts[index]}`,
      process: child,
      async kill() {
        child.kill('SIGKILL');
        await child;
      },
    });
  }
  const servers = nodes.map((node) => node.url);
  await jetStreamReady(servers);
  return {
    nodes,
    servers,
    async stop() {
      for (const node of nodes) node.process.kill('SIGTERM');
      await Promise.all(nodes.map((node) => node.process));
    },
  };
}

/** Waits until the cluster has elected a JetStream meta leader (account info answers). */
async function jetStreamReady(servers: readonly string[], timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const connection = await connect({ servers: [...servers], timeout: 2_000 });
      try {
        const jsm = await jetstreamManager(connection, { timeout: 2_000 });
        await jsm.getAccountInfo();
        return;
      } finally {
        await connection.close();
      }
    } catch (error) {
      last = error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  throw new Error(`the NATS cluster ${servers.join(', ')} had no JetStream leader within ${timeoutMs} ms: ${String(last)}`);
}
