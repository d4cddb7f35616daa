// Recipe versions: `<major>.<minor>.<patch>+<upstream>`, ordered numerically, upstream only breaking ties.
import test from 'ava';
import { compareRecipeVersions, parseRecipeVersion, sortedReleaseTags, type RecipeVersion } from '../../../src/domain/versions.js';

const parses = test.macro({
  exec(t, text: string, expected: RecipeVersion | undefined) {
    t.deepEqual(parseRecipeVersion(text), expected);
  },
  title: (_providedTitle, text: string, expected: RecipeVersion | undefined) =>
    expected === undefined
      ? `"${text}" is not a version`
      : `"${text}" parses as ${expected.major}.${expected.minor}.${expected.patch} upstream "${expected.upstream}"`,
});

test(parses, '1.2.3+4.5.6', { major: 1, minor: 2, patch: 3, upstream: '4.5.6', text: '1.2.3+4.5.6' });
test(parses, '0.10.0', { major: 0, minor: 10, patch: 0, upstream: '', text: '0.10.0' });
test(parses, 'v2.0.1+latest-alpine', { major: 2, minor: 0, patch: 1, upstream: 'latest-alpine', text: 'v2.0.1+latest-alpine' });
test(parses, '  1.0.0+1  ', { major: 1, minor: 0, patch: 0, upstream: '1', text: '1.0.0+1' });
test(parses, '1.2', undefined);
test(parses, '1.2.3.4', undefined);
test(parses, 'release-1.2.3', undefined);
test(parses, 'V1.2.3', undefined);
test(parses, '1.2.3+', undefined);
test(parses, 'latest', undefined);
test(parses, '', undefined);

function version(text: string): RecipeVersion {
  const parsed = parseRecipeVersion(text);
  if (parsed === undefined) throw new Error(`test setup: ${text} does not parse`);
  return parsed;
}

const orders = test.macro({
  exec(t, lower: string, higher: string) {
    t.true(compareRecipeVersions(version(lower), version(higher)) < 0);
    t.true(compareRecipeVersions(version(higher), version(lower)) > 0);
  },
  title: (_providedTitle, lower: string, higher: string) => `${lower} sorts before ${higher}`,
});

test(orders, '1.9.0', '1.10.0');
test(orders, '1.0.9+1', '1.0.10+1');
test(orders, '9.9.9', '10.0.0');
test(orders, '1.2.3+99.0', '1.2.4+1.0');
test(orders, '1.2.3+1.9', '1.2.3+1.10');
test(orders, '1.2.3', '1.2.3+1.0');

test("the v prefix does not change a version's order", (t) => {
  t.is(compareRecipeVersions(version('v1.2.3+4'), version('1.2.3+4')), 0);
});

test('sortedReleaseTags keeps only versions, oldest first, compared as numbers', (t) => {
  const sorted = sortedReleaseTags(['1.10.0+2', 'nightly', '1.9.0+2', 'v1.9.1+2', '0.1.0', 'v1', '2.0.0+1']);
  t.deepEqual(
    sorted.map((tag) => tag.text),
    ['0.1.0', '1.9.0+2', 'v1.9.1+2', '1.10.0+2', '2.0.0+1'],
  );
});

test('sortedReleaseTags of no parsable tags is empty', (t) => {
  t.deepEqual(sortedReleaseTags(['main', 'latest', '']), []);
});
