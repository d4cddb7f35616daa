// The daemon store against a real SQLite file: schema and version check, comment claims and cursors,
// the request life cycle (accept → attempts → finish or interruption) with the statuses it owes, the
// bot comment's revisions and which one is delivered next (nextRevision, exhaustively against a
// reference, and through pendingComments on every phase sequence), and durability across reopening
// and across a kill -9 of a real writer process.
import test, { type ExecutionContext } from 'ava';
import Database from 'better-sqlite3';
import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { CommitStatus } from '../../../src/forge/forge.js';
import type { RequestOutcome } from '../../../src/daemon/request.js';
import {
  DATABASE_FILE,
  nextRevision,
  openDaemonStore,
  type CommentCandidate,
  type CommentPhase,
  type DaemonStore,
  type NewRequest,
} from '../../../src/io/daemon-store.js';

const writerScript = fileURLToPath(new URL('../../fixtures/store-writer.ts', import.meta.url));
let root = '';

test.before(async () => {
  root = await mkdtemp(join(tmpdir(), 'ccci-store-'));
});

test.after.always(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A settable clock: every stamp the store writes is the time set last. */
class Clock {
  current = new Date('2024-03-05T07:00:00.000Z');
  readonly now = () => this.current;
  set(iso: string): string {
    this.current = new Date(iso);
    return iso;
  }
}

let directories = 0;

/** A fresh state directory (not created yet: the store creates it) and a store opened on it, closed after the test. */
function freshStore(t: ExecutionContext): { store: DaemonStore; dir: string; clock: Clock; reopen: () => DaemonStore } {
  const dir = join(root, `state-${++directories}`, 'nested');
  const clock = new Clock();
  const opened: DaemonStore[] = [];
  const open = () => {
    const store = openDaemonStore(dir, clock.now);
    opened.push(store);
    return store;
  };
  t.teardown(() => {
    for (const store of opened) {
      try {
        store.close();
      } catch {
        // closed by the test already
      }
    }
  });
  return { store: open(), dir, clock, reopen: open };
}

const REPO = 'coop-cloud/web';

function candidate(id: number, fields: Partial<CommentCandidate> = {}): CommentCandidate {
  return { id, repo: REPO, pull: 42, author: 'alice', body: '!testme', createdAt: '2024-03-05T06:59:00Z', via: 'poll', ...fields };
}

function newRequest(id: string, fields: Partial<NewRequest> = {}): NewRequest {
  return {
    id,
    repo: REPO,
    recipe: 'web',
    pull: 42,
    sha: 'a'.repeat(40),
    cloneUrl: 'https://git.example.org/coop-cloud/web.git',
    requestedBy: 'alice',
    commentId: null,
    ...fields,
  };
}

function status(description: string, state: CommitStatus['state'] = 'pending'): CommitStatus {
  return { state, context: 'cc-ci/testme', description, targetUrl: `https://ci.example.org/${description.replace(/\W+/g, '-')}` };
}

const RESULTS_OUTCOME: RequestOutcome = {
  kind: 'results',
  runId: 'run-1',
  verdict: 'failure',
  level: 2,
  exitCode: 1,
  abortReason: null,
  rungs: {
    install: { status: 'pass', reason: '3 tests passed' },
    upgrade: { status: 'pass', reason: 'upgraded' },
    backup_restore: { status: 'fail', reason: 'restore | lost "uploads"\nsee log' },
    functional: { status: 'unver', reason: 'not run', cause: 'not-run' },
    lint: { status: 'skip', reason: 'declared in EXPECTED_NA: none' },
  },
  deploys: { expected: 1, actual: 1 },
  headVersion: '1.3.0+2.0',
  baseVersion: { kind: 'skip', value: null, reason: 'no predecessor' },
  durationMs: 645_400,
  stoppedBy: null,
};

/** A second connection on the same file, to look at what the API does not show. */
function peek<T>(dir: string, query: (db: Database.Database) => T): T {
  const db = new Database(join(dir, DATABASE_FILE), { readonly: true });
  try {
    return query(db);
  } finally {
    db.close();
  }
}

/** What `run` throws (better-sqlite3's SqliteError is not a native Error, so t.throws would not take it). */
function thrownBy(run: () => unknown): { name: string; message: string } {
  try {
    run();
  } catch (error) {
    return { name: (error as Error).name, message: (error as Error).message };
  }
  throw new Error('expected a throw, got none');
}

const TABLES = [
  'attempts',
  'bot_comments',
  'comment_revisions',
  'comments',
  'cursors',
  'meta',
  'requests',
  'sqlite_sequence',
  'status_outbox',
];
const tablesOf = (db: Database.Database) =>
  db
    .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    .all()
    .map((row) => row.name);

// ------------------------------------------------------------------------------------------ the file

test('opening creates the state directory, the database file and every table, at schema version 1, in WAL mode', (t) => {
  const { store, dir } = freshStore(t);
  t.is(store.file, join(dir, 'daemon.sqlite'));
  t.true(existsSync(store.file));
  peek(dir, (db) => {
    t.deepEqual(tablesOf(db), TABLES);
    t.deepEqual(db.prepare('SELECT key, value FROM meta').all(), [{ key: 'schema', value: '1' }]);
    t.is(db.pragma('journal_mode', { simple: true }), 'wal');
  });
});

test('a database of another schema version is refused with a message naming the file and both versions', (t) => {
  const { store, dir, reopen } = freshStore(t);
  store.close();
  const db = new Database(join(dir, DATABASE_FILE));
  db.prepare("UPDATE meta SET value = '2' WHERE key = 'schema'").run();
  db.close();
  t.is(
    thrownBy(() => reopen()).message,
    `The daemon database ${join(dir, DATABASE_FILE)} has schema version 2; this cc-ci reads version 1`,
  );
});

// The version has to be read before this cc-ci's schema is applied: a newer daemon's database may have
// changed a table, and applying the old CREATE INDEX statements to it fails (or alters it) first.
test('a database of another schema version with a changed table is refused by its version, and left untouched', (t) => {
  const dir = join(root, 'future-schema');
  const file = join(dir, DATABASE_FILE);
  openDaemonStore(dir).close();
  const db = new Database(file);
  db.exec(
    "DROP TABLE requests; CREATE TABLE requests (key TEXT PRIMARY KEY, body TEXT); DROP TABLE cursors; UPDATE meta SET value = '2' WHERE key = 'schema'",
  );
  db.close();
  t.is(thrownBy(() => openDaemonStore(dir)).message, `The daemon database ${file} has schema version 2; this cc-ci reads version 1`);
  peek(join(root, 'future-schema'), (reader) => {
    t.false(tablesOf(reader).includes('cursors'), 'a table of version 1 was created in a version 2 database');
  });
});

test('reopening keeps everything: cursors, comments, requests, attempts, statuses, comment revisions', (t) => {
  const { store, clock, reopen } = freshStore(t);
  store.prime(REPO, [1, 2], '2024-03-05T06:00:00.000Z', '2024-03-05T06:30:00.000Z');
  clock.set('2024-03-05T07:01:00.000Z');
  t.true(store.claimComment(candidate(3, { via: 'webhook' })));
  store.acceptRequest(newRequest('req-1', { commentId: 3 }), status('queued: position 1'));
  clock.set('2024-03-05T07:02:00.000Z');
  store.startAttempt('req-1', 'run-1', status('running'));
  store.setStage('req-1', 'install');
  store.setCommentBody(REPO, 42, 'running body', 'running');
  const before = {
    cursor: store.cursor(REPO),
    undecided: store.undecidedComments(),
    comments: store.commentsOfPull(REPO, 42),
    request: store.request('req-1'),
    attempts: store.attemptsOf('req-1'),
    statuses: store.pendingStatuses(),
    pending: store.pendingComments(),
  };
  store.close();
  const again = reopen();
  t.deepEqual(
    {
      cursor: again.cursor(REPO),
      undecided: again.undecidedComments(),
      comments: again.commentsOfPull(REPO, 42),
      request: again.request('req-1'),
      attempts: again.attemptsOf('req-1'),
      statuses: again.pendingStatuses(),
      pending: again.pendingComments(),
    },
    before,
  );
  t.is(before.request?.stage, 'install');
  t.is(before.statuses.length, 2);
  t.is(before.pending.length, 1);
  t.false(again.claimComment(candidate(3)), 'a comment claimed before the reopen stays claimed');
  t.false(again.claimComment(candidate(1)), 'a primed comment stays seen');
});

// ------------------------------------------------------------------------------------------ comments and cursors

test('claimComment is true for the first claim of an id only, whichever path claims it', (t) => {
  const { store, clock } = freshStore(t);
  clock.set('2024-03-05T07:00:01.000Z');
  t.true(store.claimComment(candidate(10, { via: 'webhook' })));
  clock.set('2024-03-05T07:00:02.000Z');
  t.false(store.claimComment(candidate(10, { via: 'poll', body: 'edited' })));
  t.false(store.claimComment(candidate(10, { via: 'webhook' })));
  t.deepEqual(store.commentsOfPull(REPO, 42), [
    { ...candidate(10, { via: 'webhook' }), seenAt: '2024-03-05T07:00:01.000Z', decision: null, detail: null },
  ]);
});

test('prime marks every existing comment seen (decision old, never undecided) and sets the cursor', (t) => {
  const { store, clock } = freshStore(t);
  t.is(store.cursor(REPO), undefined);
  clock.set('2024-03-05T07:00:05.000Z');
  t.true(store.claimComment(candidate(5)), 'claimed by a webhook before the first poll');
  store.prime(REPO, [4, 5, 6], '2024-03-05T06:59:59.000Z', '2024-03-05T07:00:06.000Z');
  t.deepEqual(store.cursor(REPO), { since: '2024-03-05T06:59:59.000Z', primedAt: '2024-03-05T07:00:06.000Z' });
  for (const id of [4, 5, 6]) t.false(store.claimComment(candidate(id)), `comment ${id}`);
  t.true(store.claimComment(candidate(7)));
  t.deepEqual(
    store.undecidedComments().map((comment) => comment.id),
    [5, 7],
    'the comment claimed before priming keeps its claim',
  );
  t.is(store.cursor('coop-cloud/other'), undefined);
});

test('prime of a repository without comments sets a null cursor', (t) => {
  const { store } = freshStore(t);
  store.prime(REPO, [], null, '2024-03-05T07:00:00.000Z');
  t.deepEqual(store.cursor(REPO), { since: null, primedAt: '2024-03-05T07:00:00.000Z' });
});

test('advanceCursor moves the cursor forward only, and never creates one', (t) => {
  const { store } = freshStore(t);
  store.advanceCursor(REPO, '2024-03-05T07:00:00.000Z');
  t.is(store.cursor(REPO), undefined);
  store.prime(REPO, [], null, '2024-03-05T06:00:00.000Z');
  const steps: [string, string][] = [
    ['2024-03-05T07:00:00.000Z', '2024-03-05T07:00:00.000Z'],
    ['2024-03-05T08:00:00.000Z', '2024-03-05T08:00:00.000Z'],
    ['2024-03-05T07:30:00.000Z', '2024-03-05T08:00:00.000Z'],
    ['2024-03-05T08:00:00.000Z', '2024-03-05T08:00:00.000Z'],
    ['2024-03-04T23:59:59.999Z', '2024-03-05T08:00:00.000Z'],
    ['2024-03-05T08:00:00.001Z', '2024-03-05T08:00:00.001Z'],
  ];
  for (const [given, expected] of steps) {
    store.advanceCursor(REPO, given);
    t.deepEqual(store.cursor(REPO), { since: expected, primedAt: '2024-03-05T06:00:00.000Z' }, given);
  }
});

test('undecidedComments lists claimed comments not yet settled, by id; settleComment records decision and detail', (t) => {
  const { store, clock } = freshStore(t);
  clock.set('2024-03-05T07:10:00.000Z');
  for (const id of [30, 10, 20]) store.claimComment(candidate(id, { pull: id === 20 ? null : 42, author: `user${id}` }));
  t.deepEqual(
    store.undecidedComments().map((comment) => comment.id),
    [10, 20, 30],
  );
  store.settleComment(20, 'not-a-pull-request');
  store.settleComment(10, 'denied', 'user10 is not a member of coop-cloud');
  t.deepEqual(store.undecidedComments(), [
    { ...candidate(30, { author: 'user30' }), seenAt: '2024-03-05T07:10:00.000Z', decision: null, detail: null },
  ]);
  t.deepEqual(
    store.commentsOfPull(REPO, 42).map(({ id, decision, detail }) => ({ id, decision, detail })),
    [
      { id: 10, decision: 'denied', detail: 'user10 is not a member of coop-cloud' },
      { id: 30, decision: null, detail: null },
    ],
  );
  store.settleComment(30, 'not-a-trigger');
  t.deepEqual(store.undecidedComments(), []);
});

// ------------------------------------------------------------------------------------------ requests

test('acceptRequest: queued, its comment settled as accepted, one pending status owed', (t) => {
  const { store, clock } = freshStore(t);
  store.claimComment(candidate(77));
  clock.set('2024-03-05T07:20:00.000Z');
  const accepted = store.acceptRequest(newRequest('req-1', { commentId: 77 }), status('queued: position 1'));
  const expected = {
    ...newRequest('req-1', { commentId: 77 }),
    seq: 1,
    state: 'queued',
    attempts: 0,
    runId: null,
    stage: null,
    queuedAt: '2024-03-05T07:20:00.000Z',
    startedAt: null,
    finishedAt: null,
    outcome: null,
  };
  t.deepEqual(accepted, expected);
  t.deepEqual(store.request('req-1'), expected);
  t.deepEqual(
    store.commentsOfPull(REPO, 42).map(({ decision, detail }) => ({ decision, detail })),
    [{ decision: 'accepted', detail: 'req-1' }],
  );
  t.deepEqual(store.undecidedComments(), []);
  t.deepEqual(store.pendingStatuses(), [{ id: 1, repo: REPO, sha: 'a'.repeat(40), ...status('queued: position 1') }]);
  t.is(store.request('req-2'), undefined);
});

test('accepted requests wait in FIFO order by seq', (t) => {
  const { store } = freshStore(t);
  for (const [index, id] of ['req-c', 'req-a', 'req-b'].entries()) {
    t.is(store.acceptRequest(newRequest(id, { pull: index + 1 }), status(`queued ${id}`)).seq, index + 1);
  }
  t.deepEqual(
    store.requestsIn('queued').map((request) => [request.id, request.seq]),
    [
      ['req-c', 1],
      ['req-a', 2],
      ['req-b', 3],
    ],
  );
  t.deepEqual(store.requestsIn('running'), []);
  t.deepEqual(
    store.pendingStatuses().map((owed) => owed.description),
    ['queued req-c', 'queued req-a', 'queued req-b'],
  );
});

test('a request id accepted twice fails as a whole: no second request, no status owed for it', (t) => {
  const { store } = freshStore(t);
  store.acceptRequest(newRequest('req-1'), status('first'));
  store.claimComment(candidate(8));
  t.deepEqual(
    thrownBy(() => store.acceptRequest(newRequest('req-1', { commentId: 8, pull: 7 }), status('second'))),
    { name: 'SqliteError', message: 'UNIQUE constraint failed: requests.id' },
  );
  t.deepEqual(
    store.pendingStatuses().map((owed) => owed.description),
    ['first'],
  );
  t.deepEqual(
    store.undecidedComments().map((comment) => comment.id),
    [8],
    'the comment is not settled by the failed transaction',
  );
  t.is(store.requestsIn('queued').length, 1);
});

test('acceptRequest is one transaction: when owing its status fails, nothing is queued and the comment stays undecided', (t) => {
  const { store } = freshStore(t);
  store.claimComment(candidate(9));
  const broken = { ...status('queued'), description: null } as unknown as CommitStatus; // NOT NULL in status_outbox
  t.deepEqual(
    thrownBy(() => store.acceptRequest(newRequest('req-1', { commentId: 9 }), broken)),
    { name: 'SqliteError', message: 'NOT NULL constraint failed: status_outbox.description' },
  );
  t.is(store.request('req-1'), undefined);
  t.deepEqual(
    store.undecidedComments().map((comment) => comment.id),
    [9],
  );
  t.deepEqual(store.pendingStatuses(), []);
});

test('startAttempt is one transaction: a run id used before fails it and the request stays queued', (t) => {
  const { store } = freshStore(t);
  store.acceptRequest(newRequest('req-1'), status('queued 1'));
  store.acceptRequest(newRequest('req-2', { pull: 43 }), status('queued 2'));
  store.startAttempt('req-1', 'run-1', status('running 1'));
  t.deepEqual(
    thrownBy(() => store.startAttempt('req-2', 'run-1', status('running 2'))),
    { name: 'SqliteError', message: 'UNIQUE constraint failed: attempts.run_id' },
  );
  t.like(store.request('req-2'), { state: 'queued', attempts: 0, runId: null, startedAt: null });
  t.deepEqual(
    store.pendingStatuses().map((owed) => owed.description),
    ['queued 1', 'queued 2', 'running 1'],
  );
});

test('finishRequest is one transaction: when owing its status fails, the request is still running', (t) => {
  const { store } = freshStore(t);
  store.acceptRequest(newRequest('req-1'), status('queued'));
  store.startAttempt('req-1', 'run-1', status('running'));
  const broken = { ...status('final'), targetUrl: null } as unknown as CommitStatus;
  t.is(
    thrownBy(() => store.finishRequest('req-1', RESULTS_OUTCOME, broken)).message,
    'NOT NULL constraint failed: status_outbox.target_url',
  );
  t.like(store.request('req-1'), { state: 'running', outcome: null, finishedAt: null });
  t.deepEqual(
    store.attemptsOf('req-1').map((attempt) => attempt.outcome),
    [null],
  );
});

test('startAttempt: running, attempts counted, the attempt recorded, a status owed, the stage cleared', (t) => {
  const { store, clock } = freshStore(t);
  clock.set('2024-03-05T07:00:00.000Z');
  store.acceptRequest(newRequest('req-1'), status('queued'));
  clock.set('2024-03-05T07:05:00.000Z');
  const started = store.startAttempt('req-1', 'run-1', status('running'));
  t.like(started, {
    state: 'running',
    attempts: 1,
    runId: 'run-1',
    stage: null,
    startedAt: '2024-03-05T07:05:00.000Z',
    finishedAt: null,
    outcome: null,
    queuedAt: '2024-03-05T07:00:00.000Z',
  });
  t.deepEqual(store.attemptsOf('req-1'), [
    { runId: 'run-1', requestId: 'req-1', attempt: 1, startedAt: '2024-03-05T07:05:00.000Z', endedAt: null, outcome: null },
  ]);
  t.deepEqual(
    store.pendingStatuses().map((owed) => owed.description),
    ['queued', 'running'],
  );
  store.setStage('req-1', 'install');
  t.is(store.request('req-1')?.stage, 'install');
  t.deepEqual(
    store.requestsIn('running').map((request) => request.id),
    ['req-1'],
  );
  t.deepEqual(store.requestsIn('queued'), []);
});

test('startAttempt of an unknown request throws naming the request and the file, and owes nothing', (t) => {
  const { store } = freshStore(t);
  t.deepEqual(
    thrownBy(() => store.startAttempt('nope', 'run-x', status('running'))),
    { name: 'Error', message: `no request nope in ${store.file}` },
  );
  t.deepEqual(store.pendingStatuses(), []);
  t.deepEqual(store.attemptsOf('nope'), []);
});

test('finishRequest: done, the outcome round-trips through its schema, recorded on the attempt, the final status owed', (t) => {
  const { store, clock } = freshStore(t);
  store.acceptRequest(newRequest('req-1'), status('queued'));
  store.startAttempt('req-1', 'run-1', status('running'));
  clock.set('2024-03-05T07:15:00.000Z');
  const done = store.finishRequest('req-1', RESULTS_OUTCOME, status('L2 failure', 'failure'));
  t.like(done, { state: 'done', attempts: 1, runId: 'run-1', finishedAt: '2024-03-05T07:15:00.000Z' });
  t.deepEqual(done.outcome, RESULTS_OUTCOME);
  t.deepEqual(store.request('req-1')?.outcome, RESULTS_OUTCOME);
  t.deepEqual(store.attemptsOf('req-1'), [
    {
      runId: 'run-1',
      requestId: 'req-1',
      attempt: 1,
      startedAt: '2024-03-05T07:00:00.000Z',
      endedAt: '2024-03-05T07:15:00.000Z',
      outcome: RESULTS_OUTCOME,
    },
  ]);
  t.deepEqual(
    store.pendingStatuses().map((owed) => [owed.state, owed.description]),
    [
      ['pending', 'queued'],
      ['pending', 'running'],
      ['failure', 'L2 failure'],
    ],
  );
  t.deepEqual(
    store.requestsIn('done').map((request) => request.id),
    ['req-1'],
  );
});

test('finishRequest with an outcome its schema refuses changes nothing', (t) => {
  const { store } = freshStore(t);
  store.acceptRequest(newRequest('req-1'), status('queued'));
  store.startAttempt('req-1', 'run-1', status('running'));
  const bad = { ...RESULTS_OUTCOME, level: 7 } as RequestOutcome;
  t.is(thrownBy(() => store.finishRequest('req-1', bad, status('final'))).name, 'ZodError');
  t.like(store.request('req-1'), { state: 'running', outcome: null, finishedAt: null });
  t.deepEqual(
    store.pendingStatuses().map((owed) => owed.description),
    ['queued', 'running'],
  );
});

test('interruptAttempt with requeue: queued again, the attempt keeps the interruption, a second attempt counts 2', (t) => {
  const { store, clock } = freshStore(t);
  store.acceptRequest(newRequest('req-1'), status('queued'));
  store.startAttempt('req-1', 'run-1', status('running'));
  store.setStage('req-1', 'upgrade');
  const interruption: RequestOutcome = { kind: 'interrupted', runId: 'run-1', detail: 'it had not finished (no results.json)' };
  clock.set('2024-03-05T07:30:00.000Z');
  const requeued = store.interruptAttempt('req-1', interruption, status('interrupted; queued again', 'error'), true);
  t.like(requeued, { state: 'queued', attempts: 1, stage: null, outcome: null, finishedAt: null, runId: 'run-1' });
  t.deepEqual(store.attemptsOf('req-1'), [
    {
      runId: 'run-1',
      requestId: 'req-1',
      attempt: 1,
      startedAt: '2024-03-05T07:00:00.000Z',
      endedAt: '2024-03-05T07:30:00.000Z',
      outcome: interruption,
    },
  ]);
  t.deepEqual(
    store.requestsIn('queued').map((request) => request.id),
    ['req-1'],
  );
  clock.set('2024-03-05T07:31:00.000Z');
  t.like(store.startAttempt('req-1', 'run-2', status('running (attempt 2)')), {
    state: 'running',
    attempts: 2,
    runId: 'run-2',
    startedAt: '2024-03-05T07:31:00.000Z',
  });
  t.deepEqual(
    store.attemptsOf('req-1').map(({ runId, attempt, outcome }) => ({ runId, attempt, kind: outcome?.kind ?? null })),
    [
      { runId: 'run-1', attempt: 1, kind: 'interrupted' },
      { runId: 'run-2', attempt: 2, kind: null },
    ],
  );
  t.deepEqual(
    store.pendingStatuses().map((owed) => [owed.state, owed.description]),
    [
      ['pending', 'queued'],
      ['pending', 'running'],
      ['error', 'interrupted; queued again'],
      ['pending', 'running (attempt 2)'],
    ],
  );
});

test('interruptAttempt without requeue: done, with the interruption as its outcome', (t) => {
  const { store, clock } = freshStore(t);
  store.acceptRequest(newRequest('req-1'), status('queued'));
  store.startAttempt('req-1', 'run-1', status('running'));
  const interruption: RequestOutcome = { kind: 'interrupted', runId: 'run-1', detail: 'it ended early (sigterm)' };
  clock.set('2024-03-05T07:40:00.000Z');
  const ended = store.interruptAttempt('req-1', interruption, status('interrupted again', 'error'), false);
  t.like(ended, { state: 'done', attempts: 1, finishedAt: '2024-03-05T07:40:00.000Z' });
  t.deepEqual(ended.outcome, interruption);
  t.deepEqual(store.attemptsOf('req-1')[0]?.outcome, interruption);
  t.deepEqual(store.requestsIn('queued'), []);
  t.deepEqual(store.pendingStatuses().at(-1), { id: 3, repo: REPO, sha: 'a'.repeat(40), ...status('interrupted again', 'error') });
});

test('requestByRunId finds the request through any of its attempts', (t) => {
  const { store } = freshStore(t);
  store.acceptRequest(newRequest('req-1'), status('queued'));
  store.acceptRequest(newRequest('req-2', { pull: 43 }), status('queued'));
  store.startAttempt('req-1', 'run-1', status('running'));
  store.interruptAttempt('req-1', { kind: 'interrupted', runId: 'run-1', detail: 'x' }, status('interrupted'), true);
  store.startAttempt('req-1', 'run-2', status('running'));
  store.startAttempt('req-2', 'run-3', status('running'));
  t.is(store.requestByRunId('run-1')?.id, 'req-1');
  t.is(store.requestByRunId('run-2')?.id, 'req-1');
  t.is(store.requestByRunId('run-3')?.id, 'req-2');
  t.is(store.requestByRunId('run-4'), undefined);
});

test('requestsOfPull: the requests of that repository and pull request only, oldest first', (t) => {
  const { store } = freshStore(t);
  store.acceptRequest(newRequest('r1', { pull: 42 }), status('s'));
  store.acceptRequest(newRequest('r2', { pull: 43 }), status('s'));
  store.acceptRequest(newRequest('r3', { pull: 42, repo: 'coop-cloud/other' }), status('s'));
  store.acceptRequest(newRequest('r4', { pull: 42 }), status('s'));
  store.startAttempt('r1', 'run-1', status('s'));
  store.finishRequest('r1', { kind: 'interrupted', runId: 'run-1', detail: 'd' }, status('s'));
  store.acceptRequest(newRequest('r5', { pull: 42 }), status('s'));
  t.deepEqual(
    store.requestsOfPull(REPO, 42).map((request) => [request.id, request.state]),
    [
      ['r1', 'done'],
      ['r4', 'queued'],
      ['r5', 'queued'],
    ],
  );
  t.deepEqual(
    store.requestsOfPull(REPO, 43).map((request) => request.id),
    ['r2'],
  );
  t.deepEqual(
    store.requestsOfPull('coop-cloud/other', 42).map((request) => request.id),
    ['r3'],
  );
  t.deepEqual(store.requestsOfPull(REPO, 44), []);
});

// ------------------------------------------------------------------------------------------ statuses

test('owed statuses come in id order; delivered and failed ones are no longer pending', (t) => {
  const { store, dir } = freshStore(t);
  store.acceptRequest(newRequest('r1', { sha: '1'.repeat(40) }), status('one'));
  store.acceptRequest(newRequest('r2', { sha: '2'.repeat(40), repo: 'coop-cloud/other' }), status('two'));
  store.startAttempt('r1', 'run-1', status('three'));
  store.startAttempt('r2', 'run-2', status('four'));
  t.deepEqual(
    store.pendingStatuses().map(({ id, repo, sha, description }) => [id, repo, sha.slice(0, 1), description]),
    [
      [1, REPO, '1', 'one'],
      [2, 'coop-cloud/other', '2', 'two'],
      [3, REPO, '1', 'three'],
      [4, 'coop-cloud/other', '2', 'four'],
    ],
  );
  store.statusDelivered(2);
  store.statusFailed(3, 'HTTP 422: sha not found');
  t.deepEqual(
    store.pendingStatuses().map((owed) => owed.id),
    [1, 4],
  );
  store.statusDelivered(1);
  store.statusDelivered(4);
  t.deepEqual(store.pendingStatuses(), []);
  t.deepEqual(
    peek(dir, (db) => db.prepare('SELECT id, failure, delivered_at IS NOT NULL AS delivered FROM status_outbox ORDER BY id').all()),
    [
      { id: 1, failure: null, delivered: 1 },
      { id: 2, failure: null, delivered: 1 },
      { id: 3, failure: 'HTTP 422: sha not found', delivered: 0 },
      { id: 4, failure: null, delivered: 1 },
    ],
  );
});

// ------------------------------------------------------------------------------------------ the bot comment

test('setCommentBody is false for an unchanged body and true for a changed one', (t) => {
  const { store } = freshStore(t);
  t.true(store.setCommentBody(REPO, 42, 'A', 'queued'));
  t.false(store.setCommentBody(REPO, 42, 'A', 'queued'));
  t.false(store.setCommentBody(REPO, 42, 'A', 'running'), 'the body decides, not the phase');
  t.true(store.setCommentBody(REPO, 42, 'B', 'queued'));
  t.true(store.setCommentBody(REPO, 42, 'A', 'queued'), 'going back to an earlier body is a change');
  t.true(store.setCommentBody(REPO, 43, 'A', 'queued'), 'another pull request has its own comment');
  t.deepEqual(
    store.pendingComments().map(({ pull, revision, body }) => [pull, revision, body]),
    [
      [42, 3, 'A'],
      [43, 1, 'A'],
    ],
  );
});

test('queued → queued → running → done delivers the last queued body, then running, then done; delivery prunes', (t) => {
  const { store, dir } = freshStore(t);
  store.setCommentBody(REPO, 42, 'queued: position 2', 'queued');
  store.setCommentBody(REPO, 42, 'queued: position 1', 'queued');
  store.setCommentBody(REPO, 42, 'running', 'running');
  store.setCommentBody(REPO, 42, 'done', 'done');
  const revisions = () =>
    peek(dir, (db) =>
      db
        .prepare<[], { revision: number }>('SELECT revision FROM comment_revisions ORDER BY revision')
        .all()
        .map((row) => row.revision),
    );
  t.deepEqual(store.pendingComments(), [{ repo: REPO, pull: 42, commentId: null, body: 'queued: position 1', revision: 2 }]);
  store.commentDelivered(REPO, 42, 2, 9001);
  t.deepEqual(revisions(), [3, 4]);
  t.deepEqual(store.pendingComments(), [{ repo: REPO, pull: 42, commentId: 9001, body: 'running', revision: 3 }]);
  store.commentDelivered(REPO, 42, 3, 9001);
  t.deepEqual(store.pendingComments(), [{ repo: REPO, pull: 42, commentId: 9001, body: 'done', revision: 4 }]);
  store.commentDelivered(REPO, 42, 4, 9001);
  t.deepEqual(store.pendingComments(), []);
  t.deepEqual(revisions(), []);
  t.false(store.setCommentBody(REPO, 42, 'done', 'done'));
  t.true(store.setCommentBody(REPO, 42, 'done, edited', 'done'));
  t.deepEqual(store.pendingComments(), [{ repo: REPO, pull: 42, commentId: 9001, body: 'done, edited', revision: 5 }]);
});

test('a stale delivery acknowledgement never moves the delivered revision back', (t) => {
  const { store } = freshStore(t);
  store.setCommentBody(REPO, 42, 'one', 'queued');
  store.setCommentBody(REPO, 42, 'two', 'running');
  store.setCommentBody(REPO, 42, 'three', 'done');
  store.commentDelivered(REPO, 42, 3, 5);
  store.commentDelivered(REPO, 42, 1, 5);
  t.deepEqual(store.pendingComments(), []);
});

test('forgetBotComment: the next delivery creates the comment again', (t) => {
  const { store } = freshStore(t);
  store.setCommentBody(REPO, 42, 'queued', 'queued');
  store.commentDelivered(REPO, 42, 1, 9001);
  store.setCommentBody(REPO, 42, 'running', 'running');
  t.is(store.pendingComments()[0]?.commentId, 9001);
  store.forgetBotComment(REPO, 42);
  t.deepEqual(store.pendingComments(), [{ repo: REPO, pull: 42, commentId: null, body: 'running', revision: 2 }]);
  store.commentDelivered(REPO, 42, 2, 9002);
  store.setCommentBody(REPO, 42, 'done', 'done');
  t.is(store.pendingComments()[0]?.commentId, 9002);
});

test('commentFailed skips that revision (and the older ones); a newer body is tried again', (t) => {
  const { store, dir } = freshStore(t);
  store.setCommentBody(REPO, 42, 'queued', 'queued');
  store.setCommentBody(REPO, 42, 'running', 'running');
  store.setCommentBody(REPO, 42, 'done', 'done');
  t.is(store.pendingComments()[0]?.revision, 1);
  store.commentFailed(REPO, 42, 1, 'HTTP 422: body too long');
  t.deepEqual(store.pendingComments(), [{ repo: REPO, pull: 42, commentId: null, body: 'running', revision: 2 }]);
  store.commentFailed(REPO, 42, 3, 'HTTP 422: body too long');
  t.deepEqual(store.pendingComments(), [], 'the refused last body is not retried');
  t.is(
    peek(dir, (db) => db.prepare<[], { failure: string | null }>('SELECT failure FROM bot_comments').get()?.failure),
    'HTTP 422: body too long',
  );
  t.false(store.setCommentBody(REPO, 42, 'done', 'done'), 'the same refused body is not owed again');
  t.true(store.setCommentBody(REPO, 42, 'done (shorter)', 'done'));
  t.deepEqual(store.pendingComments(), [{ repo: REPO, pull: 42, commentId: null, body: 'done (shorter)', revision: 4 }]);
  t.is(
    peek(dir, (db) => db.prepare<[], { failure: string | null }>('SELECT failure FROM bot_comments').get()?.failure),
    null,
  );
});

// ------------------------------------------------------------------------------------------ nextRevision, exhaustively

const PHASES: readonly CommentPhase[] = ['note', 'queued', 'running', 'done'];

function sequencesUpTo(length: number): CommentPhase[][] {
  const all: CommentPhase[][] = [[]];
  let previous: CommentPhase[][] = [[]];
  for (let size = 1; size <= length; size++) {
    previous = previous.flatMap((prefix) => PHASES.map((phase) => [...prefix, phase]));
    all.push(...previous);
  }
  return all;
}

/** Reference: the revision to send is the last one of the leading run of equal phases. */
function referenceNext(undelivered: readonly { revision: number; phase: CommentPhase }[]): number | undefined {
  if (undelivered.length === 0) return undefined;
  let end = 0;
  while (end + 1 < undelivered.length && undelivered[end + 1]!.phase === undelivered[0]!.phase) end++;
  return undelivered[end]!.revision;
}

/** Reference: what a forge that was down receives, in order: the last revision of each run of equal phases. */
function referenceDeliveries(phases: readonly CommentPhase[]): number[] {
  return phases.flatMap((phase, index) => (phases[index + 1] === phase ? [] : [index + 1]));
}

const SEQUENCES = sequencesUpTo(5);

test('the phase sequences enumerated are all 1365 of length 0 to 5', (t) => {
  t.is(SEQUENCES.length, 1 + 4 + 16 + 64 + 256 + 1024);
  t.is(new Set(SEQUENCES.map((sequence) => sequence.join(','))).size, SEQUENCES.length);
});

test('nextRevision agrees with the reference on every phase sequence up to length 5 (revisions from 1 and from 17)', (t) => {
  const disagreements: string[] = [];
  for (const phases of SEQUENCES) {
    for (const first of [1, 17]) {
      const undelivered = phases.map((phase, index) => ({ revision: first + index, phase }));
      const actual = nextRevision(undelivered);
      const expected = referenceNext(undelivered);
      if (actual !== expected) disagreements.push(`${phases.join(',')} from ${first}: expected ${expected}, got ${actual}`);
    }
  }
  t.deepEqual(disagreements, []);
});

test('examples: nextRevision', (t) => {
  t.is(nextRevision([]), undefined);
  t.is(nextRevision([{ revision: 4, phase: 'queued' }]), 4);
  t.is(
    nextRevision([
      { revision: 4, phase: 'queued' },
      { revision: 5, phase: 'queued' },
      { revision: 6, phase: 'running' },
    ]),
    5,
  );
  t.is(
    nextRevision([
      { revision: 4, phase: 'note' },
      { revision: 5, phase: 'queued' },
      { revision: 6, phase: 'queued' },
    ]),
    4,
  );
});

test('through the store, every phase sequence up to length 5 is delivered as the last body of each run of equal phases, in order', (t) => {
  const { store } = freshStore(t);
  const problems: string[] = [];
  SEQUENCES.forEach((phases, pull) => {
    for (const [index, phase] of phases.entries()) store.setCommentBody(REPO, pull, `pull ${pull} revision ${index + 1} ${phase}`, phase);
  });
  const delivered = new Map<number, number[]>();
  for (let round = 0; round <= 5; round++) {
    for (const owed of store.pendingComments()) {
      if (owed.body !== `pull ${owed.pull} revision ${owed.revision} ${SEQUENCES[owed.pull]![owed.revision - 1]}`)
        problems.push(`pull ${owed.pull}: body ${owed.body}`);
      delivered.set(owed.pull, [...(delivered.get(owed.pull) ?? []), owed.revision]);
      store.commentDelivered(REPO, owed.pull, owed.revision, 1000 + owed.pull);
    }
  }
  t.deepEqual(store.pendingComments(), []);
  SEQUENCES.forEach((phases, pull) => {
    const actual = delivered.get(pull) ?? [];
    const expected = referenceDeliveries(phases);
    if (actual.join(',') !== expected.join(','))
      problems.push(`${phases.join(',')}: expected ${expected.join(',')}, got ${actual.join(',')}`);
  });
  t.deepEqual(problems, []);
});

// ------------------------------------------------------------------------------------------ durability

function startWriter(dir: string, mode?: string) {
  const child = execa(process.execPath, ['--import', 'tsx', writerScript, dir, ...(mode === undefined ? [] : [mode])], { reject: false });
  const lines = createInterface({ input: child.stdout! });
  return { child, lines };
}

test('a request accepted before a kill -9 of its writer is there with its owed status', async (t) => {
  const dir = join(root, 'killed-writer');
  const { child, lines } = startWriter(dir);
  const first = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    void child.then((result) => reject(new Error(`writer ended early: ${result.stderr}`)));
  });
  t.is(first, 'written');
  child.kill('SIGKILL');
  const result = await child;
  t.is(result.signal, 'SIGKILL');
  const store = openDaemonStore(dir);
  t.teardown(() => store.close());
  t.like(store.request('req-1'), { state: 'queued', commentId: 1, sha: '1'.padStart(40, '0') });
  t.deepEqual(
    store.pendingStatuses().map(({ id, sha, description }) => ({ id, sha, description })),
    [{ id: 1, sha: '1'.padStart(40, '0'), description: 'queued: position 1' }],
  );
  t.deepEqual(
    store.commentsOfPull('coop-cloud/web', 42).map(({ id, decision }) => ({ id, decision })),
    [{ id: 1, decision: 'accepted' }],
  );
});

