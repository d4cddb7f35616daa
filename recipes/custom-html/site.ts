// What the custom-html tree knows of the recipe, shared by ops.ts and the tests: where nginx serves
// from, and writing or removing a file there through the app's own container.
import { randomBytes } from 'node:crypto';

/**
 * The official nginx image's web root (its documentation: "static content" is served from
 * /usr/share/nginx/html), where the recipe mounts its backed-up content volume. An assumption about the
 * recipe (see README.md): the tests below fail loudly, naming this path, if nginx does not serve it.
 */
export const WEB_ROOT = '/usr/share/nginx/html';

/** Runs argv in a service of the app: ctx.exec in a hook, serviceExec from cc-ci/recipe in a test. */
export type Exec = (service: string, argv: readonly string[], options?: { readonly input?: string }) => Promise<unknown>;

export interface Marker {
  /** The URL path the file is served at. */
  readonly path: string;
  readonly content: string;
}

/** A fresh marker page: a name and bytes no other run or file has. */
export function newMarker(purpose: string): Marker {
  const id = randomBytes(6).toString('hex');
  return {
    path: `/ccci-${purpose}-${id}.html`,
    content: `<!doctype html><title>cc-ci ${purpose} marker</title><p>${randomBytes(16).toString('hex')}</p>\n`,
  };
}

/** Writes `content` to WEB_ROOT + path inside the app container (sh and cat are in both nginx image variants). */
export async function writeServed(exec: Exec, path: string, content: string): Promise<void> {
  await exec('app', ['sh', '-c', 'cat > "$1"', 'sh', `${WEB_ROOT}${path}`], { input: content });
}

export async function removeServed(exec: Exec, path: string): Promise<void> {
  await exec('app', ['rm', '-f', `${WEB_ROOT}${path}`]);
}
