// A real HTTP proxy on 127.0.0.1 in front of the test bed's Gitea: forwards every request unchanged, or
// answers the next N itself with a fault (a status, a dropped connection, a stall), so retry logic meets
// real sockets and the forge's real answers instead of a mocked fetch.
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Fault =
  | { readonly kind: 'status'; readonly status: number; readonly headers?: Readonly<Record<string, string>>; readonly body?: string }
  /** Closes the socket without an answer. */
  | { readonly kind: 'drop' }
  /** Holds the request without answering for `ms`, then closes the socket. */
  | { readonly kind: 'stall'; readonly ms: number };

export interface ProxiedRequest {
  readonly method: string;
  /** Path and query as the client sent them. */
  readonly path: string;
  readonly outcome: 'forwarded' | Fault['kind'];
}

export interface FaultProxy {
  /** Base URL to give the client instead of the forge's. */
  readonly url: string;
  /** Every request that reached the proxy, in order. */
  readonly requests: readonly ProxiedRequest[];
  /** Requests passed through to the forge. */
  readonly forwarded: number;
  /** The next `count` requests get `fault` instead of the forge's answer. */
  failNext(count: number, fault: Fault): void;
  /** Forgets pending faults and the request log. */
  reset(): void;
  close(): Promise<void>;
}

export async function startFaultProxy(upstream: string): Promise<FaultProxy> {
  const target = new URL(upstream);
  const faults: Fault[] = [];
  const requests: ProxiedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();

  const forward = (incoming: IncomingMessage, outgoing: ServerResponse) => {
    const upstreamRequest = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        method: incoming.method,
        path: incoming.url,
        headers: { ...incoming.headers, host: target.host },
      },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    upstreamRequest.on('error', () => outgoing.destroy());
    incoming.pipe(upstreamRequest);
  };

  const server = createServer((incoming, outgoing) => {
    const fault = faults.shift();
    requests.push({ method: incoming.method ?? 'GET', path: incoming.url ?? '/', outcome: fault?.kind ?? 'forwarded' });
    if (fault === undefined) return forward(incoming, outgoing);
    // read the request body first: the client should see the fault, not a reset while still sending
    incoming.resume();
    incoming.on('end', () => {
      switch (fault.kind) {
        case 'status':
          outgoing.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers });
          outgoing.end(fault.body ?? JSON.stringify({ message: `fault proxy: ${fault.status}` }));
          return;
        case 'drop':
          incoming.socket.destroy();
          return;
        case 'stall': {
          const timer = setTimeout(() => {
            timers.delete(timer);
            incoming.socket.destroy();
          }, fault.ms);
          timers.add(timer);
          return;
        }
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    get forwarded() {
      return requests.filter((entry) => entry.outcome === 'forwarded').length;
    },
    failNext(count, fault) {
      for (let i = 0; i < count; i++) faults.push(fault);
    },
    reset() {
      faults.length = 0;
      requests.length = 0;
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
