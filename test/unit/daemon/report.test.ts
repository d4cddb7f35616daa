// What the daemon tells the forge, rendered from stored facts: every commit status (state, context,
// description ≤ 140 characters, link) for every way a request can end, the one-line outcome wording,
// and the pull request's bot comment in each phase. Outcomes with results are built with
// outcomeFromResults from a record that passes Results.parse, as the daemon builds them.
import test from 'ava';
import { RUNG_NAMES, type Rungs } from '../../../src/domain/rungs.js';
import type { AbortReason, Verdict } from '../../../src/domain/verdict.js';
import {
  COMMENT_MARKER,
  finalStatus,
  interruptedStatus,
  noteFor,
  outcomeLine,
  queuedStatus,
  renderPullComment,
  runLogUrl,
  runningStatus,
  dispatchedStatus,
  workerLostStatus,
  runPageUrl,
  STATUS_CONTEXT,
  type CommentNote,
  type CommentRequest,
  type PullCommentView,
} from '../../../src/daemon/report.js';
import { outcomeFromResults, RequestOutcome, type StoppedBy } from '../../../src/daemon/request.js';
import { Results } from '../../../src/results/schema.js';

const LINKS = { publicUrl: 'https://ci.example.org' };
const RUN = '20240305T070809Z-0a1b2c-p42';
const SHA = '0123456789abcdef0123456789abcdef01234567';
const LIMIT = 54;

const PASSING: Rungs = {
  install: { status: 'pass', reason: '3 tests passed' },
  upgrade: { status: 'pass', reason: 'upgraded from 1.2.0+2.0' },
  backup_restore: { status: 'pass', reason: 'restored and verified' },
  functional: { status: 'pass', reason: '2 tests passed' },
  lint: { status: 'pass', reason: 'no rule failed' },
};

interface ResultsFacts {
  readonly verdict?: Verdict;
  readonly level?: number;
  readonly exitCode?: number;
  readonly abortReason?: AbortReason | null;
  readonly rungs?: Partial<Rungs>;
  readonly runId?: string;
  readonly startedAt?: string;
  readonly finishedAt?: string;
  readonly headVersion?: string | null;
  readonly baseVersion?: Results['baseVersion'];
  readonly deploys?: Results['deploys'];
}

/** A results.json record (validated by its schema) with the given facts. */
function results(facts: ResultsFacts = {}): Results {
  return Results.parse({
    schema: 1,
    runId: facts.runId ?? RUN,
    recipe: 'web',
    ref: SHA,
    pr: '42',
    domain: 'web-0a1b2c.ci.example.org',
    baseVersion:
      facts.baseVersion === undefined
        ? { kind: 'version', value: '1.2.0+2.0', reason: "newest release older than the head's 1.3.0+2.0" }
        : facts.baseVersion,
    headVersion: facts.headVersion === undefined ? '1.3.0+2.0' : facts.headVersion,
    startedAt: facts.startedAt ?? '2024-03-05T07:08:09.000Z',
    finishedAt: facts.finishedAt ?? '2024-03-05T07:18:54.400Z',
    verdict: facts.verdict ?? 'success',
    exitCode: facts.exitCode ?? 0,
    abortReason: facts.abortReason ?? null,
    level: facts.level ?? 5,
    rungs: { ...PASSING, ...facts.rungs },
    tiers: [],
    deploys: facts.deploys ?? { expected: 1, actual: 1 },
    lint: { status: 'pass', rulesFailed: [], warnings: [], detail: 'ok' },
    flags: { cleanTeardown: true, noSecretLeak: true },
    secretScan: { scanned: ['run.log', 'results.json'], leaked: [] },
    teardown: { ran: true, complete: true, leftovers: [], errors: [] },
    customization: {},
    artifacts: { log: 'run.log', card: null, screenshot: null, problems: [] },
  });
}

function outcome(facts: ResultsFacts = {}, stoppedBy: StoppedBy | null = null) {
  return RequestOutcome.parse(outcomeFromResults(results(facts), stoppedBy)) as ReturnType<typeof outcomeFromResults>;
}

const FAILED_BACKUP = {
  verdict: 'failure',
  level: 2,
  exitCode: 1,
  rungs: { backup_restore: { status: 'fail', reason: 'restore lost the uploads' } },
} as const;
const NO_RESULTS = {
  kind: 'no-results',
  runId: RUN,
  exitCode: null,
  signal: 'SIGKILL',
  stoppedBy: null,
  detail: 'killed by SIGKILL',
} as const;
const INTERRUPTED = { kind: 'interrupted', runId: RUN, detail: 'it had not finished (no results.json)' } as const;

