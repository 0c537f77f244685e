#!/usr/bin/env bash
# Fails when a C++ file of the tree differs from what the project's
# .clang-format makes of it; prints the files. Fix with:
#   git ls-files '*.cpp' '*.hpp' | xargs clang-format -i
set -euo pipefail
cd "$1"
# third_party/ holds others' sources as they ship them.
mapfile -t files < <(git ls-files '*.cpp' '*.hpp' '*.h' ':!third_party' 2>/dev/null ||
  find sim net server_mock lessons gui app web tests bench -name '*.[ch]pp')
report=$(mktemp)
trap 'rm -f "$report"' EXIT
if ! clang-format --dry-run -Werror "${files[@]}" 2>"$report"; then
  grep -o '^[^:]*:[0-9]*:[0-9]*: error' "$report" | cut -d: -f1 | sort -u |
    sed 's/^/not formatted: /'
  exit 1
fi
echo "${#files[@]} files formatted as .clang-format says"
