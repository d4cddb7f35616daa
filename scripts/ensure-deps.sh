#!/usr/bin/env bash
# Installs the npm dependencies from package-lock.json when they are missing or out of date.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v node >/dev/null || ! node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)'; then
  echo "cc-ci needs Node.js 20 or newer on PATH (found: $(node --version 2>/dev/null || echo none))" >&2
  exit 1
fi
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
