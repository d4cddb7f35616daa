// Install overlay of `legacy`: READY_PROBE held before the tiers ran, so the late tcp service accepts
// a connection at the first try; the base deploy ran with the previous/ overlay.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { test } from 'node:test';

async function served(path: string): Promise<string> {
  const response = await fetch(`${process.env.CCCI_BASE_URL}${path}`, { signal: AbortSignal.timeout(10_000) });
  assert.equal(response.status, 200, `${path} answered ${response.status}`);
  return response.text();
}

test('the tcp service accepts a connection at once', async () => {
  await new Promise<void>((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port: 17000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
    socket.once('error', reject);
  });
});

test('the base deploy ran with the previous/ overlay', async () => {
  assert.equal(await served('/previous.txt'), 'applied');
});
