// Server-rendered pages of the daemon (they work without JavaScript; a small script only follows the
// live log). Everything interpolated is escaped by hono's html tag; nothing here can change a run.
import { html, raw } from 'hono/html';
import type { JudgedRun } from '../domain/published-level.js';
import type { StoredAttempt, StoredRequest } from '../io/daemon-store.js';
import { RUNG_NAMES } from '../domain/rungs.js';
import { duration, outcomeLine } from '../daemon/report.js';
import type { Results } from '../results/schema.js';
import { MACHINE_STYLE } from './machine-view.js';

type Html = ReturnType<typeof html>;

const STYLE = `
body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#1b1f24}
table{border-collapse:collapse;margin:.5rem 0 1rem}td,th{border:1px solid #d0d7de;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}code,pre{font:13px ui-monospace,monospace}pre{background:#f6f8fa;padding:.75rem;overflow:auto;max-height:40rem}
.pass,.success{color:#1a7f37}.fail,.failure{color:#cf222e}.unver,.error{color:#9a6700}.skip{color:#57606a}
nav a{margin-right:1rem}`;

function page(title: string, body: Html, options: { readonly refreshSeconds?: number } = {}): Html {
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title><style>${raw(STYLE)}</style>
${options.refreshSeconds === undefined ? '' : html`<noscript><meta http-equiv="refresh" content="${options.refreshSeconds}"></noscript>`}
</head><body><nav><a href="/">cc-ci</a><a href="/healthz">health</a></nav>${body}</body></html>`;
}

export interface IndexData {
  /** Every enrolled recipe with its published run (none until a run judged it). */
  readonly recipes: readonly {
    readonly recipe: string;
    readonly published: JudgedRun | undefined;
    /** Its newest request, whatever its state. */
    readonly latest: StoredRequest | undefined;
  }[];
  readonly waiting: readonly StoredRequest[];
  readonly running: readonly StoredRequest[];
  readonly recent: readonly StoredRequest[];
  readonly limitMinutes: number;
}

function requestRow(request: StoredRequest, limitMinutes: number): Html {
  const run = request.runId === null ? html`—` : html`<a href="/runs/${request.runId}">${request.runId}</a>`;
  const result =
    request.outcome === null
      ? request.state === 'running'
        ? `running${request.stage === null ? '' : `: ${request.stage}`}`
        : request.state
      : outcomeLine(request.outcome, limitMinutes);
  return html`<tr><td>${request.repo} #${request.pull}</td><td><code>${request.sha.slice(0, 8)}</code></td><td>@${request.requestedBy}</td><td>${request.queuedAt}</td><td>${run}</td><td>${result}</td></tr>`;
}

function latestCell(request: StoredRequest | undefined, limitMinutes: number): Html {
  if (request === undefined) return html`<td>—</td><td>—</td><td>—</td><td></td>`;
  const outcome = request.outcome;
  const state =
    outcome === null
      ? request.state === 'running'
        ? `running${request.stage === null ? '' : `: ${request.stage}`}`
        : request.state
      : outcomeLine(outcome, limitMinutes);
  const version = outcome?.kind === 'results' ? (outcome.headVersion ?? '—') : '—';
  const when = request.finishedAt ?? request.startedAt ?? request.queuedAt;
  const thumbnail =
    outcome?.kind === 'results' && outcome.screenshot === true
      ? html`<a href="/runs/${outcome.runId}"><img src="/runs/${outcome.runId}/screenshot.png" alt="screenshot of ${request.recipe}" width="160" height="100"></a>`
      : '';
  const run = request.runId === null ? state : html`<a href="/runs/${request.runId}">${state}</a>`;
  return html`<td>${run}</td><td>${version}</td><td>${when}</td><td>${thumbnail}</td>`;
}

function recipeRow({ recipe, published, latest }: IndexData['recipes'][number], limitMinutes: number): Html {
  const from =
    published === undefined
      ? '—'
      : html`<a href="/runs/${published.runId}">${published.runId}</a> (${published.verdict}, ${published.finishedAt})`;
  return html`<tr><td><a href="/recipes/${recipe}">${recipe}</a></td><td><img src="/badge/${recipe}.svg" alt="${published === undefined ? 'no runs' : `L${published.level}`}"></td><td>${from}</td>${latestCell(latest, limitMinutes)}</tr>`;
}

function recipeTable(recipes: IndexData['recipes'], limitMinutes: number): Html {
  return html`<table><tr><th>recipe</th><th>published level</th><th>from run</th><th>latest run</th><th>head version</th><th>when</th><th>screenshot</th></tr>${recipes.map((row) => recipeRow(row, limitMinutes))}</table>`;
}

function requestTable(requests: readonly StoredRequest[], limitMinutes: number): Html {
  if (requests.length === 0) return html`<p>none</p>`;
  return html`<table><tr><th>pull request</th><th>head</th><th>by</th><th>queued</th><th>run</th><th>state</th></tr>${requests.map((request) => requestRow(request, limitMinutes))}</table>`;
}

