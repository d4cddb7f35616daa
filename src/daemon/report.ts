// What the daemon tells the forge: the commit status of each phase and the one bot comment per pull
// request, rendered from stored facts only (so a restart renders the same comment). Pure functions.
import type { CommitStatus } from '../forge/forge.js';
import { RUNG_NAMES } from '../domain/rungs.js';
import type { RequestOutcome } from './request.js';

export const STATUS_CONTEXT = 'cc-ci/testme';
/** The hidden marker that makes a comment the bot's comment for its pull request. */
export const COMMENT_MARKER = '<!-- cc-ci:testme -->';
/** Gitea keeps 255 characters of a status description; stay well inside. */
const DESCRIPTION_LIMIT = 140;

export interface ReportLinks {
  readonly publicUrl: string;
}

export function runPageUrl(links: ReportLinks, runId: string): string {
  return `${links.publicUrl}/runs/${runId}`;
}

export function cardUrl(links: ReportLinks, runId: string): string {
  return `${links.publicUrl}/runs/${runId}/card.png`;
}

export function badgeUrl(links: ReportLinks, recipe: string): string {
  return `${links.publicUrl}/badge/${recipe}.svg`;
}

export function runLogUrl(links: ReportLinks, runId: string): string {
  return `${links.publicUrl}/runs/${runId}/log`;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function clip(text: string): string {
  const line = oneLine(text);
  return line.length <= DESCRIPTION_LIMIT ? line : `${line.slice(0, DESCRIPTION_LIMIT - 1)}…`;
}

function minutes(value: number): string {
  return value < 1 ? `${Math.round(value * 60)} s` : `${Number(value.toFixed(1))} min`;
}

export function queuedStatus(links: ReportLinks, position: number): CommitStatus {
  return { state: 'pending', context: STATUS_CONTEXT, description: `queued: position ${position}`, targetUrl: `${links.publicUrl}/` };
}

/** Running; in scale-out, on the named worker. */
export function runningStatus(links: ReportLinks, runId: string, attempt: number, worker?: string): CommitStatus {
  const where = worker === undefined ? '' : ` on ${worker}`;
  const again = attempt > 1 ? ` (attempt ${attempt})` : '';
  return { state: 'pending', context: STATUS_CONTEXT, description: clip(`running${where}${again}`), targetUrl: runPageUrl(links, runId) };
}

/** Scale-out: handed to the workers, none has taken it yet. */
export function dispatchedStatus(links: ReportLinks, runId: string): CommitStatus {
  return { state: 'pending', context: STATUS_CONTEXT, description: 'waiting for a worker', targetUrl: runPageUrl(links, runId) };
}

/** Scale-out: the worker running it went silent; JetStream gave the request to another. */
export function workerLostStatus(links: ReportLinks, runId: string, lost: string): CommitStatus {
  return {
    state: 'pending',
    context: STATUS_CONTEXT,
    description: clip(`${lost} stopped answering; running again`),
    targetUrl: runPageUrl(links, runId),
  };
}

export function interruptedStatus(links: ReportLinks, runId: string, requeued: boolean): CommitStatus {
  return {
    state: 'error',
    context: STATUS_CONTEXT,
    description: requeued
      ? 'interrupted by a daemon restart; queued again'
      : 'interrupted by a daemon restart again; comment !testme to retry',
    targetUrl: runPageUrl(links, runId),
  };
}

/** Why the run was not at its level's best: the first rung that failed or stayed unverified. */
function firstShortfall(outcome: Extract<RequestOutcome, { kind: 'results' }>): string | undefined {
  for (const name of RUNG_NAMES) {
    const rung = outcome.rungs[name];
    if (rung.status !== 'fail' && rung.status !== 'unver') continue;
    // reasons often name their rung already ("install failed: …")
    return rung.reason.startsWith(name) ? rung.reason : `${name} ${rung.status === 'fail' ? 'failed' : 'unverified'}: ${rung.reason}`;
  }
  return undefined;
}

/** One line saying how the request ended (status description and the comment's headline share it). */
export function outcomeLine(outcome: RequestOutcome, limitMinutes: number): string {
  return oneLine(describeOutcome(outcome, limitMinutes));
}

function describeOutcome(outcome: RequestOutcome, limitMinutes: number): string {
  switch (outcome.kind) {
    case 'interrupted':
      return `interrupted by a daemon restart: ${outcome.detail}`;
    case 'no-results':
      if (outcome.stoppedBy === 'daemon-stop') return 'cancelled: the daemon was stopped';
      if (outcome.stoppedBy === 'run-limit') return `stopped at the per-run limit of ${minutes(limitMinutes)}`;
      return `the run ended without results: ${outcome.detail}`;
    case 'results': {
      if (outcome.stoppedBy === 'daemon-stop') return `cancelled: the daemon was stopped; the run tore down (exit ${outcome.exitCode})`;
      if (outcome.stoppedBy === 'run-limit')
        return `stopped at the per-run limit of ${minutes(limitMinutes)}; the run tore down (exit ${outcome.exitCode})`;
      if (outcome.abortReason === 'deadline') return `L${outcome.level} · error: the run hit its hard deadline`;
      if (outcome.abortReason !== null) return `L${outcome.level} · error: the run was aborted (${outcome.abortReason})`;
      const shortfall = firstShortfall(outcome);
      return `L${outcome.level} · ${outcome.verdict}${shortfall === undefined ? '' : ` — ${shortfall}`}`;
    }
  }
}

export function finalStatus(links: ReportLinks, outcome: RequestOutcome, limitMinutes: number): CommitStatus {
  // a commit status has no word for bad input: it is an error the pull request's author can fix
  const state = outcome.kind === 'results' && outcome.stoppedBy === null && outcome.verdict !== 'bad-input' ? outcome.verdict : 'error';
  return {
    state,
    context: STATUS_CONTEXT,
    description: clip(outcomeLine(outcome, limitMinutes)),
    targetUrl: runPageUrl(links, outcome.runId),
  };
}

// ------------------------------------------------------------------------------------------ the comment

export interface CommentRequest {
  readonly id: string;
  readonly sha: string;
  readonly requestedBy: string;
  readonly state: 'queued' | 'running' | 'done';
  readonly runId: string | null;
  readonly stage: string | null;
  readonly queuedAt: string;
  readonly startedAt: string | null;
  readonly outcome: RequestOutcome | null;
  /** Earlier attempts of this request that a daemon restart (or, in scale-out, a silent worker) cut off. */
  readonly interruptions: readonly { readonly runId: string; readonly detail: string; readonly by: 'daemon-restart' | 'worker-lost' }[];
}

export interface CommentNote {
  readonly at: string;
  readonly author: string;
  readonly kind: 'duplicate' | 'quick';
  readonly detail: string;
}

export interface PullCommentView {
  readonly recipe: string;
  readonly links: ReportLinks;
  readonly limitMinutes: number;
  /** Requests of the pull request, oldest first; the last is the current one (none yet when only a note is owed). */
  readonly requests: readonly CommentRequest[];
  /** Waiting position of the current request when it is queued. */
  readonly position: number | undefined;
  readonly notes: readonly CommentNote[];
}

function clock(iso: string): string {
  return `${iso.slice(0, 16).replace('T', ' ')} UTC`;
}

export function duration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  return seconds < 60 ? `${seconds} s` : `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s*[\r\n]+\s*/g, ' ');
}

function currentSection(view: PullCommentView, request: CommentRequest): string[] {
  const short = `\`${request.sha.slice(0, 8)}\``;
  const by = `requested by @${request.requestedBy}`;
  if (request.state === 'queued') {
    const where = view.position === undefined ? 'waiting for a free slot' : `position ${view.position} in the queue`;
    return [`**Queued** — ${where} (${by} at ${clock(request.queuedAt)}).`];
  }
  if (request.state === 'running' || request.outcome === null) {
    const runId = request.runId ?? '';
    const stage = request.stage === null ? '' : `, now: ${request.stage}`;
    return [
      `**Running** since ${clock(request.startedAt ?? request.queuedAt)}${stage} — [live log](${runLogUrl(view.links, runId)}) · [run page](${runPageUrl(view.links, runId)}) (${by}).`,
    ];
  }
  const outcome = request.outcome;
  const lines = [`**${outcomeLine(outcome, view.limitMinutes)}** (${by}, head ${short}).`];
  if (outcome.kind === 'results') {
    // both images link to the run page; the text below says everything they show
    const page = runPageUrl(view.links, outcome.runId);
    lines.push('', `[![cc-ci ${view.recipe}](${badgeUrl(view.links, view.recipe)})](${page})`);
    if (outcome.card === true) lines.push('', `[![summary card of run ${outcome.runId}](${cardUrl(view.links, outcome.runId)})](${page})`);
    const versions = [
      outcome.headVersion === null ? undefined : `head version ${outcome.headVersion}`,
      outcome.baseVersion === null ? undefined : `base: ${outcome.baseVersion.value ?? 'none'} (${outcome.baseVersion.reason})`,
    ].filter((part) => part !== undefined);
    if (versions.length > 0) lines.push('', versions.join(' · '));
    lines.push('', '| rung | status | reason |', '|---|---|---|');
    for (const name of RUNG_NAMES) {
      const rung = outcome.rungs[name];
      lines.push(`| ${name} | ${rung.status} | ${escapeCell(rung.reason)} |`);
    }
    lines.push(
      '',
      `Deploys ${outcome.deploys.actual}/${outcome.deploys.expected} · ${duration(outcome.durationMs)} · [run page](${runPageUrl(view.links, outcome.runId)}) · [log](${runLogUrl(view.links, outcome.runId)})`,
    );
  } else {
    lines.push('', `[run page](${runPageUrl(view.links, outcome.runId)}) · [log](${runLogUrl(view.links, outcome.runId)})`);
  }
  return lines;
}

