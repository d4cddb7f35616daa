// Whether a pid on this host names a live process. A zombie (exited, not yet reaped) is dead: where
// pid 1 does not reap orphans (a container without an init), a dead run stays a zombie for ever.
import { readFileSync } from 'node:fs';

/** The state letter of /proc/<pid>/stat (R, S, D, Z, …), or undefined without procfs. */
function procState(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the command name in parentheses may itself hold spaces and parentheses: the state follows the last ')'
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  } catch {
    return undefined;
  }
}

/** A pid another user owns reads as alive (EPERM): only ESRCH and zombies are dead. */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
  return procState(pid) !== 'Z';
}
