// hopelessProbe over every convergence state, probe error and refusal streak: a dead stack ends the
// wait with its own reason; an unresolvable address ends it once every service runs; refusals end it
// only once every service runs and the app's healthcheck passed through enough of them; anything else
// keeps waiting.
import test from 'ava';
import type { Convergence } from '../../../src/domain/convergence.js';
import { hopelessProbe, REFUSALS_WHILE_HEALTHY, stackOnly, UNREACHABLE_CODES } from '../../../src/domain/reachability.js';

const URL = 'https://web-abcdef.ci.test/health';
const states: Convergence[] = [
  { state: 'converged' },
  { state: 'settling', detail: 's_app 0/1, latest task: Starting' },
  { state: 'dead', detail: 'service s_app cannot start' },
  { state: 'crash-looping', detail: 'service s_app has 3 failed tasks' },
  { state: 'never-healthy', detail: 'service s_app was stopped by swarm as unhealthy' },
  { state: 'rolled-back', detail: 'swarm rolled back the update of s_app' },
];
const errors = ['', 'ENOTFOUND', 'ECONNREFUSED', 'ECONNRESET', 'UND_ERR_SOCKET', 'HTTP 502', 'no answer within 10000 ms'];
const streaks = [0, 1, REFUSALS_WHILE_HEALTHY - 1, REFUSALS_WHILE_HEALTHY, REFUSALS_WHILE_HEALTHY + 4];

test('only ENOTFOUND is unreachable for good; three refusals while healthy make an address wrong', (t) => {
  t.deepEqual([...UNREACHABLE_CODES], ['ENOTFOUND']);
  t.is(REFUSALS_WHILE_HEALTHY, 3);
});

for (const convergence of states) {
  for (const probeError of errors) {
    for (const refusedWhileHealthy of streaks) {
      test(`${convergence.state} stack, probe ${probeError || 'answered'}, ${refusedWhileHealthy} refusals while healthy`, (t) => {
        const verdict = hopelessProbe({ convergence, probeError, url: URL, refusedWhileHealthy });
        if (convergence.state !== 'converged' && convergence.state !== 'settling') {
          t.is(verdict, `${convergence.state}: ${convergence.detail}`);
        } else if (convergence.state === 'converged' && probeError === 'ENOTFOUND') {
          t.is(
            verdict,
            `${URL} cannot be reached (ENOTFOUND) although every service runs: the app publishes no host port and its domain does not resolve here; publish the app's port on the host in the CI overlay (compose.ccci.yml: ports: - target: <port>, mode: host)`,
          );
        } else if (convergence.state === 'converged' && probeError === 'ECONNREFUSED' && refusedWhileHealthy >= REFUSALS_WHILE_HEALTHY) {
          t.is(
            verdict,
            `${URL} refused ${refusedWhileHealthy} connections in a row (ECONNREFUSED) while every service runs and the app's healthcheck passes: nothing listens behind that address; check that the CI overlay publishes the port the app listens on (compose.ccci.yml: ports: - target: <port the app listens on>, mode: host)`,
          );
        } else {
          t.is(verdict, undefined, 'waiting may still help');
        }
      });
    }
  }
}

test('a look at the stack alone ends the wait only for a stack that died', (t) => {
  for (const convergence of states) {
    const dead = convergence.state !== 'converged' && convergence.state !== 'settling';
    t.is(hopelessProbe(stackOnly(convergence)), dead ? `${convergence.state}: ${convergence.detail}` : undefined);
  }
});
