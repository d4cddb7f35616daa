#!/usr/bin/env bash
# install_steps.sh of the `seeded` fixture: runs after `abra app new` and before the first deploy.
# It shapes the env file (the app serves INSTALLED_BY at /installed-by.txt) and proves it got the
# env contract.
set -euo pipefail
: "${CCCI_RUN_ID:?}" "${CCCI_APP_DOMAIN:?}" "${CCCI_OP_STATE_FILE:?}" "${CCCI_DEPS_FILE:?}" "${ABRA_DIR:?}"
[ "$CCCI_OP" = install ] || { echo "CCCI_OP is $CCCI_OP, not install" >&2; exit 1; }
[ -f "$CCCI_APP_ENV_FILE" ] || { echo "no env file at $CCCI_APP_ENV_FILE" >&2; exit 1; }
[ "$PWD" = "$CCCI_RECIPE_DIR" ] || { echo "cwd $PWD is not the checkout $CCCI_RECIPE_DIR" >&2; exit 1; }
echo "INSTALLED_BY=install_steps.sh for $CCCI_APP_DOMAIN" >>"$CCCI_APP_ENV_FILE"
