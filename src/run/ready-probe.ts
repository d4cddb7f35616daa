// READY_PROBE (docs/recipe-customization.md#ready_probe): readiness beyond HEALTH_PATH, checked after every deploy and restore.
// HTTP probes need one accepted answer; a TCP probe needs `stable` consecutive connects.
import { wait } from '../io/clock.js';
import { deadline } from '../io/deadline.js';
import { describeHttpError, httpGet } from '../io/http.js';
import { redactor } from '../io/redact.js';
import { tcpConnect } from '../io/tcp.js';
import { ReadyProbeAnswer, ReadyProbeSpec, type HookContext, type RecipeMeta } from '../recipes/schema.js';
import { callHook, HookError } from './hook-calls.js';

const POLL_MS = 1_000;
const STABLE_GAP_MS = 200;
const PROBE_TIMEOUT_MS = 5_000;

function describeProbe(probe: ReadyProbeSpec): string {
  return 'path' in probe ? `HTTP ${probe.path}` : `TCP ${probe.host}:${probe.port}`;
}

/** Checks one probe now: undefined when it holds, else why not. */
export async function checkProbe(
  probe: ReadyProbeSpec,
  baseUrl: string,
  defaultOk: readonly number[],
  signal: AbortSignal,
): Promise<string | undefined> {
  if ('path' in probe) {
    const ok = probe.ok ?? defaultOk;
    try {
      const answer = await httpGet(`${baseUrl}${probe.path}`, { timeoutMs: PROBE_TIMEOUT_MS, signal });
      return ok.includes(answer.status) ? undefined : `${describeProbe(probe)} answered ${answer.status} (accepted: ${ok.join(', ')})`;
    } catch (error) {
      signal.throwIfAborted();
      return `${describeProbe(probe)}: ${describeHttpError(error)}`;
    }
  }
  for (let connects = 0; connects < probe.stable; connects++) {
    if (connects > 0) await wait(STABLE_GAP_MS, signal);
    try {
      await tcpConnect(probe.host, probe.port, { timeoutMs: PROBE_TIMEOUT_MS, signal });
    } catch (error) {
      signal.throwIfAborted();
      return `${describeProbe(probe)}: connect ${connects + 1} of ${probe.stable} failed (${(error as Error).message})`;
    }
  }
  return undefined;
}

/** What READY_PROBE asks for right now: probes to check, or a verdict from the hook itself. */
async function currentProbes(
  readyProbe: NonNullable<RecipeMeta['READY_PROBE']>,
  makeCtx: () => Promise<HookContext>,
  signal: AbortSignal,
): Promise<ReadyProbeSpec[] | boolean> {
  if (typeof readyProbe !== 'function') return Array.isArray(readyProbe) ? [...readyProbe] : [readyProbe as ReadyProbeSpec];
  const ctx = await makeCtx();
  const answer = await callHook('READY_PROBE', () => readyProbe(ctx), signal);
  const parsed = ReadyProbeAnswer.safeParse(answer);
  if (!parsed.success)
    throw new HookError(
      'READY_PROBE',
      new Error(
        `returned ${redactor.redact(String(JSON.stringify(answer)))}; expected a probe {path, ok?} or {host?, port, stable?}, an array of them, or a boolean`,
      ),
    );
  if (parsed.data === undefined) return false;
  if (typeof parsed.data === 'boolean') return parsed.data;
  return Array.isArray(parsed.data) ? parsed.data : [parsed.data];
}

/** Polls READY_PROBE until every probe holds; throws with the last reason when `deadlineAt` passes, even mid-poll. */
export async function waitForReadyProbe(
  meta: Readonly<RecipeMeta>,
  baseUrl: string,
  makeCtx: () => Promise<HookContext>,
  deadlineAt: number,
  signal: AbortSignal,
): Promise<void> {
  const readyProbe = meta.READY_PROBE;
  if (readyProbe === undefined) return;
  let last = 'not checked yet';
  while (Date.now() < deadlineAt) {
    signal.throwIfAborted();
    // a hook that never answers, or a probe that hangs, must not outlive the window
    const poll = deadline(signal, deadlineAt - Date.now());
    try {
      const probes = await currentProbes(readyProbe, makeCtx, poll.signal);
      if (probes === true) return;
      if (probes === false) last = 'the READY_PROBE hook answered false';
      else {
        let failing: string | undefined;
        for (const probe of probes) {
          failing = await checkProbe(probe, baseUrl, meta.HEALTH_OK, poll.signal);
          if (failing !== undefined) break;
        }
        if (failing === undefined) return;
        last = failing;
      }
    } catch (error) {
      if (!poll.expired() || signal.aborted) throw error;
      last = 'the last poll did not finish';
    } finally {
      poll.dispose();
    }
    if (Date.now() < deadlineAt) await wait(Math.min(POLL_MS, deadlineAt - Date.now()), signal);
  }
  throw new Error(`READY_PROBE did not hold within HTTP_TIMEOUT ${meta.HTTP_TIMEOUT}s (last: ${last})`);
}
