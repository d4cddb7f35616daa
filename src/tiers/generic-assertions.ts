// The generic floor's assertions, shared by the per-op generic test files.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { httpGet } from '../io/http.js';
import type { TierEnvironment } from './tier-environment.js';

export async function assertConverged(tier: TierEnvironment): Promise<void> {
  const services = await tier.docker.stackServices(tier.context.stack);
  assert.ok(services.length > 0, `no service of stack ${tier.context.stack} is deployed`);
  for (const service of services) {
    assert.equal(service.running, service.desired, `service ${service.name} runs ${service.running} of ${service.desired} replicas`);
  }
}

export async function assertHealthy(tier: TierEnvironment): Promise<void> {
  const { healthPath, healthOk } = tier.context;
  const answer = await httpGet(`${tier.env.CCCI_BASE_URL}${healthPath}`, { timeoutMs: 30_000 });
  assert.ok(healthOk.includes(answer.status), `${healthPath} answered ${answer.status}; accepted: ${healthOk.join(', ')}`);
}

/**
 * A 2xx for a path that cannot exist, with the very body the health path gave, means the health
 * answer proves nothing: a catch-all (a proxy fallback, a misrouted default page) would pass too.
 */
export async function assertNotCatchAll(tier: TierEnvironment): Promise<void> {
  const { healthPath } = tier.context;
  const health = await httpGet(`${tier.env.CCCI_BASE_URL}${healthPath}`, { timeoutMs: 30_000 });
  const probePath = `/ccci-no-such-path-${randomBytes(6).toString('hex')}`;
  const probe = await httpGet(`${tier.env.CCCI_BASE_URL}${probePath}`, { timeoutMs: 30_000 });
  const sameAnswer = probe.status >= 200 && probe.status < 300 && probe.bodySha256 === health.bodySha256;
  assert.ok(
    !sameAnswer,
    `${probePath} answered ${probe.status} with the same body as ${healthPath}: the app answers every path alike, so a healthy answer proves nothing (set HEALTH_PATH to a path only the working app serves)`,
  );
}
