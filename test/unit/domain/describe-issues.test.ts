// describeIssues: one line per zod issue, naming the key and, for a typo, the nearest valid key.
import test from 'ava';
import * as z from 'zod';
import { describeIssues, nearestKey } from '../../../src/domain/describe-issues.js';

const Schema = z.strictObject({
  name: z.string(),
  retries: z.number().int().optional(),
  nested: z.strictObject({ timeoutSeconds: z.number(), mode: z.enum(['fast', 'slow']) }).optional(),
  list: z.array(z.strictObject({ path: z.string() })).default([]),
  map: z.record(z.string(), z.strictObject({ port: z.number() })).optional(),
});

function describe(value: unknown): string {
  const parsed = Schema.safeParse(value);
  if (parsed.success) throw new Error('test setup: expected the value to be invalid');
  return describeIssues(parsed.error, Schema);
}

const nearest = test.macro({
  exec(t, unknown: string, known: readonly string[], expected: string | undefined) {
    t.is(nearestKey(unknown, known), expected);
  },
  title: (_providedTitle, unknown: string, known: readonly string[], expected: string | undefined) =>
    `nearestKey of "${unknown}" among ${known.join(', ') || 'nothing'} is ${expected === undefined ? 'nothing' : `"${expected}"`}`,
});

test(nearest, 'HEALTHPATH', ['HEALTH_PATH', 'HEALTH_OK', 'DEPLOY_TIMEOUT'], 'HEALTH_PATH');
test(nearest, 'health_path', ['HEALTH_PATH', 'HEALTH_OK'], 'HEALTH_PATH');
test(nearest, 'runDir', ['runsDir', 'lockDir'], 'runsDir');
test(nearest, 'colour', ['color', 'size'], 'color');
test(nearest, 'zzzzzz', ['runsDir', 'lockDir'], undefined);
test(nearest, 'x', [], undefined);

test('a long key tolerates more edits (a quarter of its length)', (t) => {
  t.is(nearestKey('UPGRADEBASEVERSON', ['UPGRADE_BASE_VERSION']), 'UPGRADE_BASE_VERSION');
  t.is(nearestKey('abc', ['xyz']), undefined);
});

test('an unknown top-level key with a near miss gets a suggestion', (t) => {
  t.is(describe({ name: 'x', retrys: 1 }), '- unknown key "retrys"; did you mean "retries"?');
});

test('an unknown key with nothing near lists the valid keys instead', (t) => {
  t.is(
    describe({ name: 'x', completelyDifferent: 1 }),
    '- unknown key "completelyDifferent"; valid keys: name, retries, nested, list, map',
  );
});

test('several unknown keys give one line each', (t) => {
  t.is(
    describe({ nam: 'x', name: 'y', retriez: 2 }),
    '- unknown key "nam"; did you mean "name"?\n- unknown key "retriez"; did you mean "retries"?',
  );
});

test('an unknown key inside an optional nested object names the path and suggests from that object', (t) => {
  t.is(
    describe({ name: 'x', nested: { timeoutSecond: 1, mode: 'fast' } }),
    [
      '- Invalid input: expected number, received undefined at nested.timeoutSeconds',
      '- unknown key "timeoutSecond" at nested; did you mean "timeoutSeconds"?',
    ].join('\n'),
  );
});

test('an unknown key inside an array element suggests from the element schema', (t) => {
  t.is(describe({ name: 'x', list: [{ path: 'a' }, { path: 'b', pth: 'c' }] }), '- unknown key "pth" at list[1]; did you mean "path"?');
});

test('an unknown key inside a record value suggests from the value schema', (t) => {
  t.is(describe({ name: 'x', map: { web: { port: 80, prot: 1 } } }), '- unknown key "prot" at map.web; did you mean "port"?');
});

test('a wrong type names the key and the expected type', (t) => {
  t.is(describe({ name: 42 }), '- Invalid input: expected string, received number at name');
});

test('a missing key names the key', (t) => {
  t.is(describe({}), '- Invalid input: expected string, received undefined at name');
});

test('a bad enum value lists the options', (t) => {
  t.is(
    describe({ name: 'x', nested: { timeoutSeconds: 1, mode: 'medium' } }),
    '- Invalid option: expected one of "fast"|"slow" at nested.mode',
  );
});

test('an issue at the root has no location', (t) => {
  t.is(describe('not an object'), '- Invalid input: expected object, received string');
});
