// The resolve hook package-resolution.mjs registers (it runs on node's hooks thread): `cc-ci/recipe`
// becomes the running package's entry, resolved onwards through the rest of the chain (so tsx, when
// registered, still compiles it); any other name under cc-ci is an error naming the one entry point.

/** @type {{ specifier: string, entry: string }} */
let target;

/** @param {{ specifier: string, entry: string }} data */
export function initialize(data) {
  target = data;
}

/**
 * @param {string} specifier
 * @param {object} context
 * @param {(specifier: string, context: object) => Promise<object>} nextResolve
 */
export async function resolve(specifier, context, nextResolve) {
  if (specifier === target.specifier) return nextResolve(target.entry, context);
  if (specifier === 'cc-ci' || specifier.startsWith('cc-ci/')) {
    throw Object.assign(
      new Error(`${specifier} is not an entry point of cc-ci: a customization tree imports from '${target.specifier}' only`),
      {
        code: 'ERR_PACKAGE_PATH_NOT_EXPORTED',
      },
    );
  }
  return nextResolve(specifier, context);
}
