#!/bin/sh
# Assembles the seed corpus of each fuzz harness into OUTDIR/<harness>/ from
# samples/ and the harness's crash regressions (tests/bad/regressions/). The
# corpora are build products: never commit them.
#
#   tests/fuzz/make-corpus.sh OUTDIR HARNESS...
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
out=$1
shift
for h in "$@"; do
  case $h in
    reader-*) seeds="samples/${h#reader-}" ;;
    analysis-text) seeds="samples/txt" ;;
    # Tree builders read the bytes as operations: short seeds only (below).
    analysis-tree|writer-*) seeds="" ;;
    *) echo "make-corpus: unknown harness $h" >&2; exit 2 ;;
  esac
  mkdir -p "$out/$h"
  for d in $seeds "tests/bad/regressions/$h"; do
    [ -d "$src/$d" ] || continue
    find "$src/$d" -type f ! -name '.*' -exec cp {} "$out/$h/" \;
  done
  # The text harnesses also start from short report-shaped snippets, which
  # mutate faster than whole reports.
  case $h in
    reader-txt|analysis-text|analysis-tree|writer-*)
      for f in "$src"/samples/txt/seed-00[0-4].txt; do
        [ -f "$f" ] || continue
        head -c 2000 "$f" > "$out/$h/head-$(basename "$f")"
      done ;;
  esac
  echo "make-corpus: $h: $(find "$out/$h" -type f | wc -l) seed(s)"
done
