#!/bin/sh
# Builds docnorm with warnings as errors in BUILD_DIR (default build-test) and
# runs the whole test suite. The README's test command.
set -eu
cd "$(dirname "$0")/.."
dir=${1:-build-test}
if [ -f "$dir/build.ninja" ]; then
  meson setup --reconfigure "$dir" -Dwerror=true >/dev/null
else
  meson setup "$dir" -Dwerror=true >/dev/null
fi
ninja -C "$dir"
meson test -C "$dir" --print-errorlogs --num-processes 2
