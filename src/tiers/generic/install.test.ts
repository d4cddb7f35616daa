// Generic install assertions: converged, healthy, and the answer really comes from the app.
import { test } from 'node:test';
import { assertConverged, assertHealthy, assertNotCatchAll } from '../generic-assertions.js';
import { tierEnvironment } from '../tier-environment.js';

const tier = await tierEnvironment();

test('every service of the stack is converged', () => assertConverged(tier));
test(`${tier.context.healthPath} answers with an accepted status`, () => assertHealthy(tier));
test('a path that cannot exist is not answered like the health path', () => assertNotCatchAll(tier));
