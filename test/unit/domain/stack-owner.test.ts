// Whose a stack is, from its services' labels; the instance id from host and lock dir.
import test from 'ava';
import { instanceIdOf, OWNER_LABELS, ownerLabels, stackOwnerOf } from '../../../src/domain/stack-owner.js';

const mine = ownerLabels({ instance: 'aaaaaaaaaaaa', runId: 'r1', host: 'ci1' });
const theirs = ownerLabels({ instance: 'bbbbbbbbbbbb', runId: 'r2', host: 'ci1' });

test('the labels a run puts on its services name the instance, the run and the host', (t) => {
  t.deepEqual(mine, { 'ccci.instance': 'aaaaaaaaaaaa', 'ccci.run-id': 'r1', 'ccci.host': 'ci1' });
  t.deepEqual(Object.values(OWNER_LABELS), Object.keys(mine));
});

test("a stack whose services carry this instance's label is this instance's", (t) => {
  t.deepEqual(stackOwnerOf([mine, { other: 'x' }], 'aaaaaaaaaaaa'), {
    stackOwner: 'this-instance',
    labels: { instance: 'aaaaaaaaaaaa', runId: 'r1', host: 'ci1' },
  });
});

test("one service labelled by another instance makes the whole stack another's", (t) => {
  t.deepEqual(stackOwnerOf([theirs], 'aaaaaaaaaaaa'), {
    stackOwner: 'other-instance',
    labels: { instance: 'bbbbbbbbbbbb', runId: 'r2', host: 'ci1' },
  });
  t.is(stackOwnerOf([mine, theirs], 'aaaaaaaaaaaa').stackOwner, 'other-instance');
});

test('no services, or none with an instance label, is unlabelled', (t) => {
  t.deepEqual(stackOwnerOf([], 'aaaaaaaaaaaa'), { stackOwner: 'unlabelled' });
  t.deepEqual(stackOwnerOf([{ 'com.docker.stack.namespace': 's' }], 'aaaaaaaaaaaa'), { stackOwner: 'unlabelled' });
});

test('the instance id is stable for one host and lock dir, and differs for another lock dir or host', (t) => {
  const id = instanceIdOf('ci1', '/run/lock/cc-ci');
  t.regex(id, /^[0-9a-f]{12}$/);
  t.is(instanceIdOf('ci1', '/run/lock/cc-ci'), id);
  t.not(instanceIdOf('ci1', '/run/lock/cc-ci-2'), id);
  t.not(instanceIdOf('ci2', '/run/lock/cc-ci'), id);
});
