#!/usr/bin/env bash
# Installs dynalite (a DynamoDB-compatible server from npm) into the build's target folder for the
# integration tests. Each failure is explained in one line, since a newcomer meets it first.
set -euo pipefail
dest=${1:?usage: install-dynalite.sh <dir> <version>}
version=${2:?usage: install-dynalite.sh <dir> <version>}

if ! command -v node >/dev/null 2>&1; then
  echo "ERROR: Node.js 18 or later is needed to run the DynamoDB emulator (dynalite), but 'node' is not on PATH. Install Node.js 18+ and run the build again." >&2
  exit 1
fi
major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$major" -lt 18 ]; then
  echo "ERROR: Node.js 18 or later is needed to run the DynamoDB emulator (dynalite), but 'node' is $(node --version). Install Node.js 18+ and run the build again." >&2
  exit 1
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "ERROR: npm is needed to install the DynamoDB emulator (dynalite), but 'npm' is not on PATH. Install npm (it ships with Node.js) and run the build again." >&2
  exit 1
fi

pkg="$dest/node_modules/dynalite/package.json"
if [ -f "$pkg" ] && [ "$(node -p "require('$pkg').version")" = "$version" ]; then
  echo "dynalite $version already installed in $dest"
  exit 0
fi
mkdir -p "$dest"
if ! npm install --prefix "$dest" --no-audit --no-fund --no-save --loglevel=error "dynalite@$version" >"$dest/npm-install.log" 2>&1; then
  echo "ERROR: could not install dynalite@$version from the npm registry; see $dest/npm-install.log" >&2
  exit 1
fi
echo "dynalite $version installed in $dest"
