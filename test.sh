#!/usr/bin/env bash
# The project's test command: go test over every package, with the
# front-end test tools (axe-core, for the browser tests) installed first.
# Extra arguments go to go test, e.g. ./test.sh -run Browser -v
set -euo pipefail
cd "$(dirname "$0")"

if [ ! -f node_modules/axe-core/axe.min.js ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
	echo "== npm ci (axe-core for browser tests)"
	npm ci --no-audit --no-fund
fi

echo "== go test ./..."
exec go test -count=1 -timeout 40m ./... "$@"