export function indexPage(data: IndexData): Html {
  return page(
    'cc-ci',
    html`<h1>cc-ci</h1>
<h2>Recipes</h2>${recipeTable(data.recipes, data.limitMinutes)}
<p>Levels: L0 install did not pass · L1 install · L2 + upgrade · L3 + backup and restore · L4 + functional · L5 + lint. A run that ends in error (cc-ci's or the machine's failure) never lowers a published level.</p>
<h2>Running (${data.running.length})</h2>${requestTable(data.running, data.limitMinutes)}
<h2>Waiting (${data.waiting.length})</h2>${requestTable(data.waiting, data.limitMinutes)}
<h2>Recent</h2>${requestTable(data.recent, data.limitMinutes)}`,
    { refreshSeconds: 15 },
  );
}

export interface RecipePageData {
  readonly recipe: string;
  readonly published: JudgedRun | undefined;
  /** One page of the recipe's finished runs, newest first. */
  readonly runs: readonly StoredRequest[];
  /** The `before` of the next, older page; undefined on the last page. */
  readonly olderBefore: number | undefined;
  /** This page is not the newest one. */
  readonly paged: boolean;
  readonly limitMinutes: number;
}

function historyRow(request: StoredRequest, limitMinutes: number): Html {
  const outcome = request.outcome;
  const results = outcome?.kind === 'results' ? outcome : undefined;
  const run = request.runId === null ? html`—` : html`<a href="/runs/${request.runId}">${request.runId}</a>`;
  return html`<tr><td>${request.finishedAt ?? ''}</td><td>${run}</td><td>${request.repo} #${request.pull}</td><td><code>${request.sha.slice(0, 8)}</code></td><td class="${results?.verdict ?? 'error'}">${outcome === null ? request.state : outcomeLine(outcome, limitMinutes)}</td><td>${results === undefined ? '—' : `L${results.level}`}</td><td>${results?.headVersion ?? '—'}</td><td>${results === undefined ? '—' : duration(results.durationMs)}</td></tr>`;
}

export function recipePage(data: RecipePageData): Html {
  const published =
    data.published === undefined
      ? 'no published level yet'
      : html`published level L${data.published.level}, from <a href="/runs/${data.published.runId}">${data.published.runId}</a> (${data.published.verdict}, ${data.published.finishedAt})`;
  const rows =
    data.runs.length === 0
      ? html`<p>no finished runs${data.paged ? ' older than these' : ''}</p>`
      : html`<table><tr><th>finished</th><th>run</th><th>pull request</th><th>head</th><th>result</th><th>level</th><th>head version</th><th>duration</th></tr>${data.runs.map((request) => historyRow(request, data.limitMinutes))}</table>`;
  const pager = [
    data.paged ? html`<a href="/recipes/${data.recipe}">newest runs</a>` : '',
    data.olderBefore === undefined ? '' : html`<a href="/recipes/${data.recipe}?before=${data.olderBefore}">older runs</a>`,
  ];
  return page(
    `cc-ci ${data.recipe}`,
    html`<h1>${data.recipe} <img src="/badge/${data.recipe}.svg" alt="${data.published === undefined ? 'no runs' : `L${data.published.level}`}"></h1>
<p>${published}</p>
<h2>Runs, newest first</h2>${rows}
<nav>${pager}</nav>`,
  );
}

export interface MachinePageData {
  readonly runId: string;
  readonly tree: Html;
  readonly transitions: Html;
  readonly current: unknown;
  readonly live: boolean;
  readonly script: Html;
}

export function machinePage(data: MachinePageData): Html {
  return page(
    `cc-ci run ${data.runId}: machine`,
    html`<style>${raw(MACHINE_STYLE)}</style><h1>Run machine of <a href="/runs/${data.runId}">${data.runId}</a></h1>
<p>${data.live ? 'The run is going: the highlight follows it.' : 'The run has ended.'} Current state: <code id="current">${JSON.stringify(data.current ?? null)}</code></p>
${data.tree}
<h2>Transitions</h2><table><tr><th>at</th><th>event</th><th>state after it</th></tr><tbody id="transitions">${data.transitions}</tbody></table>
${data.live ? data.script : ''}`,
    data.live ? { refreshSeconds: 5 } : {},
  );
}

export interface RunPageData {
  readonly runId: string;
  readonly request: StoredRequest | undefined;
  readonly attempt: StoredAttempt | undefined;
  readonly results: Results | undefined;
  readonly limitMinutes: number;
  /** Last lines of the formatted, redacted log. */
  readonly logTail: readonly string[];
  readonly live: boolean;
}

