// Keeps each pull request's bot comment in step with the store: whenever one of its requests changes,
// the comment is rendered again from stored facts and, when it changed, owed to the forge.
import type { DaemonStore, StoredRequest } from '../io/daemon-store.js';
import type { RepoName } from '../forge/forge.js';
import { renderPullComment, type CommentNote, type CommentRequest, type ReportLinks } from './report.js';

export interface PullReportsOptions {
  readonly store: DaemonStore;
  readonly links: ReportLinks;
  readonly limitMinutes: number;
  readonly redact: (text: string) => string;
  /** Called when a comment body changed: the deliverer has work. */
  readonly changed: () => void;
}

export interface PullReports {
  refresh(repo: RepoName, pull: number, recipe: string): void;
  /** Waiting positions as the queue last announced them (request id → 1-based position). */
  setPositions(positions: ReadonlyMap<string, number>): void;
  /** The place a request was accepted at, until the queue announces positions again. */
  notePosition(requestId: string, position: number): void;
  position(requestId: string): number | undefined;
}

function commentRequest(store: DaemonStore, request: StoredRequest): CommentRequest {
  const interruptions = store
    .attemptsOf(request.id)
    .flatMap((attempt) =>
      attempt.outcome?.kind === 'interrupted' && attempt.runId !== request.runId
        ? [{ runId: attempt.runId, detail: attempt.outcome.detail, by: attempt.outcome.by ?? 'daemon-restart' }]
        : [],
    );
  return {
    id: request.id,
    sha: request.sha,
    requestedBy: request.requestedBy,
    state: request.state,
    runId: request.runId,
    stage: request.stage,
    queuedAt: request.queuedAt,
    startedAt: request.startedAt,
    outcome: request.outcome,
    interruptions,
  };
}

export function createPullReports(options: PullReportsOptions): PullReports {
  let positions: ReadonlyMap<string, number> = new Map();
  const refresh = (repo: RepoName, pull: number, recipe: string) => {
    const requests = options.store.requestsOfPull(repo, pull);
    const current = requests.at(-1);
    const notes: CommentNote[] = options.store
      .commentsOfPull(repo, pull)
      .flatMap((comment) =>
        comment.decision === 'duplicate' || comment.decision === 'quick'
          ? [{ at: comment.seenAt, author: comment.author, kind: comment.decision, detail: comment.detail ?? '' }]
          : [],
      );
    if (current === undefined && notes.length === 0) return;
    const body = options.redact(
      renderPullComment({
        recipe,
        links: options.links,
        limitMinutes: options.limitMinutes,
        requests: requests.map((request) => commentRequest(options.store, request)),
        position: current?.state === 'queued' ? positions.get(current.id) : undefined,
        notes,
      }),
    );
    if (options.store.setCommentBody(repo, pull, body, current?.state ?? 'note')) options.changed();
  };
  return {
    refresh,
    setPositions(next) {
      const moved = [...next].filter(([id, position]) => positions.get(id) !== position).map(([id]) => id);
      positions = next;
      for (const id of moved) {
        const request = options.store.request(id);
        if (request !== undefined) refresh(request.repo, request.pull, request.recipe);
      }
    },
    notePosition(requestId, position) {
      positions = new Map([...positions, [requestId, position]]);
    },
    position: (requestId) => positions.get(requestId),
  };
}