test('a kill -9 among many transactions leaves whole transactions only: every request with its status and its settled comment', async (t) => {
  const dir = join(root, 'killed-loop');
  const { child, lines } = startWriter(dir, 'loop');
  let acknowledged = 0;
  await new Promise<void>((resolve, reject) => {
    lines.on('line', (line) => {
      const match = /^accepted (\d+)$/.exec(line);
      if (match !== null) acknowledged = Number(match[1]);
      if (acknowledged >= 40) resolve();
    });
    void child.then((result) => reject(new Error(`writer ended early: ${result.stderr}`)));
  });
  child.kill('SIGKILL');
  t.is((await child).signal, 'SIGKILL');
  const store = openDaemonStore(dir);
  t.teardown(() => store.close());
  const requests = store.requestsIn('queued');
  const count = requests.length;
  t.true(count >= acknowledged, `${count} requests stored, ${acknowledged} acknowledged`);
  t.deepEqual(
    requests.map((request) => request.id),
    Array.from({ length: count }, (_, index) => `req-${index + 1}`),
  );
  t.deepEqual(
    store.pendingStatuses().map((owed) => owed.sha),
    requests.map((request) => request.sha),
  );
  const comments = store.commentsOfPull('coop-cloud/web', 42);
  t.deepEqual(
    comments.filter((comment) => comment.decision === 'accepted').map((comment) => comment.detail),
    requests.map((request) => request.id),
  );
  t.true(
    comments.filter((comment) => comment.decision === null).length <= 1,
    'at most the one comment claimed right before the kill is undecided',
  );
});
