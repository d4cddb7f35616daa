// Which version the single deploy starts from, so the upgrade tier has something to upgrade (docs/results.md: the upgrade rung).
import * as z from 'zod';
import { compareRecipeVersions, parseRecipeVersion, sortedReleaseTags } from './versions.js';

export const UpgradeBase = z.strictObject({
  kind: z.enum(['version', 'ref', 'skip']).describe('version: a release tag; ref: a commit; skip: deploy the head, no upgrade'),
  value: z.string().nullable().describe('The tag or commit deployed first; null for skip'),
  reason: z.string().describe('Why this base was chosen'),
});
export type UpgradeBase = z.infer<typeof UpgradeBase>;

export interface UpgradeBaseInput {
  /** The reason `upgrade` is declared in EXPECTED_NA, if it is. */
  readonly upgradeExpectedNa: string | undefined;
  readonly upgradeBaseVersion: string | undefined;
  /** The head's version label, if the head's compose declares one. */
  readonly headVersion: string | undefined;
  readonly headSha: string;
  readonly releaseTags: readonly string[];
  /** Tip of the target branch, if known. */
  readonly targetTipSha: string | undefined;
}

export function resolveUpgradeBase(input: UpgradeBaseInput): UpgradeBase {
  if (input.upgradeExpectedNa !== undefined) {
    return { kind: 'skip', value: null, reason: `upgrade declared in EXPECTED_NA: ${input.upgradeExpectedNa}` };
  }
  if (input.upgradeBaseVersion !== undefined) {
    return { kind: 'version', value: input.upgradeBaseVersion, reason: 'UPGRADE_BASE_VERSION set in the recipe meta' };
  }
  const head = input.headVersion === undefined ? undefined : parseRecipeVersion(input.headVersion);
  if (head !== undefined) {
    const older = sortedReleaseTags(input.releaseTags).filter((tag) => compareRecipeVersions(tag, head) < 0);
    const newest = older.at(-1);
    if (newest !== undefined) {
      return { kind: 'version', value: newest.text, reason: `newest release older than the head's ${head.text}` };
    }
  }
  if (input.targetTipSha !== undefined && input.targetTipSha !== input.headSha) {
    return { kind: 'ref', value: input.targetTipSha, reason: 'target branch tip (no older release than the head)' };
  }
  const why = head === undefined ? 'the head declares no version' : `no release older than ${head.text}`;
  const tip = input.targetTipSha === undefined ? 'no target branch tip is known' : 'the target branch tip is the head';
  return { kind: 'skip', value: null, reason: `no predecessor: ${why} and ${tip}` };
}