// ------------------------------------------------------------------------------------------ outcomes

test('outcomeFromResults keeps the run facts and measures the duration from the record', (t) => {
  t.deepEqual(outcome(FAILED_BACKUP), {
    kind: 'results',
    runId: RUN,
    verdict: 'failure',
    level: 2,
    exitCode: 1,
    abortReason: null,
    rungs: { ...PASSING, backup_restore: { status: 'fail', reason: 'restore lost the uploads' } },
    deploys: { expected: 1, actual: 1 },
    headVersion: '1.3.0+2.0',
    baseVersion: { kind: 'version', value: '1.2.0+2.0', reason: "newest release older than the head's 1.3.0+2.0" },
    durationMs: 645_400,
    stoppedBy: null,
    card: false,
    screenshot: false,
  });
});

test('outcomeFromResults never yields a negative duration (a clock that stepped back)', (t) => {
  t.is(outcome({ startedAt: '2024-03-05T07:08:09.000Z', finishedAt: '2024-03-05T07:08:08.000Z' }).durationMs, 0);
});

test('outcomeFromResults records who stopped the run', (t) => {
  t.is(outcome({}, 'run-limit').stoppedBy, 'run-limit');
  t.is(outcome({}, 'daemon-stop').stoppedBy, 'daemon-stop');
});

// ------------------------------------------------------------------------------------------ statuses

test('the status context and the run links', (t) => {
  t.is(STATUS_CONTEXT, 'cc-ci/testme');
  t.is(runPageUrl(LINKS, RUN), `https://ci.example.org/runs/${RUN}`);
  t.is(runLogUrl(LINKS, RUN), `https://ci.example.org/runs/${RUN}/log`);
});

test('queuedStatus: pending with the position, linking the front page', (t) => {
  t.deepEqual(queuedStatus(LINKS, 1), {
    state: 'pending',
    context: 'cc-ci/testme',
    description: 'queued: position 1',
    targetUrl: 'https://ci.example.org/',
  });
  t.deepEqual(queuedStatus(LINKS, 12), {
    state: 'pending',
    context: 'cc-ci/testme',
    description: 'queued: position 12',
    targetUrl: 'https://ci.example.org/',
  });
});

test('scale-out statuses: waiting for a worker, running on a worker, a worker that stopped answering', (t) => {
  t.deepEqual(dispatchedStatus(LINKS, RUN), {
    state: 'pending',
    context: 'cc-ci/testme',
    description: 'waiting for a worker',
    targetUrl: `https://ci.example.org/runs/${RUN}`,
  });
  t.is(runningStatus(LINKS, RUN, 1, 'ci-a').description, 'running on ci-a');
  t.is(runningStatus(LINKS, RUN, 2, 'ci-b').description, 'running on ci-b (attempt 2)');
  t.deepEqual(workerLostStatus(LINKS, RUN, 'ci-a'), {
    state: 'pending',
    context: 'cc-ci/testme',
    description: 'ci-a stopped answering; running again',
    targetUrl: `https://ci.example.org/runs/${RUN}`,
  });
  t.true(runningStatus(LINKS, RUN, 2, 'w'.repeat(200)).description.length <= 140, 'clipped to what a status holds');
});

test('runningStatus: pending, linking the run page; the attempt is named from the second on', (t) => {
  t.deepEqual(runningStatus(LINKS, RUN, 1), {
    state: 'pending',
    context: 'cc-ci/testme',
    description: 'running',
    targetUrl: `https://ci.example.org/runs/${RUN}`,
  });
  t.deepEqual(runningStatus(LINKS, RUN, 2), {
    state: 'pending',
    context: 'cc-ci/testme',
    description: 'running (attempt 2)',
    targetUrl: `https://ci.example.org/runs/${RUN}`,
  });
});

test('interruptedStatus: error, requeued or not', (t) => {
  t.deepEqual(interruptedStatus(LINKS, RUN, true), {
    state: 'error',
    context: 'cc-ci/testme',
    description: 'interrupted by a daemon restart; queued again',
    targetUrl: `https://ci.example.org/runs/${RUN}`,
  });
  t.deepEqual(interruptedStatus(LINKS, RUN, false), {
    state: 'error',
    context: 'cc-ci/testme',
    description: 'interrupted by a daemon restart again; comment !testme to retry',
    targetUrl: `https://ci.example.org/runs/${RUN}`,
  });
});

