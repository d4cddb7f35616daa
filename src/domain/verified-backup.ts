// The backup op's retry rule (BACKUP_VERIFY, docs/recipe-customization.md#backup_verify): back up, ask the verifier, and back up again
// while it answers false, at most `attempts` times. Plain function over its two steps.

export interface BackupAttempt {
  readonly snapshotId: string;
  readonly attempt: number;
  /** Every snapshot made so far, oldest first. */
  readonly snapshots: readonly string[];
}

export interface VerifiedBackupSteps {
  /** At most this many backups (BACKUP_ATTEMPTS). */
  readonly attempts: number;
  /** One `abra app backup create`; returns the snapshot id. */
  backUp(): Promise<string>;
  /** Called after every backup (before verify), e.g. to record it in the op state. */
  recorded(attempt: BackupAttempt): Promise<void>;
  /** BACKUP_VERIFY; undefined when the recipe has none (the first backup stands). */
  verify: ((attempt: BackupAttempt) => Promise<boolean>) | undefined;
  /** Told about a rejected backup that will be redone. */
  rejected(attempt: BackupAttempt): void;
}

/** Resolves with the backup that stands; rejects when the verifier rejected every attempt. */
export async function verifiedBackup(steps: VerifiedBackupSteps): Promise<BackupAttempt & { readonly verified: boolean }> {
  const snapshots: string[] = [];
  for (let attempt = 1; attempt <= steps.attempts; attempt++) {
    const snapshotId = await steps.backUp();
    snapshots.push(snapshotId);
    const current = { snapshotId, attempt, snapshots: [...snapshots] };
    await steps.recorded(current);
    if (steps.verify === undefined) return { ...current, verified: false };
    if (await steps.verify(current)) return { ...current, verified: true };
    if (attempt < steps.attempts) steps.rejected(current);
  }
  throw new Error(`BACKUP_VERIFY answered false for all ${steps.attempts} backups (snapshots ${snapshots.join(', ')})`);
}
