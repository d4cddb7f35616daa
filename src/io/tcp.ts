// One TCP connect, closed at once: the primitive of TCP readiness probes.
import { connect } from 'node:net';

export function tcpConnect(
  host: string,
  port: number,
  options: { readonly timeoutMs: number; readonly signal?: AbortSignal },
): Promise<void> {
  const { signal } = options;
  signal?.throwIfAborted();
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    // our own listener, removed when the attempt ends: probes connect many times on one run-long signal
    const onAbort = () => socket.destroy(signal?.reason as Error);
    signal?.addEventListener('abort', onAbort, { once: true });
    const settle = (error?: Error) => {
      signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      if (error === undefined) resolve();
      else reject(error);
    };
    socket.setTimeout(options.timeoutMs, () => settle(new Error(`no connection within ${options.timeoutMs} ms`)));
    socket.once('connect', () => settle());
    socket.once('error', settle);
  });
}