const FINAL: readonly (readonly [string, RequestOutcome, string, string])[] = [
  ['success, every rung passed', outcome(), 'success', 'L5 · success'],
  [
    'success with a skipped rung',
    outcome({ level: 5, rungs: { upgrade: { status: 'skip', reason: 'no predecessor' } } }),
    'success',
    'L5 · success',
  ],
  [
    'success short of lint',
    outcome({ level: 4, rungs: { lint: { status: 'unver', reason: 'abra lint crashed', cause: 'harness' } } }),
    'success',
    'L4 · success — lint unverified: abra lint crashed',
  ],
  ['failure', outcome(FAILED_BACKUP), 'failure', 'L2 · failure — backup_restore failed: restore lost the uploads'],
  [
    'failure names the lowest shortfall',
    outcome({
      verdict: 'failure',
      level: 1,
      exitCode: 1,
      rungs: { upgrade: { status: 'unver', reason: 'not run', cause: 'not-run' }, functional: { status: 'fail', reason: 'login broken' } },
    }),
    'failure',
    'L1 · failure — upgrade unverified: not run',
  ],
  [
    'failure by the deploy budget alone',
    outcome({ verdict: 'failure', level: 5, exitCode: 1, deploys: { expected: 1, actual: 2 } }),
    'failure',
    'L5 · failure',
  ],
  [
    'error',
    outcome({
      verdict: 'error',
      level: 1,
      exitCode: 3,
      rungs: { upgrade: { status: 'unver', reason: 'timed out after 900 s', cause: 'timeout' } },
    }),
    'error',
    'L1 · error — upgrade unverified: timed out after 900 s',
  ],
  [
    'the hard deadline',
    outcome({ verdict: 'error', level: 2, exitCode: 142, abortReason: 'deadline' }),
    'error',
    'L2 · error: the run hit its hard deadline',
  ],
  [
    'another abort',
    outcome({ verdict: 'error', level: 1, exitCode: 143, abortReason: 'lock-lost' }),
    'error',
    'L1 · error: the run was aborted (lock-lost)',
  ],
  [
    'a harness crash',
    outcome({ verdict: 'error', level: 0, exitCode: 3, abortReason: 'harness-crash' }),
    'error',
    'L0 · error: the run was aborted (harness-crash)',
  ],
  [
    'stopped by the daemon, with results',
    outcome({ verdict: 'success', level: 1, exitCode: 143, abortReason: 'sigterm' }, 'daemon-stop'),
    'error',
    'cancelled: the daemon was stopped; the run tore down (exit 143)',
  ],
  [
    'a successful record stopped by the daemon is still an error',
    outcome({}, 'daemon-stop'),
    'error',
    'cancelled: the daemon was stopped; the run tore down (exit 0)',
  ],
  [
    'stopped at the run limit, with results',
    outcome({ verdict: 'error', level: 3, exitCode: 143, abortReason: 'sigterm' }, 'run-limit'),
    'error',
    'stopped at the per-run limit of 54 min; the run tore down (exit 143)',
  ],
  ['stopped by the daemon, no results', { ...NO_RESULTS, stoppedBy: 'daemon-stop' }, 'error', 'cancelled: the daemon was stopped'],
  ['stopped at the run limit, no results', { ...NO_RESULTS, stoppedBy: 'run-limit' }, 'error', 'stopped at the per-run limit of 54 min'],
  ['no results', NO_RESULTS, 'error', 'the run ended without results: killed by SIGKILL'],
  ['interrupted', INTERRUPTED, 'error', 'interrupted by a daemon restart: it had not finished (no results.json)'],
];

for (const [name, ending, state, description] of FINAL) {
  test(`finalStatus (${name}): ${state}, "${description}"`, (t) => {
    RequestOutcome.parse(ending);
    t.deepEqual(finalStatus(LINKS, ending, LIMIT), {
      state,
      context: 'cc-ci/testme',
      description,
      targetUrl: `https://ci.example.org/runs/${RUN}`,
    });
    t.is(outcomeLine(ending, LIMIT), description);
  });
}

