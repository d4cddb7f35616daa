// Data that flows between the run machine's stages. Plain values: machines and actors both use them.
import type { RungName } from './rungs.js';
import type { UpgradeBase } from './upgrade-base.js';
import type { RecordedAbortReason } from './verdict.js';
import type { LintResult, TierName, TierResult } from './tier-result.js';

export type { LintResult, TierName, TierResult } from './tier-result.js';

/**
 * What the rules (rungs, results) read of what prepare learned; the full record with the recipe's
 * meta and customization is `PreparedRun` (src/recipes/prepared-run.ts), which extends this.
 */
export interface PreparedFacts {
  readonly headSha: string;
  readonly headVersion: string | null;
  readonly base: UpgradeBase;
  readonly backupCapable: boolean;
  readonly backupCapableReason: string;
  readonly expectedNa: Readonly<Partial<Record<RungName, string>>>;
  readonly functionalTests: readonly string[];
  readonly manifest: Readonly<Record<string, unknown>>;
}

/** A stage that failed outside the tiers: it decides the rungs that never ran. */
export interface StageFailure {
  readonly stage: 'prepare' | 'lock' | 'deploy';
  readonly message: string;
  /** recipe: the recipe is at fault (rung fails); otherwise the rung is unverified. */
  readonly kind: 'recipe' | 'bad-input' | 'infra' | 'timeout' | 'harness';
  /** The app's services are dead and will not run again: nothing later waits for them. */
  readonly appDead?: true;
  /** The commit tested, when the failure came after the checkout: lint still runs on it. */
  readonly headSha?: string;
}

export interface TeardownReport {
  readonly ran: boolean;
  readonly leftovers: readonly string[];
  readonly errors: readonly string[];
}

export interface RunRecord {
  readonly prepared: PreparedFacts | null;
  readonly failure: StageFailure | null;
  readonly tiers: readonly TierResult[];
  readonly lint: LintResult | null;
  readonly teardown: TeardownReport | null;
  readonly abortReason: RecordedAbortReason | null;
  /** The held domain lock was taken over: by whom (the app was left to the new owner). */
  readonly lockLost: string | null;
  readonly deploysRecorded: number;
  /** DEPS that did not become ready, as "<recipe> (<reason>)" (CCCI_DEPS_SKIP_FILE). */
  readonly unreadyDependencies: readonly string[];
}

export const TIER_ORDER: readonly TierName[] = ['install', 'upgrade', 'backup', 'restore', 'functional'];
