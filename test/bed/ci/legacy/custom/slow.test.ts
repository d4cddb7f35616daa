// Functional test of `legacy` that overruns TIMEOUTS.functional (5 s): the tier must end unverified (timeout).
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

test('a functional test slower than its tier budget', async () => {
  await sleep(60_000);
});
