// cc-ci customization of the Co-op Cloud recipe custom-html (nginx serving a static site; README.md).
import { defineMeta } from 'cc-ci/recipe';

export const meta = defineMeta({
  // nginx answers / with the index page of the content volume (the image's "Welcome to nginx!" page on
  // a fresh volume): a redirect or anything else there is not the site being served
  HEALTH_OK: [200],
});
