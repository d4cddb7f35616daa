// Files cc-ci ships beside its code (bin/ccci, the tier reporter, the generic tier tests, the test bed),
// found from the package root: the same paths hold when the sources run under tsx and in the bundle in dist/.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findPackageRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}: cc-ci's files are not where its code is`);
  }
}

export const PACKAGE_ROOT = findPackageRoot(dirname(fileURLToPath(import.meta.url)));

/** A path inside the cc-ci package, relative to its root (for example `bin/ccci`). */
export function packageFile(relative: string): string {
  return join(PACKAGE_ROOT, relative);
}
