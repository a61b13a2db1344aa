#!/usr/bin/env bash
# The test suite's check of the tarball: unpacks it into an empty directory outside the repository
# and runs its quickstart end to end until records reach Pulsar, first the Kinesis demo, then the
# datagen demo in the same installation (as a new user tries them). Each must show records within
# 30 s of its services being up: state left by the first run must not hold up the second.
set -euo pipefail
tarball=${1:?usage: check-quickstart.sh <tarball>}
limit=30
dir=$(mktemp -d "${TMPDIR:-/tmp}/tributary-quickstart-check.XXXXXX")
trap 'rm -rf "$dir"' EXIT
start=$(date +%s)
tar -xzf "$tarball" -C "$dir"
home=$(find "$dir" -mindepth 1 -maxdepth 1 -type d | head -1)
echo "[check-quickstart] unpacked $(basename "$tarball") into $dir; running bin/quickstart from there"
cd "$dir"

# Runs one mode until N records are in Pulsar; each output line is stamped with the epoch seconds it was printed at.
run_mode() {
  local mode=$1 records=$2 out="$dir/quickstart-$1.out"
  if ! timeout 300 "$home/bin/quickstart" "$mode" --exit-after "$records" 2>&1 \
      | while IFS= read -r line; do printf '%s %s\n' "$(date +%s.%N)" "$line"; done > "$out"; then
    echo "[check-quickstart] FAILED: the $mode quickstart from the tarball did not get $records records into Pulsar; its output:" >&2
    tail -40 "$out" | cut -d' ' -f2- >&2
    exit 1
  fi
  local up first
  up=$(awk '/ Pulsar is up: / { print $1; exit }' "$out")
  first=$(awk '/ records in Pulsar: [1-9]/ { print $1; exit }' "$out")
  local waited
  waited=$(awk -v a="$up" -v b="$first" 'BEGIN { printf "%.1f", b - a }')
  grep -E "records in Pulsar|stopping as asked" "$out" | tail -2 | cut -d' ' -f2-
  echo "[check-quickstart] $mode: first records in Pulsar $waited s after the services were up"
  if awk -v w="$waited" -v l="$limit" 'BEGIN { exit !(w > l) }'; then
    echo "[check-quickstart] FAILED: the $mode quickstart took $waited s (more than $limit s) to show records; its output:" >&2
    cut -d' ' -f2- "$out" | tail -40 >&2
    exit 1
  fi
}

# The class-data archive (bin/connect-runtime): the first run writes it at once (delay 0), the second
# maps it. The same options in both runs, since they are part of the archive's key.
export TRIBUTARY_OPTS="-Dtributary.cds.dumpDelaySeconds=0 -Xlog:class+load=info:file=$dir/class-load.log -Xlog:cds=info:file=$dir/cds.log"
run_mode kinesis 150
archive=$(ls "$home"/cds/tributary-*.jsa 2>/dev/null | head -1 || true)
if [ -z "$archive" ]; then
  echo "[check-quickstart] FAILED: the first start wrote no class-data archive in $home/cds; its log:" >&2
  grep -h "class-data" "$home"/quickstart/run/logs/*.log >&2 || true
  exit 1
fi
run_mode datagen 500
if ! grep -q "dev.tributary.runtime.cli.Main source: shared objects file (top)" "$dir/class-load.log"; then
  echo "[check-quickstart] FAILED: the second start did not load its classes from the archive $archive:" >&2
  grep "dev.tributary.runtime.cli.Main " "$dir/class-load.log" >&2 || true
  echo "[check-quickstart] archives now in $home/cds, and the JVM's notes on the archive:" >&2
  ls -l "$home/cds" >&2 || true
  grep -v "Skipping\|Pre JDK 6" "$dir/cds.log" | tail -30 >&2 || true
  exit 1
fi
echo "[check-quickstart] the first start wrote the class-data archive ($(( $(stat -c %s "$archive") >> 20 )) MiB); the second mapped it"
echo "[check-quickstart] passed in $(( $(date +%s) - start )) s"
