// cc-ci customization of the Co-op Cloud recipe drone (the Drone CI server, signing in through Gitea;
// README.md): gitea is deployed first, and its domain is the Gitea server drone is deployed with.
import { defineMeta } from 'cc-ci/recipe';
import { GITEA_DOMAIN_VARIABLE } from './wiring.js';

export const meta = defineMeta({
  DEPS: ['gitea'],
  EXTRA_ENV: (ctx): Record<string, string> => {
    const gitea = ctx.deps.gitea;
    // absent when gitea did not become ready: drone still deploys, and the functional tier fails on it
    return gitea === undefined ? {} : { [GITEA_DOMAIN_VARIABLE]: gitea.domain };
  },
  EXPECTED_NA: {
    backup_restore: 'the drone recipe declares no backupbot labels (the original cc-ci recorded its backup as a structural skip)',
  },
});
