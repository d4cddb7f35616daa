// The run machine's trace: every transition of the run's root machine is one line of its run log
// (debug level), so the run log — already followed live by the daemon — carries the machine view of
// the dashboard (/runs/<id>/machine) too. The state value is the machine's own (plain data).
import * as z from 'zod';

export const MACHINE_TRANSITION = 'machine transition';

export const MachineTransition = z.object({
  time: z.number().describe('pino time, ms since the epoch'),
  msg: z.literal(MACHINE_TRANSITION),
  machine: z.strictObject({
    event: z.string().describe('The event that caused the transition'),
    state: z.unknown().describe('The machine state value after it (a string, or an object of parallel and nested states)'),
  }),
});
export type MachineTransition = z.infer<typeof MachineTransition>;

/** The transition a run log line records, if it records one. */
export function transitionOf(line: string): MachineTransition | undefined {
  if (!line.includes(MACHINE_TRANSITION)) return undefined;
  try {
    const parsed = MachineTransition.safeParse(JSON.parse(line));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
