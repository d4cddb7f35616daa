// Makes `cc-ci/recipe` resolve, in this process, to the cc-ci package that is running, for any importer
// anywhere on disk: a customization tree in /etc/cc-ci/recipes has no node_modules with cc-ci in it.
// ES modules through a resolve hook (node:module register), CommonJS (a tree without a package.json of
// "type": "module" above it is compiled by tsx as CommonJS) through Module._resolveFilename.
// Imported by the customization loader before it imports a tree, and given to the tier test runner with
// --import. Plain JavaScript: the runner loads it before, or without, any TypeScript loader.
import Module, { register } from 'node:module';
import { fileURLToPath } from 'node:url';

/** The package's one public entry point, and its file in this package. */
export const PUBLIC_SPECIFIER = 'cc-ci/recipe';
export const PUBLIC_ENTRY = new URL('../recipe.ts', import.meta.url).href;

/** The one message for any other name under cc-ci (deep imports into the sources are not an interface). */
export function notExported(specifier) {
  return `${specifier} is not an entry point of cc-ci: a customization tree imports from '${PUBLIC_SPECIFIER}' only`;
}

const INSTALLED = Symbol.for('cc-ci.package-resolution');

if (globalThis[INSTALLED] === undefined) {
  globalThis[INSTALLED] = PUBLIC_ENTRY;
  register(new URL('./package-resolution-hooks.mjs', import.meta.url), { data: { specifier: PUBLIC_SPECIFIER, entry: PUBLIC_ENTRY } });
  const entryPath = fileURLToPath(PUBLIC_ENTRY);
  const resolveFilename = Module._resolveFilename;
  Module._resolveFilename = function resolveCcCi(request, ...rest) {
    if (request === PUBLIC_SPECIFIER) return entryPath;
    if (request === 'cc-ci' || request.startsWith('cc-ci/')) {
      throw Object.assign(new Error(notExported(request)), { code: 'ERR_PACKAGE_PATH_NOT_EXPORTED' });
    }
    return resolveFilename.call(this, request, ...rest);
  };
}
