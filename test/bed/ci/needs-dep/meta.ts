// cc-ci customization of the `needs-dep` test bed fixture: a dependency that never becomes ready.
import { defineMeta } from 'cc-ci/recipe';

export const meta = defineMeta({
  DEPS: ['crash-loop'],
});
