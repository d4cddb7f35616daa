// cc-ci customization of the `seeded` test bed fixture: every hook-typed key, with values the
// overlays in tests/ can check.
import { defineMeta } from 'cc-ci/recipe';

export const meta = defineMeta({
  HEALTH_PATH: '/health.txt',
  HEALTH_OK: [200],
  // base 1.0.0 instead of the resolved 1.1.0 (the newest release older than the head)
  UPGRADE_BASE_VERSION: '1.0.0+1.35.0',
  EXTRA_ENV: (ctx) => ({ GREETING: `hello ${ctx.domain} (${ctx.op})` }),
  UPGRADE_EXTRA_ENV: { UPGRADE_NOTE: 'head deploy' },
  // rejects the first two backups, so the retry loop is exercised on every run
  BACKUP_VERIFY: async (ctx) => {
    const backup = (await ctx.opState.read()).backup as { attempt?: number } | undefined;
    return (backup?.attempt ?? 0) >= 3;
  },
  EXPECTED_NA: { functional: 'the seeded fixture has no functional tests of its own' },
  _NOTE: "underscore keys are the recipe's own and never validated",
});
