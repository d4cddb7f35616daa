// Who holds a domain lock: the owner record written next to the lock, read by waiting runs and the janitor.
import * as z from 'zod';

export const LockOwner = z.strictObject({
  runId: z.string(),
  pid: z.number().int(),
  host: z.string(),
  startedAt: z.string(),
  /** The run's directory (results.json goes there): the janitor records a dead run there. */
  runDir: z.string().optional(),
});
export type LockOwner = z.infer<typeof LockOwner>;

/** "run <id> (pid <pid> on <host>, since <when>)", or `unknown` when there is no readable record. */
export function describeOwner(owner: LockOwner | undefined, unknown = 'another run'): string {
  return owner === undefined ? unknown : `run ${owner.runId} (pid ${owner.pid} on ${owner.host}, since ${owner.startedAt})`;
}
