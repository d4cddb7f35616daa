// The facts of one run as they travel through the run machine: every stage's actor returns (or reports)
// its facts, the machine keeps them in its context, and results.json is built from that context
// alone. Plain, JSON-serialisable values: the code a run loads (hooks, overlays) is never among them.
import type { RungName } from './rungs.js';
import type { StageFailure } from './stage-failure.js';
import type { TeardownReport } from './teardown-report.js';
import type { UpgradeBase } from './upgrade-base.js';
import type { AbortReason, RecordedAbortReason } from './verdict.js';
import type { LintResult, TierName, TierResult } from './tier-result.js';

export type { LintResult, TierName, TierResult } from './tier-result.js';
export type { StageFailure } from './stage-failure.js';
export type { TeardownError, TeardownReport } from './teardown-report.js';

/** Who and what one run is: fixed before the machine starts (its input). */
export interface RunIdentity {
  readonly runId: string;
  readonly recipe: string;
  /** Path or git URL the recipe is cloned from. */
  readonly source: string;
  /** The ref asked for; null means the source's HEAD. */
  readonly ref: string | null;
  readonly pr: string | null;
  readonly domain: string;
  readonly stack: string;
  readonly deadlineAt: number;
}

/** A dependency (DEPS) of the recipe under test as prepare planned it: its own domain and checkout. */
export interface PlannedDependency {
  readonly recipe: string;
  readonly domain: string;
  readonly stack: string;
  /** Where it was cloned from. */
  readonly source: string;
  /** The run's checkout of it: <runDir>/abra/recipes/<recipe>. */
  readonly recipeDir: string;
  /** The release tag deployed, or null when the repository has none (its default branch is deployed). */
  readonly version: string | null;
}

/** What prepare learned about the recipe under test and its DEPS: what the later stages deploy and test. */
export interface PreparedFacts {
  readonly recipe: string;
  /** The run's own checkout: <runDir>/abra/recipes/<recipe>. */
  readonly recipeDir: string;
  readonly headSha: string;
  readonly headVersion: string | null;
  readonly base: UpgradeBase;
  readonly backupCapable: boolean;
  readonly backupCapableReason: string;
  readonly expectedNa: Readonly<Partial<Record<RungName, string>>>;
  readonly functionalTests: readonly string[];
  readonly manifest: Readonly<Record<string, unknown>>;
  /** DEPS in declaration order: deployed before the app, torn down after it in reverse. */
  readonly dependencies: readonly PlannedDependency[];
}

/** A dependency deployed for this run (docs/recipe-customization.md#dependencies-deps), as written to CCCI_DEPS_FILE and given as ctx.deps. */
export interface DependencyRecord {
  readonly recipe: string;
  readonly domain: string;
  readonly stack: string;
  /** Where cc-ci reaches the dependency (a loopback-published port on the test bed, else https://domain). */
  readonly baseUrl: string;
  /** The secrets `abra app new --secrets` generated for it, by secret name. */
  readonly secrets: Readonly<Record<string, string>>;
}

/** A dependency that did not become ready (CCCI_DEPS_SKIP_FILE): the functional rung fails on it. */
export interface UnreadyDependency {
  readonly recipe: string;
  readonly reason: string;
}

/** A marker file the backup op placed in a backed-up volume: the restore must bring it back. */
export interface BackupMarker {
  readonly volume: string;
  readonly file: string;
  readonly content: string;
}

/** What the backup op made: the restore takes it as its input. */
export interface BackupFacts {
  readonly markers: readonly BackupMarker[];
  /** The snapshot that stands (the last one made). */
  readonly snapshotId: string;
  readonly attempt: number;
  /** Every snapshot made, oldest first. */
  readonly snapshots: readonly string[];
  /** The attempt BACKUP_VERIFY accepted; null when the recipe has no BACKUP_VERIFY. */
  readonly verifiedOnAttempt: number | null;
}

/** What the screenshot stage made: the file in the run directory, or why there is none (it is best effort). */
export type ScreenshotFacts = { readonly file: string } | { readonly problem: string };

/** What a tier's actor returns: its result, and the facts its op made for the tiers after it. */
export interface TierOutcome {
  readonly result: TierResult;
  readonly backup?: BackupFacts;
}

/** What the rules (rungs, verdict, results.json) read of a run: the run machine's output, or what is known of a killed run. */
export interface RunRecord {
  readonly prepared: PreparedFacts | null;
  readonly failure: StageFailure | null;
  readonly tiers: readonly TierResult[];
  readonly lint: LintResult | null;
  readonly teardown: TeardownReport | null;
  readonly abortReason: RecordedAbortReason | null;
  /** The held domain lock was taken over: by whom (the app was left to the new owner). */
  readonly lockLost: string | null;
  /** The domain of each `abra app new` + first deploy attempted, in order (the deploy budget). */
  readonly deploys: readonly string[];
  readonly unreadyDependencies: readonly UnreadyDependency[];
  /** Null when the run never got to it (no ready base deploy). */
  readonly screenshot: ScreenshotFacts | null;
}

/** The run machine's context: the run's record so far, plus what only the machine needs. */
export interface RunFacts extends RunRecord {
  readonly identity: RunIdentity;
  /** When the run started (ISO 8601). */
  readonly startedAt: string;
  readonly abortReason: AbortReason | null;
  readonly lockHeld: boolean;
  /** Where the app answered once its base deploy was ready. */
  readonly baseUrl: string | null;
  readonly readyDependencies: readonly DependencyRecord[];
  readonly backup: BackupFacts | null;
  readonly abortsIgnored: number;
}

export const TIER_ORDER: readonly TierName[] = ['install', 'upgrade', 'backup', 'restore', 'functional'];
