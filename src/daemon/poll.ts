// One poll cycle (the primary trigger, docs/daemon.md): per enrolled repository, one listing of the comments
// updated since its cursor (a repository-wide call, so an idle cycle costs one request per
// repository whatever the number of open pull requests). The first poll of a repository only marks
// what exists as seen: old comments never fire.
import type { Forge } from '../forge/forge.js';
import type { DaemonStore } from '../io/daemon-store.js';
import type { Logger } from '../io/log.js';
import type { Admitter, Enrolled } from './admit-comment.js';

export interface PollCycle {
  readonly repositories: number;
  readonly comments: number;
  /** Repositories the forge did not answer for, with why. */
  readonly failed: readonly string[];
  /** HTTP requests this cycle sent to the forge. */
  readonly requests: number;
  readonly ms: number;
}

export interface PollDeps {
  readonly store: DaemonStore;
  readonly forge: Forge;
  readonly admitter: Admitter;
  readonly repositories: readonly Enrolled[];
  readonly log: Logger;
}

function latest(values: readonly string[]): string | undefined {
  let best: string | undefined;
  for (const value of values) if (best === undefined || Date.parse(value) > Date.parse(best)) best = value;
  return best === undefined ? undefined : new Date(Date.parse(best)).toISOString();
}

async function pollRepository(deps: PollDeps, repo: string, signal: AbortSignal): Promise<number> {
  const cursor = deps.store.cursor(repo);
  if (cursor === undefined) {
    const existing = await deps.forge.listComments(repo, undefined, signal);
    const since = latest(existing.map((comment) => comment.updatedAt)) ?? null;
    deps.store.prime(
      repo,
      existing.map((comment) => comment.id),
      since,
      new Date().toISOString(),
    );
    deps.log.info({ repo, comments: existing.length, since }, 'first poll: existing comments marked seen');
    return existing.length;
  }
  // `since` is inclusive and has second precision: the newest comments come again and are already seen
  const comments = await deps.forge.listComments(repo, cursor.since ?? undefined, signal);
  for (const comment of comments) {
    if (signal.aborted) break;
    await deps.admitter.offer({
      id: comment.id,
      repo,
      pull: comment.pullNumber,
      author: comment.author,
      body: comment.body,
      createdAt: comment.createdAt,
      via: 'poll',
    });
  }
  const since = latest(comments.map((comment) => comment.updatedAt));
  if (since !== undefined) deps.store.advanceCursor(repo, since);
  return comments.length;
}

export async function pollOnce(deps: PollDeps, signal: AbortSignal): Promise<PollCycle> {
  const started = performance.now();
  const requestsBefore = deps.forge.requestCount;
  const failed: string[] = [];
  let comments = 0;
  for (const { repo } of deps.repositories) {
    if (signal.aborted) break;
    try {
      comments += await pollRepository(deps, repo, signal);
    } catch (error) {
      if (signal.aborted) break;
      failed.push(`${repo}: ${(error as Error).message}`);
    }
  }
  if (!signal.aborted) await deps.admitter.retryUndecided();
  return {
    repositories: deps.repositories.length,
    comments,
    failed,
    requests: deps.forge.requestCount - requestsBefore,
    ms: Math.round(performance.now() - started),
  };
}
