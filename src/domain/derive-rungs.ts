// The single place where tier outcomes, structural facts and EXPECTED_NA become the five rungs.
import type { Rung, RungName, Rungs, UnverCause } from './rungs.js';
import type { RunRecord, StageFailure, TierName, TierResult } from './run-types.js';

function unver(reason: string, cause: UnverCause): Rung {
  return { status: 'unver', reason, cause };
}

function causeOfFailure(failure: StageFailure): UnverCause {
  switch (failure.kind) {
    case 'timeout':
      return 'timeout';
    case 'harness':
      return 'harness';
    default:
      return 'infra';
  }
}

/** A rung that never got its tier: say why, in the terms of the verdict rules. */
function abortedText(record: RunRecord): string {
  // a killed run may have run the tier: only what it would have recorded is missing
  if (record.abortReason === 'killed') return 'unverified: the run was killed before it recorded this rung';
  // a lost lock names who holds the domain now
  const detail = record.abortReason === 'lock-lost' && record.lockLost !== null ? `: ${record.lockLost}` : '';
  return `not run: the run was aborted (${record.abortReason})${detail}`;
}

function notReached(record: RunRecord, tier: TierName): Rung {
  if (record.abortReason !== null) return unver(abortedText(record), 'aborted');
  if (record.failure !== null) {
    const { stage, message } = record.failure;
    if (record.failure.kind === 'recipe') return unver(`not run: ${stage} failed`, 'not-run');
    return unver(`not run: ${stage} failed: ${message}`, causeOfFailure(record.failure));
  }
  const install = record.tiers.find((candidate) => candidate.name === 'install');
  if (tier !== 'install' && install !== undefined && install.status !== 'pass') return unver('not run: install did not pass', 'not-run');
  const dead = record.tiers.find((candidate) => candidate.appDead === true);
  if (dead !== undefined) return unver(`not run: the ${dead.name} tier found the app dead`, 'not-run');
  return unver(`not run: the ${tier} tier did not run`, 'harness');
}

function fromTier(tier: TierResult): Rung {
  // a tier that could not vouch says why; one that does not say is cc-ci's own failure to record it
  if (tier.status === 'unver') return unver(tier.reason, tier.cause ?? 'harness');
  return { status: tier.status, reason: tier.reason };
}

/** EXPECTED_NA turns a not-applicable rung into an intentional skip; it never hides a failure. */
function applyExpectedNa(rung: Rung, declared: string | undefined): Rung {
  if (declared === undefined || rung.status === 'fail' || rung.status === 'pass') return rung;
  if (rung.status === 'unver' && rung.cause !== 'no-tests' && rung.cause !== 'not-run') return rung;
  return { status: 'skip', reason: `declared in EXPECTED_NA: ${declared}` };
}

function installRung(record: RunRecord): Rung {
  const tier = record.tiers.find((candidate) => candidate.name === 'install');
  if (tier !== undefined) return fromTier(tier);
  // the recipe's own files (prepare) or its deploy (deploy) are at fault: install is what failed
  if (record.failure?.kind === 'recipe' && (record.failure.stage === 'deploy' || record.failure.stage === 'prepare')) {
    return { status: 'fail', reason: `install failed: ${record.failure.message}` };
  }
  return notReached(record, 'install');
}

function upgradeRung(record: RunRecord): Rung {
  const base = record.prepared?.base;
  if (base?.kind === 'skip') return { status: 'skip', reason: base.reason };
  const tier = record.tiers.find((candidate) => candidate.name === 'upgrade');
  return tier === undefined ? notReached(record, 'upgrade') : fromTier(tier);
}

function backupRestoreRung(record: RunRecord): Rung {
  const prepared = record.prepared;
  if (prepared !== null && !prepared.backupCapable) return { status: 'skip', reason: prepared.backupCapableReason };
  const backup = record.tiers.find((candidate) => candidate.name === 'backup');
  const restore = record.tiers.find((candidate) => candidate.name === 'restore');
  if (backup === undefined) return notReached(record, 'backup');
  if (backup.status !== 'pass') return fromTier(backup);
  if (restore === undefined) return notReached(record, 'restore');
  if (restore.status !== 'pass') return fromTier(restore);
  return { status: 'pass', reason: `backup and restore passed (${backup.reason}; ${restore.reason})` };
}

function functionalRung(record: RunRecord): Rung {
  const tier = record.tiers.find((candidate) => candidate.name === 'functional');
  if (tier !== undefined) return fromTier(tier);
  if (record.prepared !== null && record.prepared.functionalTests.length === 0 && record.abortReason === null) {
    const install = record.tiers.find((candidate) => candidate.name === 'install');
    if (install?.status === 'pass') return unver('no functional tests', 'no-tests');
  }
  return notReached(record, 'functional');
}

function lintRung(record: RunRecord): Rung {
  const lint = record.lint;
  if (lint === null) {
    if (record.abortReason !== null) return unver(abortedText(record), 'aborted');
    return record.failure === null ? unver('lint did not run', 'harness') : unver(`not run: ${record.failure.stage} failed`, 'not-run');
  }
  if (lint.status === 'pass') return { status: 'pass', reason: lint.detail };
  if (lint.status === 'fail')
    return { status: 'fail', reason: lint.rulesFailed.length > 0 ? `rules failed: ${lint.rulesFailed.join(', ')}` : lint.detail };
  return unver(lint.detail, record.abortReason === null ? 'infra' : 'aborted');
}

export function deriveRungs(record: RunRecord): Rungs {
  const expectedNa = record.prepared?.expectedNa ?? {};
  const rungs: Record<RungName, Rung> = {
    install: installRung(record),
    upgrade: upgradeRung(record),
    backup_restore: backupRestoreRung(record),
    functional: functionalRung(record),
    lint: lintRung(record),
  };
  for (const name of ['upgrade', 'backup_restore', 'functional'] as const) rungs[name] = applyExpectedNa(rungs[name], expectedNa[name]);
  // a declared dependency that is not ready is red, whatever the functional tests did
  // (skipped, timed out, none at all, declared not applicable); only an abort leaves it unverified
  if (record.unreadyDependencies.length > 0 && record.abortReason === null) {
    const unready = record.unreadyDependencies.map(({ recipe, reason }) => `${recipe} (${reason})`);
    rungs.functional = { status: 'fail', reason: `dependencies not ready: ${unready.join('; ')}` };
  }
  return rungs;
}
