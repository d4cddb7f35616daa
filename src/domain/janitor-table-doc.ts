// The janitor decision table of docs/concurrency.md, generated from `decideCandidate`: for each row,
// the facts that make it (checked against the function), the steps it takes (read off the function)
// and what the row means. test/unit/janitor-decision.test.ts fails on drift.
import {
  decideCandidate,
  everyCandidateFacts,
  isReachable,
  type CandidateFacts,
  type JanitorRow,
  type JanitorStep,
} from './janitor-decision.js';
import { replaceSection } from './generated-section.js';

export const CONCURRENCY_DOC = 'docs/concurrency.md';

/** What each row means and what the janitor does; the table's facts and steps come from the function. */
export const ROW_MEANING: Readonly<Record<JanitorRow, string>> = {
  'owner-gone':
    "the app is on the engine, it is this instance's (its services carry this instance's `ccci.instance` label, or this lock dir holds its owner record: a run that died before its first deploy was labelled), and nobody holds its lock (after a reboot the lock dir is empty: free at once). Reaped (`abra app undeploy`, `abra app remove`, then anything left removed directly) **while holding the lock**, so a new run for that domain waits until the reap is done; then released; a run whose pid is gone on this host is recorded as killed in its run directory",
  'other-instance':
    "the app's services carry another cc-ci instance's `ccci.instance` label (a second cc-ci with its own lock dir on this swarm): its locks are not in this lock dir, so nothing here says its run is over. Reported and left; that instance's janitor reaps it",
  'unowned-stack':
    "a stack of the per-run domain shape with no `ccci.instance` label (no services, or not deployed by cc-ci) and no owner record here: nothing says it is this instance's. Reported and left; if it is a leftover, remove it by hand (`docker stack rm`, then its volumes and secrets)",
  live: 'a run refreshes the lock: left alone; the detail says who holds it',
  'dead-owner-lock-fresh':
    'the owner ran on this host and its pid is gone (a SIGKILLed run), but its lock is still fresh: left; the detail says when it goes stale (mtime + 30 s), and the first pass after that reaps it. Never stolen early: a lock is the only proof a run is over',
  'possible-leaked-run':
    'the lock is refreshed, but its owner started over twice the deadline ago: warned as a possible leaked run, never stolen',
  'lock-record-without-app': 'an owner record whose lock is free, and no app: the record is removed while holding the lock',
  'gone-meanwhile': 'the record was listed, but by the probe its run had released it and nothing is left: nothing to do',
  'taken-while-acquiring': 'the lock was free at the probe, but another run or janitor took it first: left to that one',
  'replaced-while-acquiring':
    'after acquiring, the owner record is not ours (someone replaced the lock between our `mkdir` and our record): skipped, and the lock is dropped without removing what the other one wrote',
  'lock-unreadable': 'the lock path cannot be probed or taken (a symlink loop, a permission problem): skipped and logged',
  'lock-dir-missing':
    "the lock dir is missing or not writable, or it belongs to another swarm (its `swarm-id` is not this engine's): nothing is probed; logged; `ccci janitor` exits 3",
};

const STEP_ORDER: readonly JanitorStep[] = ['acquire', 'check-identity', 'reap', 'remove-record', 'leave', 'skip'];

/** One conjunction of facts: each named fact takes one of the listed values. */
export type FactPattern = { readonly [K in keyof CandidateFacts]?: readonly CandidateFacts[K][] };

/**
 * The facts that make each row, as alternatives of conjunctions. The test checks these against the
 * function: over every reachable combination, exactly one row's pattern matches, and it is the row
 * `decideCandidate` gives. So the table's "facts" column is the function's, not a paraphrase.
 */
export const ROW_FACTS: Readonly<Record<Exclude<JanitorRow, 'lock-dir-missing'>, readonly FactPattern[]>> = {
  'owner-gone': [
    {
      stack: ['present'],
      stackOwner: ['this-instance'],
      lock: ['free', 'stale'],
      acquire: ['not-tried', 'acquired'],
      identity: ['unchecked', 'ours'],
    },
    {
      stack: ['present'],
      stackOwner: ['unlabelled'],
      lock: ['free', 'stale'],
      owner: ['recorded'],
      acquire: ['not-tried', 'acquired'],
      identity: ['unchecked', 'ours'],
    },
  ],
  'other-instance': [{ stackOwner: ['other-instance'], lock: ['free', 'stale'] }],
  'unowned-stack': [{ stackOwner: ['unlabelled'], lock: ['free', 'stale'], owner: ['missing'] }],
  live: [{ lock: ['fresh'], age: ['within', 'unknown'], ownerProcess: ['alive', 'elsewhere', 'unknown'] }],
  'dead-owner-lock-fresh': [{ lock: ['fresh'], age: ['within'], ownerProcess: ['dead'] }],
  'possible-leaked-run': [{ lock: ['fresh'], age: ['over'] }],
  'lock-record-without-app': [
    {
      stack: ['absent'],
      lock: ['free', 'stale'],
      owner: ['recorded'],
      acquire: ['not-tried', 'acquired'],
      identity: ['unchecked', 'ours'],
    },
  ],
  'gone-meanwhile': [{ stack: ['absent'], lock: ['free', 'stale'], owner: ['missing'] }],
  'taken-while-acquiring': [{ lock: ['free', 'stale'], acquire: ['refused'] }],
  'replaced-while-acquiring': [{ lock: ['free', 'stale'], acquire: ['acquired'], identity: ['replaced'] }],
  'lock-unreadable': [{ lock: ['unreadable'] }, { lock: ['free', 'stale'], acquire: ['failed'] }],
};

export function matchesPattern(facts: CandidateFacts, pattern: FactPattern): boolean {
  return (Object.entries(pattern) as [keyof CandidateFacts, readonly string[]][]).every(([key, values]) => values.includes(facts[key]));
}

/** The steps a row takes over every reachable combination that leads to it, in the order they happen. */
export function stepsOfRow(row: JanitorRow): JanitorStep[] {
  const steps = new Set(
    everyCandidateFacts()
      .filter(isReachable)
      .map(decideCandidate)
      .filter((verdict) => verdict.row === row)
      .map((verdict) => verdict.step),
  );
  return STEP_ORDER.filter((step) => steps.has(step));
}

function patternText(pattern: FactPattern): string {
  return Object.entries(pattern)
    .map(([key, values]) => `${key} ${(values as string[]).map((value) => `\`${value}\``).join(' or ')}`)
    .join(', ');
}

export function janitorDecisionTable(): string {
  const lines = ['| row | facts | steps | meaning and action |', '|---|---|---|---|'];
  for (const [row, patterns] of Object.entries(ROW_FACTS) as [JanitorRow, readonly FactPattern[]][]) {
    lines.push(`| \`${row}\` | ${patterns.map(patternText).join('; or ')} | ${stepsOfRow(row).join(' → ')} | ${ROW_MEANING[row]} |`);
  }
  lines.push(`| \`lock-dir-missing\` | (the whole pass) | skip | ${ROW_MEANING['lock-dir-missing']} |`);
  return lines.join('\n');
}

export function renderJanitorSections(doc: string): string {
  return replaceSection(doc, 'janitor-table', janitorDecisionTable());
}
