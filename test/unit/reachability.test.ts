// hopelessProbe over every convergence state and probe error: a dead stack ends the wait with its own
// reason; an unresolvable address ends it only once every service runs; anything else keeps waiting.
import test from 'ava';
import type { Convergence } from '../../src/domain/convergence.js';
import { hopelessProbe, UNREACHABLE_CODES } from '../../src/domain/reachability.js';

const URL = 'https://web-abcdef.ci.test/health';
const states: Convergence[] = [
  { state: 'converged' },
  { state: 'settling', detail: 's_app 0/1, latest task: Starting' },
  { state: 'dead', detail: 'service s_app cannot start' },
  { state: 'crash-looping', detail: 'service s_app has 3 failed tasks' },
  { state: 'never-healthy', detail: 'service s_app was stopped by swarm as unhealthy' },
  { state: 'rolled-back', detail: 'swarm rolled back the update of s_app' },
];
const errors = ['ENOTFOUND', 'ECONNREFUSED', 'ECONNRESET', 'UND_ERR_SOCKET', 'HTTP 502', 'no answer within 10000 ms'];

test('only ENOTFOUND is unreachable for good', (t) => {
  t.deepEqual([...UNREACHABLE_CODES], ['ENOTFOUND']);
});

for (const convergence of states) {
  for (const error of errors) {
    test(`${convergence.state} stack, probe ${error}`, (t) => {
      const verdict = hopelessProbe(convergence, error, URL);
      if (convergence.state !== 'converged' && convergence.state !== 'settling') {
        t.is(verdict, `${convergence.state}: ${convergence.detail}`);
      } else if (convergence.state === 'converged' && error === 'ENOTFOUND') {
        t.is(verdict, `${URL} cannot be reached (ENOTFOUND) although every service runs: the app publishes no host port and its domain does not resolve here; publish the app's port on the host in the CI overlay (compose.ccci.yml: ports: - target: <port>, mode: host)`);
      } else {
        t.is(verdict, undefined, 'waiting may still help');
      }
    });
  }
}
