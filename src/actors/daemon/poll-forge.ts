// The primary trigger: a poll cycle at once, then one every pollIntervalSeconds (measured from the end
// of the last cycle, so cycles never overlap). A forge that does not answer costs a logged line.
import { fromCallback } from 'xstate';
import { pollOnce } from '../../daemon/poll.js';
import type { DaemonEvent } from '../../machines/daemon.machine.js';
import type { DaemonWorld } from './daemon-world.js';
import { sleep } from './sleep.js';

export function makePollForge(world: DaemonWorld) {
  return fromCallback<DaemonEvent, undefined>(() => {
    const stop = new AbortController();
    const log = world.log.child({ component: 'poller' });
    void (async () => {
      while (!stop.signal.aborted) {
        try {
          const cycle = await pollOnce({ store: world.store, forge: world.forge, admitter: world.admitter, repositories: world.enrolled, log }, stop.signal);
          world.health.lastPoll = { at: new Date().toISOString(), ...cycle };
          if (cycle.failed.length > 0) log.warn(cycle, 'poll cycle: the forge did not answer for some repositories');
          else log.debug(cycle, 'poll cycle');
        } catch (error) {
          if (stop.signal.aborted) break;
          log.error({ err: error }, 'poll cycle failed');
        }
        await sleep(world.daemon.pollIntervalSeconds * 1000, stop.signal);
      }
    })();
    return () => stop.abort();
  });
}
