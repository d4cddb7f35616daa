// resolveUpgradeBase: each link of the chain in order, with the exact reason it gives.
import test from 'ava';
import { resolveUpgradeBase, UpgradeBase, type UpgradeBaseInput } from '../../../src/domain/upgrade-base.js';

const HEAD = 'a'.repeat(40);
const TIP = 'b'.repeat(40);

function input(overrides: Partial<UpgradeBaseInput> = {}): UpgradeBaseInput {
  return {
    upgradeExpectedNa: undefined,
    upgradeBaseVersion: undefined,
    headVersion: '1.3.0+2.0',
    headSha: HEAD,
    releaseTags: ['1.0.0+1.0', '1.2.0+2.0', '1.3.0+2.0'],
    targetTipSha: TIP,
    ...overrides,
  };
}

const resolves = test.macro({
  exec(t, overrides: Partial<UpgradeBaseInput>, expected: UpgradeBase) {
    const base = resolveUpgradeBase(input(overrides));
    t.deepEqual(base, expected);
    t.deepEqual(UpgradeBase.parse(base), expected);
  },
  title: (providedTitle = '', _overrides: Partial<UpgradeBaseInput>, expected: UpgradeBase) =>
    `${providedTitle} → ${expected.kind} ${expected.value ?? '(none)'}`,
});

test(
  'EXPECTED_NA upgrade wins over everything',
  resolves,
  { upgradeExpectedNa: 'stateless app', upgradeBaseVersion: '1.0.0+1.0' },
  {
    kind: 'skip',
    value: null,
    reason: 'upgrade declared in EXPECTED_NA: stateless app',
  },
);

test(
  'UPGRADE_BASE_VERSION wins over the release tags',
  resolves,
  { upgradeBaseVersion: '1.0.0+1.0' },
  {
    kind: 'version',
    value: '1.0.0+1.0',
    reason: 'UPGRADE_BASE_VERSION set in the recipe meta',
  },
);

test(
  'UPGRADE_BASE_VERSION is taken as given even if it is no tag',
  resolves,
  { upgradeBaseVersion: 'whatever', releaseTags: [] },
  {
    kind: 'version',
    value: 'whatever',
    reason: 'UPGRADE_BASE_VERSION set in the recipe meta',
  },
);

test(
  'the newest release strictly older than the head',
  resolves,
  {},
  {
    kind: 'version',
    value: '1.2.0+2.0',
    reason: "newest release older than the head's 1.3.0+2.0",
  },
);

test(
  'versions compare as numbers, not text: 1.10.0 is newer than 1.9.0',
  resolves,
  { headVersion: '1.11.0+1', releaseTags: ['1.9.0+1', '1.10.0+1', '1.2.0+1'] },
  {
    kind: 'version',
    value: '1.10.0+1',
    reason: "newest release older than the head's 1.11.0+1",
  },
);

test(
  'a release newer than the head is not a base',
  resolves,
  { headVersion: '1.9.0+1', releaseTags: ['1.10.0+1', '1.8.0+1'] },
  {
    kind: 'version',
    value: '1.8.0+1',
    reason: "newest release older than the head's 1.9.0+1",
  },
);

test(
  'v-prefixed tags parse and keep their text',
  resolves,
  { headVersion: '2.0.0+1', releaseTags: ['v1.0.0+1', 'v1.5.0+1'] },
  {
    kind: 'version',
    value: 'v1.5.0+1',
    reason: "newest release older than the head's 2.0.0+1",
  },
);

test(
  'tags that do not parse are ignored',
  resolves,
  { headVersion: '2.0.0+1', releaseTags: ['9.9.9-rc1', 'nightly', '1.0.0+1', 'v3'] },
  {
    kind: 'version',
    value: '1.0.0+1',
    reason: "newest release older than the head's 2.0.0+1",
  },
);

test(
  'an older upstream at the same recipe version is older',
  resolves,
  { headVersion: '1.2.0+2.0', releaseTags: ['1.2.0+1.9'] },
  {
    kind: 'version',
    value: '1.2.0+1.9',
    reason: "newest release older than the head's 1.2.0+2.0",
  },
);

test(
  'a release equal to the head is not older: the target tip is used',
  resolves,
  { headVersion: '1.0.0+1.0', releaseTags: ['1.0.0+1.0', '2.0.0+1.0'] },
  {
    kind: 'ref',
    value: TIP,
    reason: 'target branch tip (no older release than the head)',
  },
);

test(
  'no release tags at all: the target tip is used',
  resolves,
  { releaseTags: [] },
  {
    kind: 'ref',
    value: TIP,
    reason: 'target branch tip (no older release than the head)',
  },
);

test(
  'a head without a version falls to the target tip',
  resolves,
  { headVersion: undefined },
  {
    kind: 'ref',
    value: TIP,
    reason: 'target branch tip (no older release than the head)',
  },
);

test(
  'a head version that does not parse falls to the target tip',
  resolves,
  { headVersion: 'latest' },
  {
    kind: 'ref',
    value: TIP,
    reason: 'target branch tip (no older release than the head)',
  },
);

test(
  'no older release and the target tip is the head',
  resolves,
  { releaseTags: ['1.3.0+2.0'], targetTipSha: HEAD },
  {
    kind: 'skip',
    value: null,
    reason: 'no predecessor: no release older than 1.3.0+2.0 and the target branch tip is the head',
  },
);

test(
  'no older release and no known target tip',
  resolves,
  { releaseTags: [], targetTipSha: undefined },
  {
    kind: 'skip',
    value: null,
    reason: 'no predecessor: no release older than 1.3.0+2.0 and no target branch tip is known',
  },
);

test(
  'a head without a version whose tip is the head',
  resolves,
  { headVersion: undefined, targetTipSha: HEAD },
  {
    kind: 'skip',
    value: null,
    reason: 'no predecessor: the head declares no version and the target branch tip is the head',
  },
);
