// Generic upgrade assertions: the deployed identity IS the head (never merely "it moved"), and healthy.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertConverged, assertHealthy } from '../generic-assertions.js';
import { tierEnvironment } from '../tier-environment.js';

const tier = await tierEnvironment();

test('the deployed chaos version is the head commit', async () => {
  const upgrade = (await tier.opState()).upgrade as { expectedChaosVersion?: string } | undefined;
  assert.ok(upgrade?.expectedChaosVersion, 'the upgrade op recorded no expected chaos version');
  const labels = await tier.docker.serviceLabels(tier.context.appService);
  const deployed = labels[`coop-cloud.${tier.context.stack}.chaos-version`];
  assert.equal(deployed, upgrade.expectedChaosVersion, `label coop-cloud.${tier.context.stack}.chaos-version is ${deployed ?? 'missing'}`);
});
test('every service of the stack is converged', () => assertConverged(tier));
test(`${tier.context.healthPath} answers with an accepted status`, () => assertHealthy(tier));