test('finalStatus covers every verdict and every stop', (t) => {
  const kinds = new Set(
    FINAL.map(([, ending]) =>
      ending.kind === 'results'
        ? `${ending.verdict}/${ending.stoppedBy}/${ending.abortReason === null ? 'none' : ending.abortReason === 'deadline' ? 'deadline' : 'other'}`
        : `${ending.kind}/${ending.kind === 'no-results' ? ending.stoppedBy : ''}`,
    ),
  );
  for (const expected of [
    'success/null/none',
    'failure/null/none',
    'error/null/none',
    'error/null/deadline',
    'error/null/other',
    'no-results/null',
    'no-results/daemon-stop',
    'no-results/run-limit',
    'interrupted/',
  ]) {
    t.true(kinds.has(expected), expected);
  }
  t.true([...kinds].some((kind) => kind.includes('/daemon-stop/')));
  t.true([...kinds].some((kind) => kind.includes('/run-limit/')));
});

test('the per-run limit is shown in minutes with at most one decimal, under a minute in seconds', (t) => {
  const stopped = { ...NO_RESULTS, stoppedBy: 'run-limit' } as const;
  t.is(outcomeLine(stopped, 13.5), 'stopped at the per-run limit of 13.5 min');
  t.is(outcomeLine(stopped, 60 * 0.9), 'stopped at the per-run limit of 54 min');
  t.is(outcomeLine(stopped, 10 / 3), 'stopped at the per-run limit of 3.3 min');
  t.is(outcomeLine(stopped, 1), 'stopped at the per-run limit of 1 min');
  t.is(outcomeLine(stopped, 0.5), 'stopped at the per-run limit of 30 s');
  t.is(outcomeLine(stopped, 0.04), 'stopped at the per-run limit of 2 s');
});

test('a long description is clipped to 140 characters ending in …', (t) => {
  const reason = `the restore lost ${'x'.repeat(200)}`;
  const ending = outcome({ verdict: 'failure', level: 2, exitCode: 1, rungs: { backup_restore: { status: 'fail', reason } } });
  const full = `L2 · failure — backup_restore failed: ${reason}`;
  const { description } = finalStatus(LINKS, ending, LIMIT);
  t.is(description.length, 140);
  t.is(description, `${full.slice(0, 139)}…`);
});

test('a description of exactly 140 characters is kept whole; 141 is clipped', (t) => {
  const prefix = 'the run ended without results: ';
  const exactly = { ...NO_RESULTS, detail: 'd'.repeat(140 - prefix.length) };
  t.is(finalStatus(LINKS, exactly, LIMIT).description, `${prefix}${'d'.repeat(140 - prefix.length)}`);
  const over = { ...NO_RESULTS, detail: 'd'.repeat(141 - prefix.length) };
  t.is(finalStatus(LINKS, over, LIMIT).description, `${prefix}${'d'.repeat(139 - prefix.length)}…`);
});

test('whitespace and line breaks in a status description collapse to single spaces', (t) => {
  const ending = { ...NO_RESULTS, detail: '  exit 137\n\n  out of memory\t(killed)  ' };
  t.is(finalStatus(LINKS, ending, LIMIT).description, 'the run ended without results: exit 137 out of memory (killed)');
});

test('no final status description exceeds 140 characters, whatever the detail length', (t) => {
  for (let length = 0; length <= 300; length += 7) {
    const detail = 'word '.repeat(length).slice(0, length);
    for (const ending of [
      { ...NO_RESULTS, detail },
      { ...INTERRUPTED, detail },
      outcome({ verdict: 'failure', level: 0, exitCode: 1, rungs: { install: { status: 'fail', reason: detail } } }),
    ]) {
      const { description } = finalStatus(LINKS, ending, LIMIT);
      t.true(description.length <= 140, `${length}: ${description.length}`);
    }
  }
});

// ------------------------------------------------------------------------------------------ the comment

const QUEUED_AT = '2024-03-05T07:08:09.000Z';

function request(fields: Partial<CommentRequest> = {}): CommentRequest {
  return {
    id: 'req-1',
    sha: SHA,
    requestedBy: 'alice',
    state: 'queued',
    runId: null,
    stage: null,
    queuedAt: QUEUED_AT,
    startedAt: null,
    outcome: null,
    interruptions: [],
    ...fields,
  };
}

