// Generic restore assertions: healthy again, and the data marker removed before the restore is back.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { assertConverged, assertHealthy } from '../generic-assertions.js';
import { tierEnvironment } from '../tier-environment.js';

const tier = await tierEnvironment();
const markers = (((await tier.opState()).backup ?? {}) as { markers?: { volume: string; file: string; content: string }[] }).markers ?? [];

test('every service of the stack is converged', () => assertConverged(tier));
test(`${tier.context.healthPath} answers with an accepted status`, () => assertHealthy(tier));
test(
  'the data markers of the backed-up volumes are restored',
  { skip: markers.length === 0 ? 'no backed-up volume is reachable from this host' : false },
  async () => {
    for (const marker of markers) {
      let content: string | undefined;
      try {
        content = await readFile(marker.file, 'utf8');
      } catch {
        content = undefined;
      }
      assert.equal(
        content,
        marker.content,
        `marker ${marker.file} in volume ${marker.volume} ${content === undefined ? 'is missing' : 'has other content'} after restore: the restore lost data`,
      );
    }
  },
);
