// The Gitea/Forgejo answers cc-ci reads, and the issue_comment webhook payload. Forge objects carry many
// more fields than these: the schemas pick what the daemon uses and drop the rest (non-strict objects).
// Shapes follow Gitea v1.26 modules/structs (issue_comment.go, pull.go, user.go, hook.go).
import * as z from 'zod';
import type { ForgeComment, ForgePull } from './forge.js';

/** Go's time.Time marshals as RFC 3339, with `Z` or an offset depending on the server's zone. */
const Timestamp = z.iso.datetime({ offset: true });

export const ApiUser = z.object({ login: z.string().min(1) });
export type ApiUser = z.infer<typeof ApiUser>;

/** Gitea's error body (`{"message": …, "errors": […]}`); every field optional, as some answers carry neither. */
export const ApiError = z.object({ message: z.string().optional(), errors: z.array(z.string()).nullish() });

export const ApiComment = z.object({
  id: z.number().int().positive(),
  body: z.string(),
  user: ApiUser,
  created_at: Timestamp,
  updated_at: Timestamp,
  /** Web URL of the pull request (`…/pulls/<n>`) for a comment on one, '' otherwise. */
  pull_request_url: z.string(),
  /** Web URL of the issue for a comment on a plain issue, '' for one on a pull request. */
  issue_url: z.string(),
});
export type ApiComment = z.infer<typeof ApiComment>;

const ApiBranch = z.object({ ref: z.string(), sha: z.string() });

export const ApiPull = z.object({
  number: z.number().int().positive(),
  state: z.enum(['open', 'closed']),
  merged: z.boolean(),
  head: ApiBranch,
  // the head's repo can be null (a deleted fork); the base repo is where the daemon fetches from
  base: ApiBranch.extend({ repo: z.object({ clone_url: z.string() }) }),
  html_url: z.string(),
});
export type ApiPull = z.infer<typeof ApiPull>;

/**
 * Body of a Gitea/Forgejo `issue_comment` delivery (X-Gitea-Event: issue_comment; X-Gitea-Event-Type says
 * issue_comment or pull_request_comment). A hook gets comments on pull requests only when subscribed to
 * `pull_request_comment` (or `pull_request`): `issue_comment` alone covers plain issues.
 */
export const IssueCommentEvent = z.object({
  action: z.enum(['created', 'edited', 'deleted']),
  issue: z.object({
    number: z.number().int().positive(),
    state: z.enum(['open', 'closed']),
    /** Present (merged, draft, …) when the issue is a pull request; null for a plain issue. */
    pull_request: z.object({}).nullable(),
  }),
  /** The API's comment object (pull_request_url included): `toForgeComment` reads it too. */
  comment: ApiComment,
  repository: z.object({ full_name: z.string(), clone_url: z.string() }),
  sender: ApiUser,
});
export type IssueCommentEvent = z.infer<typeof IssueCommentEvent>;

const PULL_URL = /\/pulls\/(\d+)$/;

export function toForgeComment(comment: ApiComment): ForgeComment {
  const pull = PULL_URL.exec(comment.pull_request_url);
  return {
    id: comment.id,
    body: comment.body,
    author: comment.user.login,
    createdAt: comment.created_at,
    updatedAt: comment.updated_at,
    pullNumber: pull === null ? null : Number(pull[1]),
  };
}

export function toForgePull(pull: ApiPull): ForgePull {
  return {
    number: pull.number,
    state: pull.state,
    merged: pull.merged,
    headSha: pull.head.sha,
    headRef: pull.head.ref,
    baseRef: pull.base.ref,
    cloneUrl: pull.base.repo.clone_url,
    htmlUrl: pull.html_url,
  };
}
