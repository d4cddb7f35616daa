// One TCP connect, closed at once: the primitive of TCP readiness probes.
import { connect } from 'node:net';

export function tcpConnect(host: string, port: number, options: { readonly timeoutMs: number; readonly signal?: AbortSignal }): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, signal: options.signal });
    socket.setTimeout(options.timeoutMs, () => socket.destroy(new Error(`no connection within ${options.timeoutMs} ms`)));
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
    socket.once('error', reject);
  });
}
