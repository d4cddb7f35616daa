// cc-ci customization of the `needs-dep` test bed fixture: a dependency that never becomes ready.
import { defineMeta } from '../../../../src/recipes/schema.js';

export const meta = defineMeta({
  DEPS: ['crash-loop'],
});