function view(requests: readonly CommentRequest[], fields: Partial<PullCommentView> = {}): PullCommentView {
  return { recipe: 'web', links: LINKS, limitMinutes: LIMIT, requests, position: undefined, notes: [], ...fields };
}

const HEADER = [COMMENT_MARKER, '### cc-ci · `web` · `01234567`', ''];

function lines(...body: string[]): string {
  return `${[...HEADER, ...body].join('\n')}\n`;
}

test('the marker is a hidden HTML comment and the first line of every comment', (t) => {
  t.is(COMMENT_MARKER, '<!-- cc-ci:testme -->');
  for (const rendered of [
    renderPullComment(view([request()])),
    renderPullComment(view([request({ state: 'running', runId: RUN })])),
    renderPullComment(view([request({ state: 'done', runId: RUN, outcome: outcome() })])),
    renderPullComment(view([], { notes: [{ at: QUEUED_AT, author: 'bob', kind: 'quick', detail: 'x' }] })),
  ]) {
    t.is(rendered.split('\n')[0], COMMENT_MARKER);
  }
});

test('queued with a position', (t) => {
  t.is(
    renderPullComment(view([request()], { position: 2 })),
    lines('**Queued** — position 2 in the queue (requested by @alice at 2024-03-05 07:08 UTC).'),
  );
});

test('queued without a known position', (t) => {
  t.is(renderPullComment(view([request()])), lines('**Queued** — waiting for a free slot (requested by @alice at 2024-03-05 07:08 UTC).'));
});

test('running, with the stage, the live log and the run page', (t) => {
  const running = request({ state: 'running', runId: RUN, stage: 'install', startedAt: '2024-03-05T07:10:59.999Z' });
  t.is(
    renderPullComment(view([running], { position: 3 })),
    lines(
      `**Running** since 2024-03-05 07:10 UTC, now: install — [live log](https://ci.example.org/runs/${RUN}/log) · [run page](https://ci.example.org/runs/${RUN}) (requested by @alice).`,
    ),
  );
});

test('running before any stage is known', (t) => {
  const running = request({ state: 'running', runId: RUN, startedAt: '2024-03-05T07:10:00.000Z' });
  t.is(
    renderPullComment(view([running])),
    lines(
      `**Running** since 2024-03-05 07:10 UTC — [live log](https://ci.example.org/runs/${RUN}/log) · [run page](https://ci.example.org/runs/${RUN}) (requested by @alice).`,
    ),
  );
});

const TABLE_HEAD = ['| rung | status | reason |', '|---|---|---|'];

test('a result: headline, versions, the five rungs in ladder order, deploys, duration and links', (t) => {
  const done = request({ state: 'done', runId: RUN, startedAt: QUEUED_AT, outcome: outcome(FAILED_BACKUP) });
  t.is(
    renderPullComment(view([done])),
    lines(
      '**L2 · failure — backup_restore failed: restore lost the uploads** (requested by @alice, head `01234567`).',
      '',
      `[![cc-ci web](https://ci.example.org/badge/web.svg)](https://ci.example.org/runs/${RUN})`,
      '',
      "head version 1.3.0+2.0 · base: 1.2.0+2.0 (newest release older than the head's 1.3.0+2.0)",
      '',
      ...TABLE_HEAD,
      '| install | pass | 3 tests passed |',
      '| upgrade | pass | upgraded from 1.2.0+2.0 |',
      '| backup_restore | fail | restore lost the uploads |',
      '| functional | pass | 2 tests passed |',
      '| lint | pass | no rule failed |',
      '',
      `Deploys 1/1 · 10 min 45 s · [run page](https://ci.example.org/runs/${RUN}) · [log](https://ci.example.org/runs/${RUN}/log)`,
    ),
  );
});

test('the rung table follows the ladder whatever the key order of the stored rungs', (t) => {
  const stored = outcome();
  const reversed = { ...stored, rungs: Object.fromEntries(Object.entries(stored.rungs).reverse()) as Rungs };
  const rendered = renderPullComment(view([request({ state: 'done', runId: RUN, outcome: reversed })]));
  const rows = rendered.split('\n').filter((line) => /^\| [a-z_]+ \| /.test(line) && !line.startsWith('| rung'));
  t.deepEqual(
    rows.map((row) => row.split(' | ')[0]!.slice(2)),
    [...RUNG_NAMES],
  );
});

