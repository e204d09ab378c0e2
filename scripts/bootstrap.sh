#!/usr/bin/env bash
# Runs before `npm start`, `npm test` and the other npm scripts (package.json pre* scripts), so that
# the two README commands are all the set-up a fresh clone needs (Node.js >= 20.19 and npm):
#   1. installs node_modules with `npm ci` when it is missing or older than package-lock.json;
#   2. with the argument `tools` (npm test) or `bench`, makes sure the Debian tools are there
#      (scripts/ensure-tools.sh: apt-get when root, else the exact command to run).
# Plain bash on purpose: it runs before node_modules exists.
set -euo pipefail
cd "$(dirname "$0")/.."

required_node="20.19.0"
node_version="$(node -p 'process.versions.node' 2>/dev/null || true)"
if [ -z "$node_version" ]; then
  echo "error: Node.js >= $required_node is needed (node is not on PATH)" >&2
  exit 1
fi
if [ "$(printf '%s\n%s\n' "$required_node" "$node_version" | sort -V | head -n1)" != "$required_node" ]; then
  echo "error: Node.js >= $required_node is needed, this is $node_version" >&2
  exit 1
fi

# npm ci writes node_modules/.package-lock.json last; missing or older than the lock = stale.
stamp=node_modules/.package-lock.json
if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ]; then
  echo "bootstrap: installing node_modules (npm ci)" >&2
  npm ci --no-audit --no-fund --loglevel=error
  touch "$stamp"
fi

case "${1:-}" in
  tools) bash scripts/ensure-tools.sh ;;
  bench) bash scripts/ensure-tools.sh bench ;;
  '') ;;
  *) echo "error: scripts/bootstrap.sh: unknown argument '$1' (allowed: tools, bench)" >&2; exit 2 ;;
esac
