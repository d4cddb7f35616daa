// HTTP probes against a deployed app. Redirects are not followed: a 301/302 is itself an answer.
import { createHash } from 'node:crypto';

export interface HttpAnswer {
  readonly status: number;
  readonly body: string;
  readonly bodySha256: string;
}

export async function httpGet(url: string, options: { readonly timeoutMs: number; readonly signal?: AbortSignal }): Promise<HttpAnswer> {
  const { signal } = options;
  signal?.throwIfAborted();
  // not AbortSignal.any: its listener on the run-long signal outlives the request, and readiness polls many times
  const controller = new AbortController();
  const onAbort = () => controller.abort(signal?.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(
    () => controller.abort(new DOMException(`no answer within ${options.timeoutMs} ms`, 'TimeoutError')),
    options.timeoutMs,
  );
  try {
    const response = await fetch(url, { redirect: 'manual', signal: controller.signal, headers: { 'user-agent': 'cc-ci' } });
    const body = await response.text();
    return { status: response.status, body, bodySha256: createHash('sha256').update(body).digest('hex') };
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}

/** Explains a failed probe in one line: connection refused, timeout, … */
export function describeHttpError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message ?? String(error);
}