test('a skip base, no head version, a short run and two deploys', (t) => {
  const ending = outcome({
    baseVersion: { kind: 'skip', value: null, reason: 'no predecessor' },
    headVersion: null,
    finishedAt: '2024-03-05T07:08:54.499Z',
    deploys: { expected: 1, actual: 2 },
    verdict: 'failure',
    exitCode: 1,
  });
  const rendered = renderPullComment(view([request({ state: 'done', runId: RUN, outcome: ending })]));
  t.is(rendered.split('\n')[7], 'base: none (no predecessor)');
  t.is(
    rendered.split('\n').at(-2),
    `Deploys 2/1 · 45 s · [run page](https://ci.example.org/runs/${RUN}) · [log](https://ci.example.org/runs/${RUN}/log)`,
  );
});

test('no version facts at all: no version line', (t) => {
  const ending = outcome({ baseVersion: null, headVersion: null });
  const rendered = renderPullComment(view([request({ state: 'done', runId: RUN, outcome: ending })]));
  t.deepEqual(rendered.split('\n').slice(3, 9), [
    '**L5 · success** (requested by @alice, head `01234567`).',
    '',
    `[![cc-ci web](https://ci.example.org/badge/web.svg)](https://ci.example.org/runs/${RUN})`,
    '',
    ...TABLE_HEAD,
  ]);
});

test('a run that made its summary card shows it under the badge, both linking to the run page', (t) => {
  const ending = { ...outcome({ baseVersion: null, headVersion: null }), card: true };
  const rendered = renderPullComment(view([request({ state: 'done', runId: RUN, outcome: ending })]));
  t.deepEqual(rendered.split('\n').slice(5, 8), [
    `[![cc-ci web](https://ci.example.org/badge/web.svg)](https://ci.example.org/runs/${RUN})`,
    '',
    `[![summary card of run ${RUN}](https://ci.example.org/runs/${RUN}/card.png)](https://ci.example.org/runs/${RUN})`,
  ]);
});

test('durations: seconds below a minute, rounded; minutes and seconds above', (t) => {
  const at = (ms: number) => {
    const ending = outcome({
      startedAt: '2024-03-05T07:00:00.000Z',
      finishedAt: new Date(Date.parse('2024-03-05T07:00:00.000Z') + ms).toISOString(),
    });
    return renderPullComment(view([request({ state: 'done', runId: RUN, outcome: ending })]))
      .split('\n')
      .at(-2)!
      .split(' · ')[1];
  };
  t.is(at(0), '0 s');
  t.is(at(59_499), '59 s');
  t.is(at(59_500), '1 min 0 s');
  t.is(at(61_000), '1 min 1 s');
  t.is(at(3_723_000), '62 min 3 s');
});

test('a | in a rung reason is escaped and a multi-line reason is collapsed to one table row', (t) => {
  const ending = outcome({
    verdict: 'failure',
    level: 1,
    exitCode: 1,
    rungs: {
      upgrade: { status: 'fail', reason: 'grep a|b failed' },
      functional: { status: 'unver', reason: 'first line\n  second line\r\nthird', cause: 'not-run' },
    },
  });
  const rendered = renderPullComment(view([request({ state: 'done', runId: RUN, outcome: ending })]));
  const table = rendered.split('\n').filter((line) => line.startsWith('| '));
  t.deepEqual(table, [
    '| rung | status | reason |',
    '| install | pass | 3 tests passed |',
    '| upgrade | fail | grep a\\|b failed |',
    '| backup_restore | pass | restored and verified |',
    '| functional | unver | first line second line third |',
    '| lint | pass | no rule failed |',
  ]);
});

// outcomeLine is documented as one line; a multi-line rung reason (an install error message with the
// command's output) must not break the comment's bold headline or the earlier-runs list item.
test('a multi-line rung reason keeps the comment headline on one line', (t) => {
  const ending = outcome({
    verdict: 'failure',
    level: 0,
    exitCode: 1,
    rungs: { install: { status: 'fail', reason: 'deploy failed:\n\nservice app crash-looping' } },
  });
  const rendered = renderPullComment(view([request({ state: 'done', runId: RUN, outcome: ending })]));
  t.is(
    rendered.split('\n')[3],
    '**L0 · failure — install failed: deploy failed: service app crash-looping** (requested by @alice, head `01234567`).',
  );
});

