// Delivers what the store owes the forge: commit statuses in the order they were decided (so a
// later `pending` never lands after a result), then each pull request's bot comment at its newest
// body. The bot's comment is found by its hidden marker before one is created, so a retried create
// never makes a second comment. A forge that is down blocks the round; nothing is dropped.
import { ForgeError, type Forge } from '../forge/forge.js';
import type { DaemonStore } from '../io/daemon-store.js';
import type { Logger } from '../io/log.js';
import { COMMENT_MARKER } from './report.js';

export interface DeliveryDeps {
  readonly store: DaemonStore;
  readonly forge: Forge;
  /** The bot's login (asked once, then remembered). */
  readonly botLogin: () => Promise<string>;
  readonly log: Logger;
}

export interface DeliveryRound {
  readonly delivered: number;
  /** Set when the forge did not answer: the rest waits for the next round. */
  readonly blocked: ForgeError | undefined;
}

function retryable(error: unknown): error is ForgeError {
  return error instanceof ForgeError && error.retryable;
}

async function findBotComment(deps: DeliveryDeps, repo: string, pull: number, signal: AbortSignal): Promise<number | undefined> {
  const bot = await deps.botLogin();
  const comments = await deps.forge.listPullComments(repo, pull, signal);
  return comments.find((comment) => comment.author === bot && comment.body.includes(COMMENT_MARKER))?.id;
}

export async function deliverPending(deps: DeliveryDeps, signal: AbortSignal): Promise<DeliveryRound> {
  const { store, forge, log } = deps;
  let delivered = 0;
  try {
    for (const status of store.pendingStatuses()) {
      signal.throwIfAborted();
      try {
        await forge.setCommitStatus(status.repo, status.sha, status, signal);
        store.statusDelivered(status.id);
        delivered++;
        log.info({ repo: status.repo, sha: status.sha, state: status.state, description: status.description }, 'status reported');
      } catch (error) {
        if (retryable(error) || signal.aborted) throw error;
        store.statusFailed(status.id, (error as Error).message);
        log.error(
          { repo: status.repo, sha: status.sha, state: status.state, err: error },
          'the forge refused a commit status; it is not sent again',
        );
      }
    }
    for (const pending of store.pendingComments()) {
      signal.throwIfAborted();
      try {
        let commentId = pending.commentId ?? (await findBotComment(deps, pending.repo, pending.pull, signal));
        if (commentId !== undefined) {
          try {
            await forge.editComment(pending.repo, commentId, pending.body, signal);
          } catch (error) {
            if (!(error instanceof ForgeError && error.status === 404)) throw error;
            log.warn({ repo: pending.repo, pull: pending.pull, commentId }, 'the bot comment was deleted on the forge: posting it again');
            store.forgetBotComment(pending.repo, pending.pull);
            commentId = undefined;
          }
        }
        if (commentId === undefined) commentId = (await forge.createComment(pending.repo, pending.pull, pending.body, signal)).id;
        store.commentDelivered(pending.repo, pending.pull, pending.revision, commentId);
        delivered++;
        log.info({ repo: pending.repo, pull: pending.pull, commentId, revision: pending.revision }, 'comment reported');
      } catch (error) {
        if (retryable(error) || signal.aborted) throw error;
        store.commentFailed(pending.repo, pending.pull, pending.revision, (error as Error).message);
        log.error({ repo: pending.repo, pull: pending.pull, err: error }, 'the forge refused the bot comment; this body is not sent again');
      }
    }
    return { delivered, blocked: undefined };
  } catch (error) {
    if (retryable(error)) return { delivered, blocked: error };
    throw error;
  }
}

export function owed(store: DaemonStore): number {
  return store.pendingStatuses().length + store.pendingComments().length;
}
