#!/usr/bin/env bash
# The browser build for the web tests (scripts/build-web). Exits 77
# (skipped) without emscripten, unless CI is set: then 1.
set -euo pipefail
if ! command -v emcmake >/dev/null 2>&1; then
  echo "no emscripten (Debian's emscripten package): the browser build cannot be made"
  [ -n "${CI:-}" ] && exit 1
  exit 77
fi
exec "$1/scripts/build-web"
