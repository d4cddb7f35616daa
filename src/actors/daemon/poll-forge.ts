// The primary trigger: a poll cycle at once, then one every pollIntervalSeconds (measured from the end
// of the last cycle, so cycles never overlap). A forge that does not answer costs a logged line.
import { pollOnce } from '../../daemon/poll.js';
import type { DaemonWorld } from './daemon-world.js';
import { repeating } from './repeat.js';

export function makePollForge(world: DaemonWorld) {
  const log = world.log.child({ component: 'poller' });
  return repeating(log, 'poll cycle', world.daemon.pollIntervalSeconds * 1000, async (signal) => {
    const cycle = await pollOnce(
      { store: world.store, forge: world.forge, admitter: world.admitter, repositories: world.enrolled, log },
      signal,
    );
    world.health.lastPoll = { at: new Date().toISOString(), ...cycle };
    if (cycle.failed.length > 0) log.warn(cycle, 'poll cycle: the forge did not answer for some repositories');
    else log.debug(cycle, 'poll cycle');
  });
}
