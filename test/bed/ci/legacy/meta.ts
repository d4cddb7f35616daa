// cc-ci customization of the `legacy` test bed fixture: readiness also needs the index page (HTTP) and
// 3 consecutive connects to the late `tcp` service (TCP), and a functional tier budget its only test
// overruns.
import { defineMeta } from 'cc-ci/recipe';

export const meta = defineMeta({
  READY_PROBE: [{ path: '/index.html' }, { port: 17000, stable: 3 }],
  TIMEOUTS: { functional: 5 },
});
