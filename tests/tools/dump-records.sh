#!/bin/sh
# Writes what a build makes of every sample into OUTDIR: each writer's output
# (json with and without --hints, --raw json, xml, markdown, review without
# page pictures), the error line and exit status for files it refuses, so two
# builds can be compared byte for byte with `diff -r` (a refactoring must
# leave them equal; docs/ARCHITECTURE.md). Scans are converted to JSON only:
# OCR takes seconds a page.
#   tests/tools/dump-records.sh BUILD_DIR OUTDIR
set -eu
[ $# -eq 2 ] || { echo "usage: $0 BUILD_DIR OUTDIR" >&2; exit 2; }
cd "$(dirname "$0")/../.."
dn=$1/cli/docnorm
[ -x "$dn" ] || { echo "$0: $dn: not built" >&2; exit 2; }
out=$2
mkdir -p "$out"
run() { # NAME ARGS...: stdout, stderr and status of one conversion
  name=$1; shift
  rc=0
  "$dn" convert "$@" >"$out/$name" 2>"$out/$name.err" || rc=$?
  echo "$rc" >"$out/$name.rc"
}
find samples -type f ! -path 'samples/tools/*' ! -name README.md | LC_ALL=C sort |
while IFS= read -r f; do
  base=$(printf '%s' "$f" | tr / _)
  case $f in
    samples/scan/*)
      run "$base.json" "$f" -t json --pretty
      continue ;;
  esac
  run "$base.json" "$f" -t json --pretty
  run "$base.hints.json" "$f" -t json --hints
  run "$base.raw.json" "$f" -t json --raw
  run "$base.xml" "$f" -t xml
  run "$base.md" "$f" -t markdown
  run "$base.html" "$f" -t review --page-images 0
done
