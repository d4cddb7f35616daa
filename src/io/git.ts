// git, through exec: clone, pin, inspect. Every method takes the repository directory explicitly.
import { runChecked, runCommand, type CommandOptions } from './exec.js';

export type GitOptions = Pick<CommandOptions, 'log' | 'signal'>;

export interface Git {
  /** Full clone (tags and forge pull-request heads included) of a path or URL into `directory`; `signal` stops it. */
  clone(source: string, directory: string, signal?: AbortSignal): Promise<void>;
  /** Resolves a ref (sha, tag, local or source branch) to a full commit sha; undefined when it does not exist. */
  resolve(directory: string, ref: string): Promise<string | undefined>;
  /** Forced checkout, detached: untracked overlays never block it. */
  checkout(directory: string, ref: string, signal?: AbortSignal): Promise<void>;
  tags(directory: string): Promise<string[]>;
  /** The remote's default branch tip (origin/HEAD), if it has one. */
  defaultBranchTip(directory: string): Promise<string | undefined>;
  /** Whether the working tree has changes, untracked files included. */
  isDirty(directory: string): Promise<boolean>;
  readFileAt(directory: string, ref: string, path: string): Promise<string | undefined>;
}

export function createGit(options: GitOptions): Git {
  // a call's own signal (the stage's) wins over the adapter's: an aborted stage's clone stops with it
  const git = (directory: string | undefined, commandArguments: string[], signal?: AbortSignal) =>
    runChecked(['git', ...(directory === undefined ? [] : ['-C', directory]), ...commandArguments], {
      ...options,
      signal: signal ?? options.signal,
    });
  const gitQuiet = (directory: string, ...commandArguments: string[]) => runCommand(['git', '-C', directory, ...commandArguments], options);
  return {
    async clone(source, directory, signal) {
      await git(undefined, ['clone', '--quiet', '--no-hardlinks', source, directory], signal);
      // a pull request from a fork has its head only under refs/pull/<n>/head of the target repository
      await git(
        directory,
        ['fetch', '--quiet', '--tags', 'origin', '+refs/heads/*:refs/remotes/origin/*', '+refs/pull/*/head:refs/remotes/origin/pull/*'],
        signal,
      );
    },
    async resolve(directory, ref) {
      // a branch of the source exists in the clone only as a remote-tracking ref
      for (const candidate of [ref, `refs/remotes/origin/${ref}`]) {
        const result = await gitQuiet(directory, 'rev-parse', '--verify', '--quiet', `${candidate}^{commit}`);
        if (!result.failed) return result.stdout.trim();
      }
      return undefined;
    },
    async checkout(directory, ref, signal) {
      await git(directory, ['-c', 'advice.detachedHead=false', 'checkout', '--quiet', '--force', '--detach', ref], signal);
    },
    async tags(directory) {
      const result = await git(directory, ['tag', '--list']);
      return result.stdout
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line !== '');
    },
    async defaultBranchTip(directory) {
      const head = await gitQuiet(directory, 'rev-parse', '--verify', '--quiet', 'refs/remotes/origin/HEAD^{commit}');
      return head.failed ? undefined : head.stdout.trim();
    },
    async isDirty(directory) {
      const result = await git(directory, ['status', '--porcelain']);
      return result.stdout.trim() !== '';
    },
    async readFileAt(directory, ref, path) {
      const result = await gitQuiet(directory, 'show', `${ref}:${path}`);
      return result.failed ? undefined : result.stdout;
    },
  };
}
