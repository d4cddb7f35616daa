// The daemon's own state in one embedded SQLite database (better-sqlite3): what it has seen, what is
// queued and running, what it still owes the forge. Every state change is one transaction, and the
// database is written before anything leaves the process, so a `kill -9` at any moment loses nothing.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { CommitStatus, RepoName } from '../forge/forge.js';
import { RequestOutcome, type RequestOutcome as Outcome } from '../daemon/request.js';

const SCHEMA_VERSION = 1;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS cursors (
  repo TEXT PRIMARY KEY,
  since TEXT,
  primed_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS comments (
  id INTEGER PRIMARY KEY,
  repo TEXT NOT NULL,
  pull INTEGER,
  author TEXT NOT NULL,
  body TEXT NOT NULL,
  created_at TEXT NOT NULL,
  via TEXT NOT NULL,
  seen_at TEXT NOT NULL,
  decision TEXT,
  detail TEXT
);
CREATE INDEX IF NOT EXISTS comments_undecided ON comments (decision) WHERE decision IS NULL;
CREATE INDEX IF NOT EXISTS comments_by_pull ON comments (repo, pull);
CREATE TABLE IF NOT EXISTS requests (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  repo TEXT NOT NULL,
  recipe TEXT NOT NULL,
  pull INTEGER NOT NULL,
  sha TEXT NOT NULL,
  clone_url TEXT NOT NULL,
  requested_by TEXT NOT NULL,
  comment_id INTEGER,
  state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done')),
  attempts INTEGER NOT NULL DEFAULT 0,
  run_id TEXT,
  stage TEXT,
  queued_at TEXT NOT NULL,
  started_at TEXT,
  finished_at TEXT,
  outcome TEXT
);
CREATE INDEX IF NOT EXISTS requests_by_state ON requests (state, seq);
CREATE INDEX IF NOT EXISTS requests_by_pull ON requests (repo, pull, seq);
CREATE INDEX IF NOT EXISTS requests_by_recipe ON requests (recipe, state, seq);
CREATE TABLE IF NOT EXISTS attempts (
  run_id TEXT PRIMARY KEY,
  request_id TEXT NOT NULL REFERENCES requests (id),
  attempt INTEGER NOT NULL,
  started_at TEXT NOT NULL,
  ended_at TEXT,
  outcome TEXT
);
CREATE TABLE IF NOT EXISTS bot_comments (
  repo TEXT NOT NULL,
  pull INTEGER NOT NULL,
  comment_id INTEGER,
  body TEXT NOT NULL,
  revision INTEGER NOT NULL,
  delivered_revision INTEGER NOT NULL DEFAULT 0,
  failure TEXT,
  PRIMARY KEY (repo, pull)
);
CREATE TABLE IF NOT EXISTS comment_revisions (
  repo TEXT NOT NULL,
  pull INTEGER NOT NULL,
  revision INTEGER NOT NULL,
  phase TEXT NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY (repo, pull, revision)
);
CREATE TABLE IF NOT EXISTS status_outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  repo TEXT NOT NULL,
  sha TEXT NOT NULL,
  state TEXT NOT NULL,
  context TEXT NOT NULL,
  description TEXT NOT NULL,
  target_url TEXT NOT NULL,
  created_at TEXT NOT NULL,
  delivered_at TEXT,
  failure TEXT
);
CREATE INDEX IF NOT EXISTS status_outbox_pending ON status_outbox (id) WHERE delivered_at IS NULL AND failure IS NULL;
`;

export type CommentVia = 'poll' | 'webhook';

/** A comment the daemon has to judge once: poll and webhook both hand it in; the first claim wins. */
export interface CommentCandidate {
  readonly id: number;
  readonly repo: RepoName;
  readonly pull: number | null;
  readonly author: string;
  readonly body: string;
  readonly createdAt: string;
  readonly via: CommentVia;
}

export type CommentDecision =
  'old' | 'not-a-trigger' | 'not-a-pull-request' | 'denied' | 'pull-not-open' | 'quick' | 'accepted' | 'duplicate';

export interface StoredComment extends CommentCandidate {
  readonly seenAt: string;
  readonly decision: CommentDecision | null;
  readonly detail: string | null;
}

export interface NewRequest {
  readonly id: string;
  readonly repo: RepoName;
  readonly recipe: string;
  readonly pull: number;
  readonly sha: string;
  readonly cloneUrl: string;
  readonly requestedBy: string;
  readonly commentId: number | null;
}

export type RequestState = 'queued' | 'running' | 'done';

export interface StoredRequest extends NewRequest {
  readonly seq: number;
  readonly state: RequestState;
  readonly attempts: number;
  readonly runId: string | null;
  readonly stage: string | null;
  readonly queuedAt: string;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  readonly outcome: Outcome | null;
}

export interface StoredAttempt {
  readonly runId: string;
  readonly requestId: string;
  readonly attempt: number;
  readonly startedAt: string;
  readonly endedAt: string | null;
  readonly outcome: Outcome | null;
}

export interface PendingStatus extends CommitStatus {
  readonly id: number;
  readonly repo: RepoName;
  readonly sha: string;
}

export interface PendingComment {
  readonly repo: RepoName;
  readonly pull: number;
  readonly commentId: number | null;
  readonly body: string;
  readonly revision: number;
}

/** Which part of its life the comment shows: every phase a request goes through reaches the forge. */
export type CommentPhase = 'note' | 'queued' | 'running' | 'done';

/**
 * The revision to deliver next: the last of the oldest run of one phase. A forge that was down gets
 * queued → running → result in order, never each queue-position change in between.
 */
export function nextRevision(undelivered: readonly { readonly revision: number; readonly phase: CommentPhase }[]): number | undefined {
  for (let index = 0; index < undelivered.length; index++) {
    const next = undelivered[index + 1];
    if (next === undefined || next.phase !== undelivered[index]!.phase) return undelivered[index]!.revision;
  }
  return undefined;
}

export interface DaemonStore {
  readonly file: string;
  cursor(repo: RepoName): { since: string | null; primedAt: string } | undefined;
  /** The first poll of a repository: every existing comment is seen and never fires. */
  prime(repo: RepoName, commentIds: readonly number[], since: string | null, primedAt: string): void;
  advanceCursor(repo: RepoName, since: string): void;
  /** True for the first claim of a comment id (poll or webhook), false when it was seen before. */
  claimComment(candidate: CommentCandidate): boolean;
  settleComment(id: number, decision: CommentDecision, detail?: string): void;
  /** Claimed but not judged yet (the daemon stopped, or the forge failed while judging). */
  undecidedComments(): StoredComment[];
  commentsOfPull(repo: RepoName, pull: number): StoredComment[];
  /** The request is queued, its comment judged and its `pending` status owed: one transaction. */
  acceptRequest(request: NewRequest, status: CommitStatus): StoredRequest;
  /** A run of the request starts: one transaction with its `pending` (running) status. */
  startAttempt(requestId: string, runId: string, status: CommitStatus): StoredRequest;
  setStage(requestId: string, stage: string): void;
  /** A new status of a request whose state stays (scale-out: a worker took the dispatched run). */
  oweRequestStatus(requestId: string, status: CommitStatus): void;
  /** The request's run ended: outcome recorded, final status owed. */
  finishRequest(requestId: string, outcome: Outcome, status: CommitStatus): StoredRequest;
  /** A run cut off by a daemon restart: recorded on its attempt; the request waits again (or is done, when `final`). */
  interruptAttempt(requestId: string, outcome: Outcome, status: CommitStatus, requeue: boolean): StoredRequest;
  request(id: string): StoredRequest | undefined;
  requestByRunId(runId: string): StoredRequest | undefined;
  requestsIn(state: RequestState): StoredRequest[];
  requestsOfPull(repo: RepoName, pull: number): StoredRequest[];
  /** The newest finished requests, newest first. */
  recentRequests(limit: number): StoredRequest[];
  /** A recipe's newest request, whatever its state. */
  latestRequestOf(recipe: string): StoredRequest | undefined;
  /** A recipe's finished requests, newest first (older than `beforeSeq` when given), read lazily: stop early and the rest is never read. */
  finishedRequestsOf(recipe: string, beforeSeq?: number): Generator<StoredRequest>;
  attemptsOf(requestId: string): StoredAttempt[];
  /** Sets the wanted body of the pull request's bot comment; false when it is unchanged. */
  setCommentBody(repo: RepoName, pull: number, body: string, phase: CommentPhase): boolean;
  pendingComments(): PendingComment[];
  commentDelivered(repo: RepoName, pull: number, revision: number, commentId: number): void;
  /** The stored comment id is stale (deleted on the forge): find or create it again. */
  forgetBotComment(repo: RepoName, pull: number): void;
  /** The forge refused this body for good: it is skipped, the failure kept. */
  commentFailed(repo: RepoName, pull: number, revision: number, failure: string): void;
  pendingStatuses(): PendingStatus[];
  statusDelivered(id: number): void;
  statusFailed(id: number, failure: string): void;
  close(): void;
}

interface RequestRow {
  seq: number;
  id: string;
  repo: string;
  recipe: string;
  pull: number;
  sha: string;
  clone_url: string;
  requested_by: string;
  comment_id: number | null;
  state: RequestState;
  attempts: number;
  run_id: string | null;
  stage: string | null;
  queued_at: string;
  started_at: string | null;
  finished_at: string | null;
  outcome: string | null;
}

interface CommentRow {
  id: number;
  repo: string;
  pull: number | null;
  author: string;
  body: string;
  created_at: string;
  via: CommentVia;
  seen_at: string;
  decision: CommentDecision | null;
  detail: string | null;
}

function parseOutcome(text: string | null): Outcome | null {
  return text === null ? null : RequestOutcome.parse(JSON.parse(text));
}

function toRequest(row: RequestRow): StoredRequest {
  return {
    seq: row.seq,
    id: row.id,
    repo: row.repo,
    recipe: row.recipe,
    pull: row.pull,
    sha: row.sha,
    cloneUrl: row.clone_url,
    requestedBy: row.requested_by,
    commentId: row.comment_id,
    state: row.state,
    attempts: row.attempts,
    runId: row.run_id,
    stage: row.stage,
    queuedAt: row.queued_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    outcome: parseOutcome(row.outcome),
  };
}

function toComment(row: CommentRow): StoredComment {
  return {
    id: row.id,
    repo: row.repo,
    pull: row.pull,
    author: row.author,
    body: row.body,
    createdAt: row.created_at,
    via: row.via,
    seenAt: row.seen_at,
    decision: row.decision,
    detail: row.detail,
  };
}

export const DATABASE_FILE = 'daemon.sqlite';

export function openDaemonStore(stateDir: string, now: () => Date = () => new Date()): DaemonStore {
  mkdirSync(stateDir, { recursive: true });
  const file = join(stateDir, DATABASE_FILE);
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  // the version is checked before the schema is applied: a database of another version stays untouched
  const hasMeta = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").get() !== undefined;
  const version = hasMeta ? db.prepare<[], { value: string }>("SELECT value FROM meta WHERE key = 'schema'").get() : undefined;
  if (version !== undefined && Number(version.value) !== SCHEMA_VERSION) {
    db.close();
    throw new Error(`The daemon database ${file} has schema version ${version.value}; this cc-ci reads version ${SCHEMA_VERSION}`);
  }
  db.exec(SCHEMA);
  if (version === undefined) db.prepare("INSERT INTO meta (key, value) VALUES ('schema', ?)").run(String(SCHEMA_VERSION));
  const stamp = () => now().toISOString();

  const selectRequest = db.prepare<[string], RequestRow>('SELECT * FROM requests WHERE id = ?');
  const requestOrThrow = (id: string): StoredRequest => {
    const row = selectRequest.get(id);
    if (row === undefined) throw new Error(`no request ${id} in ${file}`);
    return toRequest(row);
  };
  const insertStatus = db.prepare(
    'INSERT INTO status_outbox (repo, sha, state, context, description, target_url, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const oweStatus = (repo: string, sha: string, status: CommitStatus) =>
    insertStatus.run(repo, sha, status.state, status.context, status.description, status.targetUrl, stamp());
  const settle = db.prepare('UPDATE comments SET decision = ?, detail = ? WHERE id = ?');

  const acceptRequest = db.transaction((request: NewRequest, status: CommitStatus) => {
    db.prepare(
      `INSERT INTO requests (id, repo, recipe, pull, sha, clone_url, requested_by, comment_id, state, queued_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'queued', ?)`,
    ).run(
      request.id,
      request.repo,
      request.recipe,
      request.pull,
      request.sha,
      request.cloneUrl,
      request.requestedBy,
      request.commentId,
      stamp(),
    );
    if (request.commentId !== null) settle.run('accepted', request.id, request.commentId);
    oweStatus(request.repo, request.sha, status);
    return requestOrThrow(request.id);
  });

  const startAttempt = db.transaction((requestId: string, runId: string, status: CommitStatus) => {
    const before = requestOrThrow(requestId);
    const at = stamp();
    db.prepare("UPDATE requests SET state = 'running', attempts = attempts + 1, run_id = ?, stage = NULL, started_at = ? WHERE id = ?").run(
      runId,
      at,
      requestId,
    );
    db.prepare('INSERT INTO attempts (run_id, request_id, attempt, started_at) VALUES (?, ?, ?, ?)').run(
      runId,
      requestId,
      before.attempts + 1,
      at,
    );
    oweStatus(before.repo, before.sha, status);
    return requestOrThrow(requestId);
  });

  const finishRequest = db.transaction((requestId: string, outcome: Outcome, status: CommitStatus) => {
    const before = requestOrThrow(requestId);
    const at = stamp();
    const text = JSON.stringify(RequestOutcome.parse(outcome));
    db.prepare("UPDATE requests SET state = 'done', finished_at = ?, outcome = ? WHERE id = ?").run(at, text, requestId);
    if (before.runId !== null) db.prepare('UPDATE attempts SET ended_at = ?, outcome = ? WHERE run_id = ?').run(at, text, before.runId);
    oweStatus(before.repo, before.sha, status);
    return requestOrThrow(requestId);
  });

  const interruptAttempt = db.transaction((requestId: string, outcome: Outcome, status: CommitStatus, requeue: boolean) => {
    const before = requestOrThrow(requestId);
    const at = stamp();
    const text = JSON.stringify(RequestOutcome.parse(outcome));
    if (before.runId !== null) db.prepare('UPDATE attempts SET ended_at = ?, outcome = ? WHERE run_id = ?').run(at, text, before.runId);
    if (requeue) db.prepare("UPDATE requests SET state = 'queued', stage = NULL WHERE id = ?").run(requestId);
    else db.prepare("UPDATE requests SET state = 'done', finished_at = ?, outcome = ? WHERE id = ?").run(at, text, requestId);
    oweStatus(before.repo, before.sha, status);
    return requestOrThrow(requestId);
  });

  const prime = db.transaction((repo: string, commentIds: readonly number[], since: string | null, primedAt: string) => {
    const mark = db.prepare(
      "INSERT OR IGNORE INTO comments (id, repo, pull, author, body, created_at, via, seen_at, decision) VALUES (?, ?, NULL, '', '', '', 'poll', ?, 'old')",
    );
    const at = stamp();
    for (const id of commentIds) mark.run(id, repo, at);
    db.prepare(
      'INSERT INTO cursors (repo, since, primed_at) VALUES (?, ?, ?) ON CONFLICT (repo) DO UPDATE SET since = excluded.since, primed_at = excluded.primed_at',
    ).run(repo, since, primedAt);
  });

  const setCommentBody = db.transaction((repo: string, pull: number, body: string, phase: CommentPhase) => {
    const current = db
      .prepare<[string, number], { body: string; revision: number }>('SELECT body, revision FROM bot_comments WHERE repo = ? AND pull = ?')
      .get(repo, pull);
    if (current?.body === body) return false;
    const revision = (current?.revision ?? 0) + 1;
    db.prepare(
      `INSERT INTO bot_comments (repo, pull, body, revision) VALUES (?, ?, ?, ?)
       ON CONFLICT (repo, pull) DO UPDATE SET body = excluded.body, revision = excluded.revision, failure = NULL`,
    ).run(repo, pull, body, revision);
    db.prepare('INSERT INTO comment_revisions (repo, pull, revision, phase, body) VALUES (?, ?, ?, ?, ?)').run(
      repo,
      pull,
      revision,
      phase,
      body,
    );
    return true;
  });

  const commentDelivered = db.transaction((repo: string, pull: number, revision: number, commentId: number) => {
    db.prepare('UPDATE bot_comments SET comment_id = ?, delivered_revision = MAX(delivered_revision, ?) WHERE repo = ? AND pull = ?').run(
      commentId,
      revision,
      repo,
      pull,
    );
    db.prepare('DELETE FROM comment_revisions WHERE repo = ? AND pull = ? AND revision <= ?').run(repo, pull, revision);
  });

  // a body the forge refuses is skipped (and kept as the failure); a newer body is tried again
  const commentFailed = db.transaction((repo: string, pull: number, revision: number, failure: string) => {
    db.prepare('UPDATE bot_comments SET failure = ?, delivered_revision = MAX(delivered_revision, ?) WHERE repo = ? AND pull = ?').run(
      failure,
      revision,
      repo,
      pull,
    );
    db.prepare('DELETE FROM comment_revisions WHERE repo = ? AND pull = ? AND revision <= ?').run(repo, pull, revision);
  });

  return {
    file,
    cursor(repo) {
      const row = db
        .prepare<[string], { since: string | null; primed_at: string }>('SELECT since, primed_at FROM cursors WHERE repo = ?')
        .get(repo);
      return row === undefined ? undefined : { since: row.since, primedAt: row.primed_at };
    },
    prime: (repo, commentIds, since, primedAt) => prime(repo, commentIds, since, primedAt),
    advanceCursor(repo, since) {
      db.prepare('UPDATE cursors SET since = ? WHERE repo = ? AND (since IS NULL OR since < ?)').run(since, repo, since);
    },
    claimComment(candidate) {
      const result = db
        .prepare('INSERT OR IGNORE INTO comments (id, repo, pull, author, body, created_at, via, seen_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
        .run(candidate.id, candidate.repo, candidate.pull, candidate.author, candidate.body, candidate.createdAt, candidate.via, stamp());
      return result.changes === 1;
    },
    settleComment(id, decision, detail) {
      settle.run(decision, detail ?? null, id);
    },
    undecidedComments() {
      return db.prepare<[], CommentRow>('SELECT * FROM comments WHERE decision IS NULL ORDER BY id').all().map(toComment);
    },
    commentsOfPull(repo, pull) {
      return db
        .prepare<[string, number], CommentRow>('SELECT * FROM comments WHERE repo = ? AND pull = ? ORDER BY id')
        .all(repo, pull)
        .map(toComment);
    },
    acceptRequest: (request, status) => acceptRequest(request, status),
    startAttempt: (requestId, runId, status) => startAttempt(requestId, runId, status),
    oweRequestStatus(requestId, status) {
      const request = requestOrThrow(requestId);
      oweStatus(request.repo, request.sha, status);
    },
    setStage(requestId, stage) {
      db.prepare('UPDATE requests SET stage = ? WHERE id = ?').run(stage, requestId);
    },
    finishRequest: (requestId, outcome, status) => finishRequest(requestId, outcome, status),
    interruptAttempt: (requestId, outcome, status, requeue) => interruptAttempt(requestId, outcome, status, requeue),
    request(id) {
      const row = selectRequest.get(id);
      return row === undefined ? undefined : toRequest(row);
    },
    requestByRunId(runId) {
      const row = db
        .prepare<[string], RequestRow>(
          'SELECT requests.* FROM requests JOIN attempts ON attempts.request_id = requests.id WHERE attempts.run_id = ?',
        )
        .get(runId);
      return row === undefined ? undefined : toRequest(row);
    },
    requestsIn(state) {
      return db.prepare<[string], RequestRow>('SELECT * FROM requests WHERE state = ? ORDER BY seq').all(state).map(toRequest);
    },
    requestsOfPull(repo, pull) {
      return db
        .prepare<[string, number], RequestRow>('SELECT * FROM requests WHERE repo = ? AND pull = ? ORDER BY seq')
        .all(repo, pull)
        .map(toRequest);
    },
    recentRequests(limit) {
      return db
        .prepare<[number], RequestRow>("SELECT * FROM requests WHERE state = 'done' ORDER BY seq DESC LIMIT ?")
        .all(limit)
        .map(toRequest);
    },
    latestRequestOf(recipe) {
      const row = db.prepare<[string], RequestRow>('SELECT * FROM requests WHERE recipe = ? ORDER BY seq DESC LIMIT 1').get(recipe);
      return row === undefined ? undefined : toRequest(row);
    },
    *finishedRequestsOf(recipe, beforeSeq = Number.MAX_SAFE_INTEGER) {
      const rows = db
        .prepare<[string, number], RequestRow>("SELECT * FROM requests WHERE recipe = ? AND state = 'done' AND seq < ? ORDER BY seq DESC")
        .iterate(recipe, beforeSeq);
      for (const row of rows) yield toRequest(row);
    },
    attemptsOf(requestId) {
      return db
        .prepare<
          [string],
          { run_id: string; request_id: string; attempt: number; started_at: string; ended_at: string | null; outcome: string | null }
        >('SELECT * FROM attempts WHERE request_id = ? ORDER BY attempt')
        .all(requestId)
        .map((row) => ({
          runId: row.run_id,
          requestId: row.request_id,
          attempt: row.attempt,
          startedAt: row.started_at,
          endedAt: row.ended_at,
          outcome: parseOutcome(row.outcome),
        }));
    },
    setCommentBody: (repo, pull, body, phase) => setCommentBody(repo, pull, body, phase),
    pendingComments() {
      const owing = db
        .prepare<[], { repo: string; pull: number; comment_id: number | null; delivered_revision: number }>(
          'SELECT repo, pull, comment_id, delivered_revision FROM bot_comments WHERE revision > delivered_revision ORDER BY repo, pull',
        )
        .all();
      const revisions = db.prepare<[string, number, number], { revision: number; phase: CommentPhase; body: string }>(
        'SELECT revision, phase, body FROM comment_revisions WHERE repo = ? AND pull = ? AND revision > ? ORDER BY revision',
      );
      return owing.flatMap((row) => {
        const undelivered = revisions.all(row.repo, row.pull, row.delivered_revision);
        const revision = nextRevision(undelivered);
        const chosen = undelivered.find((candidate) => candidate.revision === revision);
        return chosen === undefined
          ? []
          : [{ repo: row.repo, pull: row.pull, commentId: row.comment_id, body: chosen.body, revision: chosen.revision }];
      });
    },
    commentDelivered: (repo, pull, revision, commentId) => commentDelivered(repo, pull, revision, commentId),
    forgetBotComment(repo, pull) {
      db.prepare('UPDATE bot_comments SET comment_id = NULL WHERE repo = ? AND pull = ?').run(repo, pull);
    },
    commentFailed: (repo, pull, revision, failure) => commentFailed(repo, pull, revision, failure),
    pendingStatuses() {
      return db
        .prepare<
          [],
          { id: number; repo: string; sha: string; state: CommitStatus['state']; context: string; description: string; target_url: string }
        >(
          'SELECT id, repo, sha, state, context, description, target_url FROM status_outbox WHERE delivered_at IS NULL AND failure IS NULL ORDER BY id',
        )
        .all()
        .map((row) => ({
          id: row.id,
          repo: row.repo,
          sha: row.sha,
          state: row.state,
          context: row.context,
          description: row.description,
          targetUrl: row.target_url,
        }));
    },
    statusDelivered(id) {
      db.prepare('UPDATE status_outbox SET delivered_at = ? WHERE id = ?').run(stamp(), id);
    },
    statusFailed(id, failure) {
      db.prepare('UPDATE status_outbox SET failure = ? WHERE id = ?').run(failure, id);
    },
    close() {
      db.close();
    },
  };
}