export function renderPullComment(view: PullCommentView): string {
  const current = view.requests.at(-1);
  if (current === undefined) {
    return `${[COMMENT_MARKER, `### cc-ci · \`${view.recipe}\``, '', ...view.notes.map((note) => `- @${note.author} at ${clock(note.at)}: ${note.detail}`)].join('\n')}\n`;
  }
  const lines = [COMMENT_MARKER, `### cc-ci · \`${view.recipe}\` · \`${current.sha.slice(0, 8)}\``, '', ...currentSection(view, current)];
  for (const interruption of current.interruptions) {
    lines.push(
      '',
      interruption.by === 'worker-lost'
        ? `Run [${interruption.runId}](${runPageUrl(view.links, interruption.runId)}) was cut off: ${interruption.detail}; the request was run again.`
        : `Run [${interruption.runId}](${runPageUrl(view.links, interruption.runId)}) was interrupted by a daemon restart (${interruption.detail}); the request was queued again.`,
    );
  }
  const notes = view.notes.filter((note) => note.at >= current.queuedAt);
  if (notes.length > 0) {
    lines.push('');
    for (const note of notes) lines.push(`- @${note.author} at ${clock(note.at)}: ${note.detail}`);
  }
  const earlier = view.requests
    .slice(0, -1)
    .filter((request) => request.outcome !== null)
    .reverse();
  if (earlier.length > 0) {
    lines.push('', '<details><summary>Earlier runs on this pull request</summary>', '');
    for (const request of earlier) {
      const outcome = request.outcome!;
      lines.push(
        `- \`${request.sha.slice(0, 8)}\` ${clock(request.queuedAt)}: ${outcomeLine(outcome, view.limitMinutes)} — [run page](${runPageUrl(view.links, outcome.runId)})`,
      );
    }
    lines.push('', '</details>');
  }
  return `${lines.join('\n')}\n`;
}

/** What the bot says, once, to a second `!testme` or a `--quick` it cannot serve yet. */
export function noteFor(kind: CommentNote['kind'], ofState: 'waiting' | 'running' | undefined): string {
  if (kind === 'quick') return '`!testme --quick` is not available yet; comment `!testme` for a full run.';
  return ofState === 'running'
    ? 'this `!testme` was not queued: a run of this pull request is already running; comment again once it has finished.'
    : 'this `!testme` was not queued: this pull request is already waiting in the queue.';
}
