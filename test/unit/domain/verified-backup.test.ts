// verifiedBackup: BACKUP_VERIFY's retry rule: at most 3 backups, the first verified one stands, a
// throwing verifier or backup ends it at once.
import test from 'ava';
import { BACKUP_ATTEMPTS } from '../../../src/recipes/schema.js';
import { verifiedBackup, type BackupAttempt } from '../../../src/domain/verified-backup.js';

function steps(answers: readonly boolean[] | undefined) {
  const calls: string[] = [];
  let made = 0;
  return {
    calls,
    steps: {
      attempts: BACKUP_ATTEMPTS,
      backUp: async () => {
        made++;
        calls.push(`backup ${made}`);
        return `snap${made}`;
      },
      recorded: async (attempt: BackupAttempt) => {
        calls.push(`recorded ${attempt.attempt} ${attempt.snapshotId} [${attempt.snapshots.join(',')}]`);
      },
      verify:
        answers === undefined
          ? undefined
          : async (attempt: BackupAttempt) => {
              calls.push(`verify ${attempt.snapshotId}`);
              return answers[attempt.attempt - 1]!;
            },
      rejected: (attempt: BackupAttempt) => {
        calls.push(`rejected ${attempt.snapshotId}`);
      },
    },
  };
}

test('without BACKUP_VERIFY the first backup stands, unverified', async (t) => {
  const { calls, steps: given } = steps(undefined);
  t.deepEqual(await verifiedBackup(given), { snapshotId: 'snap1', attempt: 1, snapshots: ['snap1'], verified: false });
  t.deepEqual(calls, ['backup 1', 'recorded 1 snap1 [snap1]']);
});

test('a verified first backup stands', async (t) => {
  const { calls, steps: given } = steps([true]);
  t.deepEqual(await verifiedBackup(given), { snapshotId: 'snap1', attempt: 1, snapshots: ['snap1'], verified: true });
  t.deepEqual(calls, ['backup 1', 'recorded 1 snap1 [snap1]', 'verify snap1']);
});

test('false, false, true: the third backup stands and the two rejected ones were announced', async (t) => {
  const { calls, steps: given } = steps([false, false, true]);
  t.deepEqual(await verifiedBackup(given), { snapshotId: 'snap3', attempt: 3, snapshots: ['snap1', 'snap2', 'snap3'], verified: true });
  t.deepEqual(calls, [
    'backup 1',
    'recorded 1 snap1 [snap1]',
    'verify snap1',
    'rejected snap1',
    'backup 2',
    'recorded 2 snap2 [snap1,snap2]',
    'verify snap2',
    'rejected snap2',
    'backup 3',
    'recorded 3 snap3 [snap1,snap2,snap3]',
    'verify snap3',
  ]);
});

test('three false answers fail after exactly three backups, naming every snapshot', async (t) => {
  const { calls, steps: given } = steps([false, false, false, true]);
  const error = await t.throwsAsync(verifiedBackup(given));
  t.is(error?.message, 'BACKUP_VERIFY answered false for all 3 backups (snapshots snap1, snap2, snap3)');
  t.is(calls.filter((call) => call.startsWith('backup')).length, 3);
  t.is(calls.filter((call) => call.startsWith('rejected')).length, 2, 'the last rejection is the failure, not a retry');
});

test('a verifier that throws ends the op at once with its error', async (t) => {
  const { calls, steps: given } = steps([true]);
  const error = await t.throwsAsync(
    verifiedBackup({
      ...given,
      verify: async () => {
        throw new Error('cannot read the snapshot');
      },
    }),
  );
  t.is(error?.message, 'cannot read the snapshot');
  t.is(calls.filter((call) => call.startsWith('backup')).length, 1);
});

test('a failing backup is not retried', async (t) => {
  const { steps: given } = steps([false]);
  const error = await t.throwsAsync(
    verifiedBackup({
      ...given,
      backUp: async () => {
        throw new Error('no backupbot discovered');
      },
    }),
  );
  t.is(error?.message, 'no backupbot discovered');
});
