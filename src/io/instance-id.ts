// This cc-ci instance's id (src/domain/stack-owner.ts): this host and the real path of its lock dir.
import { realpathSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { instanceIdOf } from '../domain/stack-owner.js';

export function instanceId(lockDir: string): string {
  let path: string;
  try {
    path = realpathSync(lockDir);
  } catch {
    // not there yet: the janitor says so; the id is still the configured path's
    path = resolve(lockDir);
  }
  return instanceIdOf(hostname(), path);
}
