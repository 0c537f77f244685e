#!/usr/bin/env bash
# One fuzz target as a test: SECONDS of fuzzing from the seeds and the
# committed regression inputs, growing CORPUS; an input that breaks a check is
# saved under ARTIFACTS and fails the test.
#
# usage: run_fuzzer.sh TARGET SECONDS CORPUS ARTIFACTS [INPUT_DIR...]
set -euo pipefail
target="$1" seconds="$2" corpus="$3" artifacts="$4"
shift 4
inputs=()
for dir in "$@"; do
  [ -d "$dir" ] && inputs+=("$dir")
done
mkdir -p "$corpus" "$artifacts"
exec "$target" "$corpus" "${inputs[@]}" -max_total_time="$seconds" -print_final_stats=1 \
  -artifact_prefix="$artifacts/" -max_len=8192 -timeout=10 -rss_limit_mb=2048
