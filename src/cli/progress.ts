// Progress output of `ccci run`: one line per finished stage on a terminal, or the JSON event stream
// (src/results/run-events.ts) with --json. The terminal view says each thing once: a failure on its stage's
// line (the rungs point to it), what is customized in a few lines, hints at the end.
import type { RunNotice } from '../run/run-world.js';
import { describeOwner } from '../domain/lock-owner.js';
import type { RunContext } from '../machines/run.machine.js';
import { summarizeCustomization } from '../recipes/manifest.js';
import type { Results } from '../results/schema.js';
import { runHints } from './hints.js';
import type { RunEvent, RunStage } from '../results/run-events.js';

export interface StageView {
  readonly stages: ReadonlySet<string>;
  readonly context: RunContext;
}

export interface ProgressSink {
  started(header: { runId: string; recipe: string; ref: string | undefined; domain: string; runDir: string }): void;
  notice(notice: RunNotice): void;
  observe(view: StageView): void;
  finished(results: Results, resultsFile: string): void;
}

function stageDetail(stage: string, context: RunContext): string {
  const tier = context.tiers.find((candidate) => candidate.name === stage);
  if (tier !== undefined) return `${tier.status}: ${tier.reason}`;
  if (stage === 'lint' && context.lint !== null) return `${context.lint.status}: ${context.lint.detail}`;
  if (stage === 'prepare' && context.prepared !== null) {
    const { base, headSha, headVersion } = context.prepared;
    return `head ${headSha.slice(0, 8)} (${headVersion ?? 'no version'}); base ${base.kind}${base.value === null ? '' : ` ${base.value}`}: ${base.reason}`;
  }
  if (stage === 'screenshot' && context.screenshot !== null) {
    return 'file' in context.screenshot ? `saved ${context.screenshot.file}` : `none: ${context.screenshot.problem}`;
  }
  if (stage === 'teardown' && context.teardown !== null) {
    const { complete, leftovers, errors } = context.teardown;
    if (!complete)
      return `INCOMPLETE: ${errors
        .filter((error) => error.step === 'crash')
        .map((error) => `${error.domain}: ${error.message}`)
        .join('; ')}`;
    return leftovers.length === 0 ? 'nothing left' : `LEFT: ${leftovers.join(', ')}`;
  }
  if ((stage === 'prepare' || stage === 'deploy' || stage === 'lock') && context.failure?.stage === stage)
    return `failed: ${context.failure.message}`;
  return '';
}

/** Diffs successive sets of active stages into started/finished events. */
function stageTracker(onStart: (stage: string) => void, onFinish: (stage: string, ms: number, context: RunContext) => void) {
  const active = new Map<string, number>();
  return (view: StageView) => {
    for (const [stage, since] of active) {
      if (!view.stages.has(stage)) {
        active.delete(stage);
        onFinish(stage, Date.now() - since, view.context);
      }
    }
    for (const stage of view.stages) {
      if (!active.has(stage)) {
        active.set(stage, Date.now());
        onStart(stage);
      }
    }
  };
}

/** A rung's reason on the terminal: a failure message already printed on its stage's line is pointed to, not repeated. */
export function rungReason(reason: string, shown: { readonly stage: string; readonly message: string } | undefined): string {
  if (shown === undefined || shown.message === '' || !reason.includes(shown.message)) return reason;
  return reason.replace(`: ${shown.message}`, '').replace(shown.message, '').trimEnd() + ` (see ${shown.stage} above)`;
}

export function terminalProgress(write: (line: string) => void): ProgressSink {
  let shownFailure: { stage: string; message: string } | undefined;
  let lockWait: { ms: number; holder: string | undefined } | undefined;
  const observe = stageTracker(
    () => undefined,
    (stage, ms, context) => {
      const detail = stageDetail(stage, context);
      if (context.failure?.stage === stage && detail.startsWith('failed: ')) shownFailure = { stage, message: context.failure.message };
      if (stage === 'lock' && lockWait !== undefined) lockWait = { ...lockWait, ms };
      write(`  ${stage.padEnd(10)} ${(ms / 1000).toFixed(1).padStart(6)}s  ${detail}`.trimEnd());
    },
  );
  const notice = (event: RunNotice) => {
    if (event.type === 'manifest') {
      const lines = summarizeCustomization(event.manifest);
      if (lines.length > 0)
        write([`  customization (${event.manifest.tree ?? event.manifest.recipe}):`, ...lines.map((line) => `    ${line}`)].join('\n'));
      return;
    }
    if (event.type === 'lock-wait') {
      lockWait = { ms: event.waitedMs, holder: describeOwner(event.holder) };
      write(
        event.waitedMs === 0
          ? `  waiting for the lock of ${event.domain}, held by ${describeOwner(event.holder)}`
          : `  still waiting for the lock of ${event.domain} (${Math.round(event.waitedMs / 1000)} s)`,
      );
      return;
    }
    write(`  ${event.message}`);
  };
  return {
    started: (header) =>
      write(`cc-ci run ${header.runId}: ${header.recipe} @ ${header.ref ?? 'HEAD'} as ${header.domain}\n  run directory: ${header.runDir}`),
    notice,
    observe,
    finished(results, resultsFile) {
      write('  rungs:');
      for (const [name, rung] of Object.entries(results.rungs))
        write(`    ${name.padEnd(15)} ${rung.status.padEnd(6)} ${rungReason(rung.reason, shownFailure)}`);
      write(
        `  deploys ${results.deploys.actual}/${results.deploys.expected} · clean teardown ${results.flags.cleanTeardown ? 'yes' : 'NO'}`,
      );
      const hints = runHints({ results, ...(lockWait === undefined ? {} : { lockWait }) });
      if (hints.length > 0) write(['  hints:', ...hints.map((hint) => `    - ${hint}`)].join('\n'));
      write(
        `level ${results.level} · verdict ${results.verdict} · exit ${results.exitCode}${results.abortReason === null ? '' : ` (aborted: ${results.abortReason})`}`,
      );
      write(`results: ${resultsFile}`);
    },
  };
}

type Unstamped<T> = T extends unknown ? Omit<T, 'at'> : never;

export function jsonProgress(write: (line: string) => void): ProgressSink {
  const emit = (event: Unstamped<RunEvent>) => write(JSON.stringify({ ...event, at: new Date().toISOString() }));
  const observe = stageTracker(
    (stage) => emit({ event: 'stage.started', stage: stage as RunStage }),
    (stage, ms, context) => emit({ event: 'stage.finished', stage: stage as RunStage, ms, detail: stageDetail(stage, context) }),
  );
  return {
    started: (header) => emit({ event: 'run.started', ...header }),
    notice(notice) {
      if (notice.type === 'manifest') emit({ event: 'customization', manifest: notice.manifest });
      else if (notice.type === 'lock-wait')
        emit({ event: 'lock.waiting', domain: notice.domain, holder: notice.holder ?? null, waitedMs: notice.waitedMs });
      else emit({ event: 'notice', message: notice.message });
    },
    observe,
    finished: (results, resultsFile) =>
      emit({
        event: 'run.finished',
        level: results.level,
        verdict: results.verdict,
        exitCode: results.exitCode,
        rungs: results.rungs,
        results: resultsFile,
      }),
  };
}
