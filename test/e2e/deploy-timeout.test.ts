// DEPLOY_TIMEOUT through the real load path against the real swarm: a service that can never be
// scheduled keeps "settling" until the recipe's own budget ends the wait with its name in the error.
import { StageFailureError } from '../../src/domain/stage-failure.js';
import test from 'ava';
import { execa } from 'execa';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { waitUntilConverged, watchStack } from '../../src/run/wait-until-ready.js';
import { createDocker } from '../../src/io/docker.js';
import { silentLogger } from '../../src/io/log.js';
import { loadCustomization } from '../../src/recipes/load-customization.js';

test("a recipe's DEPLOY_TIMEOUT bounds the wait for convergence", async (t) => {
  const customizationDir = await mkdtemp(join(tmpdir(), 'ccci-deploy-timeout-'));
  await mkdir(join(customizationDir, 'slowapp'));
  await writeFile(join(customizationDir, 'slowapp', 'meta.ts'), 'export const meta = { DEPLOY_TIMEOUT: 3 };\n');
  const { meta } = await loadCustomization({
    customizationDir,
    recipe: 'slowapp',
    allowlist: { file: null, recipes: new Set(), notes: [] },
  });

  const stack = `ccci_deploy_timeout_${process.pid}`;
  const service = `${stack}_app`;
  // a placement constraint no node meets: the task stays pending forever, no image is ever needed
  await execa('docker', [
    'service',
    'create',
    '--detach',
    '--name',
    service,
    '--label',
    `com.docker.stack.namespace=${stack}`,
    '--constraint',
    'node.labels.ccci-no-such-label==1',
    'ccci-testbed/busybox:1.35.0',
    'sleep',
    '600',
  ]);
  t.teardown(() => execa('docker', ['service', 'rm', service], { reject: false }).then(() => undefined));

  const error = await t.throwsAsync(
    waitUntilConverged(watchStack(createDocker({ log: silentLogger }), stack, new Set()), meta, AbortSignal.timeout(60_000)),
  );
  t.true(error instanceof StageFailureError);
  t.regex(error!.message, /^services did not converge within DEPLOY_TIMEOUT 3s: /);
  t.like((error as StageFailureError).failure, { stage: 'deploy', kind: 'recipe' });
});