test('a reason with a lone carriage return (a line ending in Markdown) stays in one table row', (t) => {
  const ending = outcome({ rungs: { lint: { status: 'pass', reason: 'progress 50%\rprogress 100%' } } });
  const rendered = renderPullComment(view([request({ state: 'done', runId: RUN, outcome: ending })]));
  // split as CommonMark splits lines: LF, CR or CRLF
  t.deepEqual(
    rendered.split(/\r\n|\r|\n/).filter((line) => line.startsWith('| lint') || line.startsWith('progress')),
    ['| lint | pass | progress 50% progress 100% |'],
  );
});

test('a result without results.json: headline and links only', (t) => {
  const ending = { ...NO_RESULTS, stoppedBy: 'daemon-stop' } as const;
  t.is(
    renderPullComment(view([request({ state: 'done', runId: RUN, outcome: ending })])),
    lines(
      '**cancelled: the daemon was stopped** (requested by @alice, head `01234567`).',
      '',
      `[run page](https://ci.example.org/runs/${RUN}) · [log](https://ci.example.org/runs/${RUN}/log)`,
    ),
  );
});

test('a done request whose outcome is missing renders as running (no half-made result)', (t) => {
  const rendered = renderPullComment(view([request({ state: 'done', runId: RUN, startedAt: '2024-03-05T07:10:00.000Z' })]));
  t.is(
    rendered,
    lines(
      `**Running** since 2024-03-05 07:10 UTC — [live log](https://ci.example.org/runs/${RUN}/log) · [run page](https://ci.example.org/runs/${RUN}) (requested by @alice).`,
    ),
  );
});

test('interruptions of the current request are listed after its section', (t) => {
  const requeued = request({
    interruptions: [
      { runId: 'run-a', detail: 'it had not finished (no results.json)', by: 'daemon-restart' },
      { runId: 'run-b', detail: 'it ended early (sigterm)', by: 'daemon-restart' },
      { runId: 'run-c', detail: 'its worker ci-2 stopped answering; JetStream gave the request to ci-3 (delivery 2)', by: 'worker-lost' },
    ],
  });
  t.is(
    renderPullComment(view([requeued], { position: 1 })),
    lines(
      '**Queued** — position 1 in the queue (requested by @alice at 2024-03-05 07:08 UTC).',
      '',
      'Run [run-a](https://ci.example.org/runs/run-a) was interrupted by a daemon restart (it had not finished (no results.json)); the request was queued again.',
      '',
      'Run [run-b](https://ci.example.org/runs/run-b) was interrupted by a daemon restart (it ended early (sigterm)); the request was queued again.',
      '',
      'Run [run-c](https://ci.example.org/runs/run-c) was cut off: its worker ci-2 stopped answering; JetStream gave the request to ci-3 (delivery 2); the request was run again.',
    ),
  );
});

test('only notes made at or after the current request was queued are shown', (t) => {
  const notes: CommentNote[] = [
    { at: '2024-03-05T07:00:00.000Z', author: 'old', kind: 'duplicate', detail: 'from an earlier request' },
    { at: QUEUED_AT, author: 'bob', kind: 'duplicate', detail: noteFor('duplicate', 'waiting') },
    { at: '2024-03-05T07:30:00.000Z', author: 'carol', kind: 'quick', detail: noteFor('quick', undefined) },
  ];
  t.is(
    renderPullComment(view([request()], { notes })),
    lines(
      '**Queued** — waiting for a free slot (requested by @alice at 2024-03-05 07:08 UTC).',
      '',
      '- @bob at 2024-03-05 07:08 UTC: this `!testme` was not queued: this pull request is already waiting in the queue.',
      '- @carol at 2024-03-05 07:30 UTC: `!testme --quick` is not available yet; comment `!testme` for a full run.',
    ),
  );
});

test('noteFor: the three notes', (t) => {
  t.is(
    noteFor('duplicate', 'running'),
    'this `!testme` was not queued: a run of this pull request is already running; comment again once it has finished.',
  );
  t.is(noteFor('duplicate', 'waiting'), 'this `!testme` was not queued: this pull request is already waiting in the queue.');
  t.is(noteFor('duplicate', undefined), 'this `!testme` was not queued: this pull request is already waiting in the queue.');
  t.is(noteFor('quick', 'running'), '`!testme --quick` is not available yet; comment `!testme` for a full run.');
});