function rungTable(results: Results): Html {
  return html`<table><tr><th>rung</th><th>status</th><th>reason</th></tr>${RUNG_NAMES.map((name) => {
    const rung = results.rungs[name];
    return html`<tr><td>${name}</td><td class="${rung.status}">${rung.status}</td><td>${rung.reason}</td></tr>`;
  })}</table>`;
}

function tierTables(results: Results): Html {
  if (results.tiers.length === 0) return html`<p>no tier ran</p>`;
  return html`${results.tiers.map(
    (tier) => html`<h3>${tier.name}: <span class="${tier.status}">${tier.status}</span> (${tier.ms} ms)</h3><p>${tier.reason}</p>
${tier.tests.length === 0 ? '' : html`<table><tr><th>test</th><th>status</th><th>ms</th><th>message</th></tr>${tier.tests.map((test) => html`<tr><td>${test.name}</td><td class="${test.status}">${test.status}</td><td>${test.ms}</td><td>${test.message ?? ''}</td></tr>`)}</table>`}`,
  )}`;
}

function resultsSection(results: Results): Html {
  const base = results.baseVersion;
  return html`<h2>Result: level ${results.level}, <span class="${results.verdict}">${results.verdict}</span> (exit ${results.exitCode}${results.abortReason === null ? '' : `, aborted: ${results.abortReason}`})</h2>
<p>head <code>${results.ref}</code>${results.headVersion === null ? '' : ` (${results.headVersion})`} · base ${base === null ? 'not resolved' : html`${base.kind} ${base.value ?? ''}: ${base.reason}`}</p>
<p>deploys ${results.deploys.actual}/${results.deploys.expected} · clean teardown ${results.flags.cleanTeardown ? 'yes' : 'NO'}${results.teardown.leftovers.length === 0 ? '' : ` (left: ${results.teardown.leftovers.join(', ')})`} · no secret leak ${results.flags.noSecretLeak ? 'yes' : 'NO'} · lint ${results.lint.status}${results.lint.rulesFailed.length === 0 ? '' : ` (${results.lint.rulesFailed.join(', ')})`}</p>
${results.teardown.errors.length === 0 ? '' : html`<p>teardown: ${results.teardown.errors.map((error) => `${error.domain} ${error.step}: ${error.message}`).join('; ')}</p>`}
<p>${results.startedAt} → ${results.finishedAt}</p>
<h2>Rungs</h2>${rungTable(results)}
<h2>Tiers</h2>${tierTables(results)}
<h2>Customization</h2><pre>${JSON.stringify(results.customization, null, 2)}</pre>`;
}

const FOLLOW_SCRIPT = `
const log = document.getElementById('log');
const source = new EventSource(location.pathname + '/log');
log.textContent = '';
source.addEventListener('line', (event) => { log.textContent += event.data + '\\n'; log.scrollTop = log.scrollHeight; });
source.addEventListener('end', () => { source.close(); setTimeout(() => location.reload(), 500); });`;

export function runPage(data: RunPageData): Html {
  const { request, results } = data;
  const title = `cc-ci run ${data.runId}`;
  const about =
    request === undefined
      ? html`<p>A run started by hand (not by the daemon).</p>`
      : html`<p><b>${request.recipe}</b> · ${request.repo} pull request #${request.pull} · head <code>${request.sha}</code> · requested by @${request.requestedBy} at ${request.queuedAt}${data.attempt === undefined ? '' : ` · attempt ${data.attempt.attempt}`}</p>
<p>State: ${data.attempt?.outcome != null ? outcomeLine(data.attempt.outcome, data.limitMinutes) : request.runId === data.runId && request.state === 'running' ? `running${request.stage === null ? '' : `, now: ${request.stage}`}` : request.state}</p>`;
  return page(
    title,
    html`<h1>${title}</h1>${about}
${results === undefined ? (data.live ? html`<p>The run is going; the log below follows it.</p>` : html`<p>This run left no results.json.</p>`) : resultsSection(results)}
<h2>Artifacts</h2><ul>${results === undefined ? '' : html`<li><a href="/runs/${data.runId}/results.json">results.json</a></li>`}${results?.artifacts.card == null ? '' : html`<li><a href="/runs/${data.runId}/card.png">summary card</a></li>`}${results?.artifacts.screenshot == null ? '' : html`<li><a href="/runs/${data.runId}/screenshot.png">screenshot</a></li>`}${(results?.artifacts.problems ?? []).map((problem) => html`<li>${problem}</li>`)}<li><a href="/runs/${data.runId}/log">run log</a> (redacted)</li><li><a href="/runs/${data.runId}/machine">the run machine</a> (its states and events)</li></ul>
<h2>Log${data.live ? ' (live)' : ' (last lines)'}</h2><pre id="log">${data.logTail.join('\n')}</pre>
${data.live ? html`<script>${raw(FOLLOW_SCRIPT)}</script>` : ''}`,
    data.live ? { refreshSeconds: 10 } : {},
  );
}
