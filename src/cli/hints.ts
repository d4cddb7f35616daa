// Hints at the end of a run, where a maintainer would otherwise read the docs: why the level is not
// higher and what reaches the next one, that there was no older release to upgrade from, that the run
// waited on a lock. Pure: facts in, lines out.
import { RUNG_NAMES, type RungName } from '../domain/rungs.js';
import type { Results } from '../results/schema.js';

export interface HintFacts {
  readonly results: Results;
  /** How long the run waited for its domain lock, and who held it. */
  readonly lockWait?: { readonly ms: number; readonly holder: string | undefined };
}

const LEVEL_OF: Record<RungName, number> = { install: 1, upgrade: 2, backup_restore: 3, functional: 4, lint: 5 };

function treeOf(results: Results): string {
  const tree = results.customization.tree;
  return typeof tree === 'string' ? tree : `the customization tree of ${results.recipe}`;
}

/** What to do about the rung that holds the level down. */
function advice(results: Results, name: RungName): string | undefined {
  const rung = results.rungs[name];
  if (rung.status === 'unver' && rung.cause === 'no-tests') {
    return `add functional tests as ${treeOf(results)}/custom/*.test.ts (docs/recipe-customization.md) to reach L4 and L5`;
  }
  if (rung.status === 'unver' && rung.cause === 'aborted') {
    return `the run was stopped (${results.abortReason ?? 'aborted'}) before it got there; its verdict is error, which never lowers the recipe's published level`;
  }
  if (rung.status === 'unver' && rung.cause !== undefined && rung.cause !== 'not-run') {
    return "the run did not finish that rung (verdict error): an error never lowers the recipe's published level; run again";
  }
  if (name === 'lint' && rung.status === 'fail') {
    return `\`abra recipe lint ${results.recipe}\` lists the rules (${results.lint.rulesFailed.join(', ')}); fixing them reaches L5`;
  }
  if (name === 'install' && rung.status === 'fail')
    return "nothing above L0 can pass until the recipe installs; the failed stage line above says why (prepare when the recipe's own files are broken, else deploy or install), the run log says more";
  return undefined;
}

export function runHints(facts: HintFacts): string[] {
  const { results } = facts;
  const hints: string[] = [];
  if (results.exitCode === 2) return ['bad input: nothing was deployed; the failed stage above says what to fix'];
  const holdingDown = RUNG_NAMES.find((name) => results.rungs[name].status === 'fail' || results.rungs[name].status === 'unver');
  if (holdingDown !== undefined && results.level < 5) {
    const rung = results.rungs[holdingDown];
    const why = `level ${results.level}, not ${LEVEL_OF[holdingDown]}: ${holdingDown} ${rung.status === 'fail' ? 'failed' : 'is unverified'}`;
    const next = advice(results, holdingDown);
    hints.push(next === undefined ? why : `${why}; ${next}`);
  }
  if (
    results.baseVersion?.kind === 'skip' &&
    results.rungs.upgrade.status === 'skip' &&
    !results.rungs.upgrade.reason.startsWith('declared in EXPECTED_NA')
  ) {
    hints.push(
      'no older release to upgrade from: the upgrade was not tested; tag a release older than the head or set UPGRADE_BASE_VERSION',
    );
  }
  if (results.deploys.actual !== results.deploys.expected && results.abortReason === null && results.exitCode !== 2) {
    hints.push(
      `deploys ${results.deploys.actual}/${results.deploys.expected}: a run deploys once, plus once per dependency; the budget was broken`,
    );
  }
  if (facts.lockWait !== undefined && facts.lockWait.ms >= 1000) {
    hints.push(
      `waited ${Math.round(facts.lockWait.ms / 1000)} s for the domain lock${facts.lockWait.holder === undefined ? '' : `, held by ${facts.lockWait.holder}`}`,
    );
  }
  return hints;
}
