// cc-ci customization of the `with-deps` test bed fixture: kv is deployed first, and its domain is
// wired into the app's env before the app's first deploy.
import { defineMeta } from 'cc-ci/recipe';

export const meta = defineMeta({
  DEPS: ['kv'],
  EXTRA_ENV: (ctx) => {
    const kv = ctx.deps.kv;
    if (kv === undefined) throw new Error('dependency kv is not ready');
    return { KV_DOMAIN: kv.domain };
  },
});
