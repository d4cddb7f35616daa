// Shared by the custom-html overlays: a marker page a hook recorded, and that nginx serves it as written.
import assert from 'node:assert/strict';
import { appRequest, hookValue } from 'cc-ci/recipe';
import { WEB_ROOT, type Marker } from '../site.js';

export async function recordedMarker(key: 'upgradeMarker' | 'backupMarker'): Promise<Marker> {
  const marker = await hookValue<Marker>(key);
  assert.ok(marker, `no ${key} in the op state: its hook did not run`);
  return marker;
}

export async function assertServed(marker: Marker): Promise<void> {
  const answer = await appRequest(marker.path);
  assert.equal(answer.status, 200, `${marker.path} answered ${answer.status}: the file written to ${WEB_ROOT}${marker.path} is not served`);
  assert.equal(answer.body, marker.content, `${marker.path} is served with other bytes than were written`);
  assert.match(answer.headers.get('content-type') ?? '', /^text\/html\b/, `${marker.path} is not served as text/html`);
}