test('earlier runs are listed newest first in a <details> block; an earlier request without an outcome is left out', (t) => {
  const first = request({
    id: 'req-1',
    sha: 'aaaaaaaa11111111',
    state: 'done',
    runId: 'run-1',
    queuedAt: '2024-03-01T10:00:00.000Z',
    outcome: outcome({ runId: 'run-1' }),
  });
  const second = request({
    id: 'req-2',
    sha: 'bbbbbbbb22222222',
    state: 'done',
    runId: 'run-2',
    queuedAt: '2024-03-02T11:00:00.000Z',
    outcome: { ...NO_RESULTS, runId: 'run-2', stoppedBy: 'run-limit' },
  });
  const undecided = request({ id: 'req-3', sha: 'cccccccc33333333', state: 'queued', queuedAt: '2024-03-03T12:00:00.000Z' });
  const current = request({ id: 'req-4', queuedAt: '2024-03-04T13:00:00.000Z' });
  t.is(
    renderPullComment(view([first, second, undecided, current], { position: 1 })),
    lines(
      '**Queued** — position 1 in the queue (requested by @alice at 2024-03-04 13:00 UTC).',
      '',
      '<details><summary>Earlier runs on this pull request</summary>',
      '',
      '- `bbbbbbbb` 2024-03-02 11:00 UTC: stopped at the per-run limit of 54 min — [run page](https://ci.example.org/runs/run-2)',
      '- `aaaaaaaa` 2024-03-01 10:00 UTC: L5 · success — [run page](https://ci.example.org/runs/run-1)',
      '',
      '</details>',
    ),
  );
});

test('everything at once: section, interruptions, notes, earlier runs, in that order', (t) => {
  const earlier = request({
    id: 'req-1',
    sha: 'aaaaaaaa11111111',
    state: 'done',
    runId: 'run-1',
    queuedAt: '2024-03-01T10:00:00.000Z',
    outcome: outcome({ runId: 'run-1' }),
  });
  const current = request({
    id: 'req-2',
    state: 'running',
    runId: RUN,
    startedAt: '2024-03-05T07:20:00.000Z',
    interruptions: [{ runId: 'run-x', detail: 'gone', by: 'daemon-restart' }],
  });
  t.is(
    renderPullComment(
      view([earlier, current], { notes: [{ at: '2024-03-05T07:21:00.000Z', author: 'bob', kind: 'duplicate', detail: 'dup' }] }),
    ),
    lines(
      `**Running** since 2024-03-05 07:20 UTC — [live log](https://ci.example.org/runs/${RUN}/log) · [run page](https://ci.example.org/runs/${RUN}) (requested by @alice).`,
      '',
      'Run [run-x](https://ci.example.org/runs/run-x) was interrupted by a daemon restart (gone); the request was queued again.',
      '',
      '- @bob at 2024-03-05 07:21 UTC: dup',
      '',
      '<details><summary>Earlier runs on this pull request</summary>',
      '',
      '- `aaaaaaaa` 2024-03-01 10:00 UTC: L5 · success — [run page](https://ci.example.org/runs/run-1)',
      '',
      '</details>',
    ),
  );
});

test('a comment with notes only (no request yet): marker, recipe header, every note', (t) => {
  const notes: CommentNote[] = [
    { at: '2024-03-05T07:08:09.000Z', author: 'bob', kind: 'quick', detail: noteFor('quick', undefined) },
    { at: '2024-03-05T08:00:00.000Z', author: 'carol', kind: 'quick', detail: 'again' },
  ];
  t.is(
    renderPullComment(view([], { notes })),
    [
      '<!-- cc-ci:testme -->',
      '### cc-ci · `web`',
      '',
      '- @bob at 2024-03-05 07:08 UTC: `!testme --quick` is not available yet; comment `!testme` for a full run.',
      '- @carol at 2024-03-05 08:00 UTC: again',
      '',
    ].join('\n'),
  );
});

test('the same facts render the same comment (a restart renders it again identically)', (t) => {
  const facts = () =>
    view([request({ state: 'done', runId: RUN, outcome: outcome(FAILED_BACKUP) })], {
      notes: [{ at: QUEUED_AT, author: 'bob', kind: 'duplicate', detail: 'dup' }],
    });
  t.is(renderPullComment(facts()), renderPullComment(JSON.parse(JSON.stringify(facts())) as PullCommentView));
});
