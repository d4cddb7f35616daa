// From a comment to a queued request: claimed once (poll and webhook share the claim), then judged —
// grammar, authorization (fail closed), the pull request still open, its head pinned — and handed to
// the queue. A comment the forge could not be asked about stays claimed-but-undecided and is judged
// again on the next poll cycle or start; nothing is decided on a guess.
import { randomBytes } from 'node:crypto';
import type { Forge, RepoName } from '../forge/forge.js';
import { ForgeError } from '../forge/forge.js';
import type { CommentCandidate, DaemonStore } from '../io/daemon-store.js';
import type { Logger } from '../io/log.js';
import type { Dispatcher } from './dispatcher.js';
import type { PullReports } from './pull-reports.js';
import { noteFor } from './report.js';
import { parseTrigger } from './trigger.js';

export interface Enrolled {
  readonly repo: RepoName;
  readonly recipe: string;
}

export interface AdmitterOptions {
  readonly store: DaemonStore;
  readonly forge: Forge;
  readonly dispatcher: Dispatcher;
  readonly reports: PullReports;
  readonly org: string;
  readonly allowlist: readonly string[];
  readonly enrolled: readonly Enrolled[];
  readonly log: Logger;
}

export interface Admitter {
  /** The enrolled repository of a forge `owner/name` (case-insensitive), if it is enrolled. */
  enrolledRepo(repo: string): Enrolled | undefined;
  /** A new comment from the poller or the webhook. Never throws. */
  offer(candidate: CommentCandidate): Promise<void>;
  /** Judges comments claimed earlier and never decided (the forge was down, or the daemon stopped). */
  retryUndecided(): Promise<void>;
}

type Authorization = { readonly ok: true; readonly why: string } | { readonly ok: false; readonly why: string };

export function makeRequestId(now: Date): string {
  return `req-${now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')}-${randomBytes(3).toString('hex')}`;
}

export function createAdmitter(options: AdmitterOptions): Admitter {
  const { store, forge, log } = options;
  const allowed = new Set(options.allowlist.map((login) => login.toLowerCase()));
  const byName = new Map(options.enrolled.map((entry) => [entry.repo.toLowerCase(), entry]));
  const enrolledRepo = (repo: string) => byName.get(repo.toLowerCase());

  async function authorize(author: string): Promise<Authorization> {
    if (allowed.has(author.toLowerCase())) return { ok: true, why: 'on the commenter allowlist' };
    const membership = await forge.checkMembership(options.org, author);
    return membership.member ? { ok: true, why: `member of ${options.org}` } : { ok: false, why: membership.reason };
  }

  async function judge(comment: CommentCandidate): Promise<void> {
    const where = { repo: comment.repo, pull: comment.pull, comment: comment.id, author: comment.author, via: comment.via };
    const trigger = parseTrigger(comment.body);
    if (trigger === undefined) {
      store.settleComment(comment.id, 'not-a-trigger');
      log.debug(where, 'comment is not a trigger');
      return;
    }
    const enrolled = enrolledRepo(comment.repo);
    if (comment.pull === null || enrolled === undefined) {
      store.settleComment(comment.id, 'not-a-pull-request');
      log.info(where, 'trigger ignored: not on a pull request of an enrolled repository');
      return;
    }
    log.info({ ...where, trigger: trigger.kind }, 'trigger seen');
    const authorization = await authorize(comment.author);
    if (!authorization.ok) {
      store.settleComment(comment.id, 'denied', authorization.why);
      log.warn({ ...where, why: authorization.why }, 'trigger denied');
      return;
    }
    log.info({ ...where, why: authorization.why }, 'trigger authorized');
    const pull = await forge.getPull(enrolled.repo, comment.pull);
    if (pull === undefined || pull.state !== 'open') {
      const why = pull === undefined ? 'no such pull request' : pull.merged ? 'the pull request is merged' : 'the pull request is closed';
      store.settleComment(comment.id, 'pull-not-open', why);
      log.info({ ...where, why }, 'trigger ignored');
      return;
    }
    if (trigger.kind === 'quick') {
      store.settleComment(comment.id, 'quick', noteFor('quick', undefined));
      log.info(where, 'quick trigger answered: not available yet');
      options.reports.refresh(enrolled.repo, pull.number, enrolled.recipe);
      return;
    }
    const admission = options.dispatcher.request({
      id: makeRequestId(new Date()),
      repo: enrolled.repo,
      recipe: enrolled.recipe,
      pull: pull.number,
      sha: pull.headSha,
      cloneUrl: pull.cloneUrl,
      requestedBy: comment.author,
      commentId: comment.id,
    });
    log.info(
      { ...where, sha: pull.headSha, admission },
      admission === 'accepted' ? 'trigger accepted, head pinned' : `trigger ${admission}`,
    );
  }

  // a comment is judged by one caller at a time: the poller's retry must not judge one the webhook is judging
  const judging = new Set<number>();
  async function judgeSafely(comment: CommentCandidate): Promise<void> {
    if (judging.has(comment.id)) return;
    judging.add(comment.id);
    try {
      await judge(comment);
    } catch (error) {
      const forgeDown = error instanceof ForgeError && error.retryable;
      log[forgeDown ? 'warn' : 'error'](
        { comment: comment.id, repo: comment.repo, err: error },
        'could not judge the comment now; it is judged again on the next poll',
      );
    } finally {
      judging.delete(comment.id);
    }
  }

  return {
    enrolledRepo,
    async offer(candidate) {
      if (!store.claimComment(candidate)) {
        log.debug({ comment: candidate.id, via: candidate.via }, 'comment already seen');
        return;
      }
      await judgeSafely(candidate);
    },
    async retryUndecided() {
      for (const comment of store.undecidedComments()) await judgeSafely(comment);
    },
  };
}
