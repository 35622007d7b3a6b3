#!/bin/sh
# Runs one libFuzzer harness from a -Dfuzzing=true build for SECONDS with its
# seed corpus and dictionary; crashes go to BUILD/fuzz-artifacts/HARNESS/.
# Exits non-zero when the fuzzer finds a crash, leak, timeout or OOM.
#
#   CC=clang meson setup build-fuzz -Dfuzzing=true && ninja -C build-fuzz
#   tests/fuzz/run-fuzz.sh build-fuzz reader-txt 1800 [libFuzzer options…]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "$1" && pwd)
h=$2
secs=$3
shift 3
exe="$build/tests/fuzz/fuzz-$h"
[ -x "$exe" ] || { echo "run-fuzz: no $exe (configure with -Dfuzzing=true, CC=clang)" >&2; exit 2; }
case $h in
  reader-pdf) dict=pdf.dict ;;
  reader-docx|reader-odt) dict=ooxml.dict ;;
  reader-html) dict=xml.dict ;;
  *) dict=numbering.dict ;;
esac
# Seconds one input may take before libFuzzer calls it a hang: the sample
# PDFs are whole reports, which poppler plus analysis under ASan on a busy
# machine can take tens of seconds to read.
case $h in
  reader-pdf) timeout=${FUZZ_TIMEOUT:-120} ;;
  *) timeout=${FUZZ_TIMEOUT:-30} ;;
esac
# Tree-building harnesses: a few kilobytes already make large trees.
case $h in
  analysis-tree|writer-*) set -- -max_len=16384 "$@" ;;
esac
corpus="$build/fuzz-corpus/$h"
[ -d "$corpus" ] || sh "$here/make-corpus.sh" "$build/fuzz-corpus" "$h"
mkdir -p "$build/fuzz-artifacts/$h"
# GLib: plain malloc so ASan sees every block; LeakSanitizer ignores GLib's
# one-time allocations only (tests/fuzz/lsan.supp).
export G_SLICE=always-malloc G_DEBUG=gc-friendly
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1:abort_on_error=1:symbolize=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
export LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$here/lsan.supp:print_suppressions=0}"
exec "$exe" -max_total_time="$secs" -rss_limit_mb=2048 -malloc_limit_mb=2048 -timeout="$timeout" \
  -dict="$here/$dict" -artifact_prefix="$build/fuzz-artifacts/$h/" -print_final_stats=1 \
  "$@" "$corpus"
