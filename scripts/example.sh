#!/usr/bin/env bash
# The main job (npm run example): brings up the local test bed if needed, then one full CI run of
# the example recipe `web` at its pull-request head, printing stages, level, verdict and results.json.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-deps.sh
test/bed/testbed.sh up
bed="${CCCI_TESTBED_DIR:-/var/lib/ccci-testbed}"
exec bin/ccci run "$bed/recipes/web" --ref pr/1 --pr 1 --config "$bed/ccci.json" "$@"
