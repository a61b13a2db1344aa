#!/usr/bin/env bash
# Installs an emulator that the integration tests run on Node.js (kinesis-mock, dynalite) from npm
# into the build's target folder. Each failure is explained in one line, since a newcomer meets it first.
set -euo pipefail

usage='usage: install-npm-emulator.sh <dir> <npm package> <version> <what it is, such as "the Kinesis emulator (kinesis-mock)">'
dest=${1:?$usage}
package=${2:?$usage}
version=${3:?$usage}
what=${4:?$usage}

if ! command -v node >/dev/null 2>&1; then
  echo "ERROR: Node.js 18 or later is needed to run $what, but 'node' is not on PATH. Install Node.js 18+ and run the build again." >&2
  exit 1
fi
major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$major" -lt 18 ]; then
  echo "ERROR: Node.js 18 or later is needed to run $what, but 'node' is $(node --version). Install Node.js 18+ and run the build again." >&2
  exit 1
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "ERROR: npm is needed to install $what, but 'npm' is not on PATH. Install npm (it ships with Node.js) and run the build again." >&2
  exit 1
fi

pkg="$dest/node_modules/$package/package.json"
if [ -f "$pkg" ] && [ "$(node -p "require('$pkg').version")" = "$version" ]; then
  echo "$package $version already installed in $dest"
  exit 0
fi
mkdir -p "$dest"
if ! npm install --prefix "$dest" --no-audit --no-fund --no-save --loglevel=error "$package@$version" >"$dest/npm-install.log" 2>&1; then
  echo "ERROR: could not install $package@$version from the npm registry; see $dest/npm-install.log" >&2
  exit 1
fi
echo "$package $version installed in $dest"
