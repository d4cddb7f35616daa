// The record of a run that died without writing its own results.json (SIGKILL, out of memory, the
// host went down): the run leaves `state/run-start.json` at its start (src/domain/run-paths.ts), and
// the janitor that reaps the dead run's app writes its results.json from that, validated by the
// same schema as every other.
import * as z from 'zod';
import { describeOwner, type LockOwner } from '../domain/lock-owner.js';
import { buildResults } from './build-results.js';
import type { Results } from './schema.js';

/** What a run says about itself at its start, before anything can kill it. */
export const RunStart = z.strictObject({
  runId: z.string(),
  recipe: z.string(),
  ref: z.string().nullable().describe("The ref asked for; null for the source's HEAD"),
  pr: z.string().nullable(),
  domain: z.string(),
  startedAt: z.iso.datetime(),
});
export type RunStart = z.infer<typeof RunStart>;

export interface KilledRunFacts {
  readonly start: RunStart;
  /** The dead run's lock owner record, as the janitor found it. */
  readonly owner: LockOwner;
  /** Who reaped the app, as the detail names it (`the janitor pass <run id>`). */
  readonly reapedBy: string;
  readonly reapedAt: Date;
  /** What the reap could not remove. */
  readonly leftovers: readonly string[];
  /** The domains of the deploys the dead run had recorded (its CCCI_DEPLOYS_FILE). */
  readonly deploys: readonly string[];
  /** The run log's path relative to the run directory. */
  readonly logFile: string;
}

/** results.json of a killed run: verdict error (exit code 3, as for every abort nobody asked for), abort reason `killed`, every rung unverified. */
export function buildKilledResults(facts: KilledRunFacts): Results {
  const { start } = facts;
  const results = buildResults(
    {
      identity: { runId: start.runId, recipe: start.recipe, ref: start.ref, pr: start.pr, domain: start.domain },
      startedAt: start.startedAt,
      prepared: null,
      failure: null,
      tiers: [],
      lint: null,
      teardown: { ran: true, complete: true, leftovers: [...facts.leftovers], errors: [] },
      abortReason: 'killed',
      lockLost: null,
      deploys: facts.deploys,
      unreadyDependencies: [],
      screenshot: null,
    },
    // the dead run's secrets are not known here: nothing vouches for its artifacts
    { finishedAt: facts.reapedAt, logFile: facts.logFile, secretScan: { scanned: [], leaked: [] } },
  );
  const reaped = facts.leftovers.length === 0 ? 'its app was reaped' : `its app was reaped, leaving ${facts.leftovers.join(', ')}`;
  return {
    ...results,
    abortDetail: `${describeOwner(facts.owner)} died without finishing: its process was gone and its lock stale when ${facts.reapedBy} found it at ${facts.reapedAt.toISOString()}; ${reaped}`,
  };
}
