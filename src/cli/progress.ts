// Progress output of `ccci run`: one line per finished stage on a terminal, or JSON events with --json.
import type { RunNotice } from '../actors/run-world.js';
import type { RunContext } from '../machines/run.machine.js';
import { formatManifest } from '../recipes/manifest.js';
import type { Results } from '../results/schema.js';

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
  if (stage === 'teardown' && context.teardown !== null) {
    return context.teardown.leftovers.length === 0 ? 'nothing left' : `LEFT: ${context.teardown.leftovers.join(', ')}`;
  }
  if ((stage === 'prepare' || stage === 'deploy' || stage === 'lock') && context.failure?.stage === stage) return `failed: ${context.failure.message}`;
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

export function terminalProgress(write: (line: string) => void): ProgressSink {
  const observe = stageTracker(
    () => undefined,
    (stage, ms, context) => {
      const detail = stageDetail(stage, context);
      write(`  ${stage.padEnd(10)} ${(ms / 1000).toFixed(1).padStart(6)}s  ${detail}`);
    },
  );
  return {
    started: (header) => write(`cc-ci run ${header.runId}: ${header.recipe} @ ${header.ref ?? 'HEAD'} as ${header.domain}\n  run directory: ${header.runDir}`),
    notice: (notice) => write(notice.type === 'manifest' ? ['  customization:', ...formatManifest(notice.manifest).map((line) => `  ${line}`)].join('\n') : `  ${notice.message}`),
    observe,
    finished(results, resultsFile) {
      write('  rungs:');
      for (const [name, rung] of Object.entries(results.rungs)) write(`    ${name.padEnd(15)} ${rung.status.padEnd(6)} ${rung.reason}`);
      write(`  deploys ${results.deploys.actual}/${results.deploys.expected} · clean teardown ${results.flags.cleanTeardown ? 'yes' : 'NO'}`);
      write(`level ${results.level} · verdict ${results.verdict} · exit ${results.exitCode}${results.abortReason === null ? '' : ` (aborted: ${results.abortReason})`}`);
      write(`results: ${resultsFile}`);
    },
  };
}

export function jsonProgress(write: (line: string) => void): ProgressSink {
  const emit = (event: Record<string, unknown>) => write(JSON.stringify({ at: new Date().toISOString(), ...event }));
  const observe = stageTracker(
    (stage) => emit({ event: 'stage.started', stage }),
    (stage, ms, context) => emit({ event: 'stage.finished', stage, ms, detail: stageDetail(stage, context) }),
  );
  return {
    started: (header) => emit({ event: 'run.started', ...header }),
    notice: (notice) => emit(notice.type === 'manifest' ? { event: 'customization', manifest: notice.manifest } : { event: 'notice', message: notice.message }),
    observe,
    finished: (results, resultsFile) =>
      emit({ event: 'run.finished', level: results.level, verdict: results.verdict, exitCode: results.exitCode, rungs: results.rungs, results: resultsFile }),
  };
}
