#!/usr/bin/env bash
# The test suite's check of the tarball: unpacks it into an empty directory outside the repository
# and runs its quickstart end to end until records reach Pulsar.
set -euo pipefail
tarball=${1:?usage: check-quickstart.sh <tarball>}
dir=$(mktemp -d "${TMPDIR:-/tmp}/tributary-quickstart-check.XXXXXX")
trap 'rm -rf "$dir"' EXIT
start=$(date +%s)
tar -xzf "$tarball" -C "$dir"
home=$(find "$dir" -mindepth 1 -maxdepth 1 -type d | head -1)
echo "[check-quickstart] unpacked $(basename "$tarball") into $dir; running bin/quickstart from there"
cd "$dir"
if ! timeout 300 "$home/bin/quickstart" --exit-after 150 > "$dir/quickstart.out" 2>&1; then
  echo "[check-quickstart] FAILED: the quickstart from the tarball did not get 150 records into Pulsar; its output:" >&2
  tail -40 "$dir/quickstart.out" >&2
  exit 1
fi
grep -E "records in Pulsar|stopping as asked" "$dir/quickstart.out" | tail -3
echo "[check-quickstart] passed in $(( $(date +%s) - start )) s"
