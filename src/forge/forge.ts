// What the daemon needs of a forge (Gitea or Forgejo): read comments and pull requests, check org
// membership, post commit statuses and one bot comment per pull request. `src/io/gitea.ts` is the live
// implementation; tests run it against the test bed's real Gitea.

/** `owner/name` of a repository on the forge. */
export type RepoName = string;

export interface ForgeComment {
  readonly id: number;
  readonly body: string;
  /** Login of the author. */
  readonly author: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** The pull request the comment is on; null for a comment on a plain issue. */
  readonly pullNumber: number | null;
}

export interface ForgePull {
  readonly number: number;
  readonly state: 'open' | 'closed';
  readonly merged: boolean;
  readonly headSha: string;
  readonly headRef: string;
  readonly baseRef: string;
  /** Clone URL of the repository the pull request targets (its head is fetchable there as refs/pull/<n>/head). */
  readonly cloneUrl: string;
  readonly htmlUrl: string;
}

/** 204 is the only answer that makes a member; everything else denies, and says why. */
export type Membership = { readonly member: true } | { readonly member: false; readonly reason: string };

export const COMMIT_STATES = ['pending', 'success', 'failure', 'error'] as const;
export type CommitState = (typeof COMMIT_STATES)[number];

export interface CommitStatus {
  readonly state: CommitState;
  readonly context: string;
  readonly description: string;
  readonly targetUrl: string;
}

export interface Forge {
  /** The login the token belongs to (the bot); also proves the token works. */
  whoami(signal?: AbortSignal): Promise<string>;
  /** Comments on the repository's issues and pull requests updated at or after `since` (RFC 3339), every page, oldest first. */
  listComments(repo: RepoName, since: string | undefined, signal?: AbortSignal): Promise<ForgeComment[]>;
  /** Comments of one pull request, every page, oldest first. */
  listPullComments(repo: RepoName, pull: number, signal?: AbortSignal): Promise<ForgeComment[]>;
  /** One pull request; undefined when the number is not a pull request of the repository (404). */
  getPull(repo: RepoName, pull: number, signal?: AbortSignal): Promise<ForgePull | undefined>;
  /** GET /orgs/{org}/members/{user}: fail closed — a 404, a redirect, a 5xx, a timeout all deny. Never throws. */
  checkMembership(org: string, user: string, signal?: AbortSignal): Promise<Membership>;
  setCommitStatus(repo: RepoName, sha: string, status: CommitStatus, signal?: AbortSignal): Promise<void>;
  createComment(repo: RepoName, pull: number, body: string, signal?: AbortSignal): Promise<ForgeComment>;
  /** Throws ForgeError with status 404 when the comment is gone (deleted by someone). */
  editComment(repo: RepoName, id: number, body: string, signal?: AbortSignal): Promise<void>;
  /** HTTP requests sent so far, retries included (for the benchmark and the poll-cycle log line). */
  readonly requestCount: number;
}

/** A forge call that did not succeed: names the call, never the token. */
export class ForgeError extends Error {
  readonly code = 'forge-error';
  constructor(
    message: string,
    /** HTTP status, or undefined when no answer came (network error, timeout). */
    readonly status: number | undefined,
    /** True when trying again later may succeed (no answer, 5xx, 429). */
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'ForgeError';
  }
}
