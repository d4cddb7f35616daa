#!/usr/bin/env bash
# The test command (npm test): dependencies, the local test bed (docker, swarm, images, fixture
# recipes), the type check, the formatter check (prettier), then every ava suite. Ends with "N passed, N failed, N skipped".
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-deps.sh
test/bed/testbed.sh up
npx tsc --noEmit -p .
npx prettier --check --log-level warn .  # names each file that differs; npm run format fixes them
npx ava --tap "$@" | node scripts/tap-summary.mjs
