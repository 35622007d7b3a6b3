#!/bin/sh
# Throughput of `docnorm batch` with -j 1 and -j 2 on the report samples
# (samples/txt/*.txt, and samples/pdf/seed-*.pdf and samples/docx/seed-*.docx
# where those readers' samples exist), copied COPIES times into a scratch
# tree, and the -j 2 / -j 1 ratio.
# Target on a 2-core machine: ratio >= 1.8. Two reference ratios follow it:
# the same documents as independent `docnorm convert` processes in two
# streams, sha256sum twice at once, and a counting loop twice at once, i.e.
# what the machine itself gives to work that does and does not touch memory.
#
#   bench/batch.sh [BUILD_DIR] [COPIES] [RUNS]
#
# Uses hyperfine when installed (median of RUNS), else one timed run each.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}
copies=${2:-40}
runs=${3:-5}
docnorm=$build/cli/docnorm
[ -x "$docnorm" ] || { echo "bench: no $docnorm (build first)" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
i=0
while [ "$i" -lt "$copies" ]; do
  mkdir -p "$work/in/c$i"
  for f in "$here"/samples/txt/*.txt "$here"/samples/pdf/seed-*.pdf "$here"/samples/docx/seed-*.docx; do
    if [ -f "$f" ]; then cp "$f" "$work/in/c$i/"; fi
  done
  i=$((i + 1))
done
n=$(find "$work/in" -type f | wc -l)
kinds=$(find "$work/in/c0" -type f | sed 's/.*\.//' | sort | uniq -c | tr -s ' ' | tr '\n' ',' | sed 's/,$//')
bytes=$(du -sk "$work/in" | cut -f1)
echo "bench: $n documents ($bytes KiB;$kinds per copy) on $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"

median() {  # seconds for: docnorm batch -j $1
  if command -v hyperfine >/dev/null 2>&1; then
    hyperfine -N --style none --runs "$runs" --warmup 1 \
      --prepare "rm -rf $work/out" --export-json "$work/h$1.json" \
      "$docnorm batch $work/in -o $work/out -q -j $1" >/dev/null
    python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["results"][0]["median"])' "$work/h$1.json"
  else
    rm -rf "$work/out"
    python3 - "$docnorm" "$work" "$1" <<'PY'
import subprocess, sys, time
d, w, j = sys.argv[1:]
t = time.monotonic()
subprocess.run([d, "batch", w + "/in", "-o", w + "/out", "-q", "-j", j], check=True)
print(time.monotonic() - t)
PY
  fi
}

# CPU time (parent and children together) does not depend on what else the
# machine runs: if it is the same for -j 1 and -j 2, running two at a time
# costs nothing extra and a shortfall in the ratio is other load.
cpu() {
  rm -rf "$work/out"
  python3 - "$docnorm" "$work" "$1" <<'PY'
import resource, subprocess, sys
d, w, j = sys.argv[1:]
subprocess.run([d, "batch", w + "/in", "-o", w + "/out", "-q", "-j", j], check=True)
r = resource.getrusage(resource.RUSAGE_CHILDREN)
print(r.ru_utime + r.ru_stime)
PY
}

t1=$(median 1)
t2=$(median 2)
c1=$(cpu 1)
c2=$(cpu 2)
python3 - "$n" "$t1" "$t2" "$c1" "$c2" <<'PY'
import sys
n = int(sys.argv[1])
t1, t2, c1, c2 = (float(x) for x in sys.argv[2:])
print("-j 1: %.3f s, %.1f documents/s, %.1f ms CPU per document" % (t1, n / t1, 1000 * c1 / n))
print("-j 2: %.3f s, %.1f documents/s, %.1f ms CPU per document" % (t2, n / t2, 1000 * c2 / n))
ratio = t1 / t2
print("ratio -j2/-j1: %.2fx (target >= 1.8x) %s" % (ratio, "ok" if ratio >= 1.8 else "BELOW TARGET"))
PY

# What this machine gives two processes at once, without docnorm batch: the
# same documents converted by independent `docnorm convert` processes in one
# stream and in two, and sha256sum (pure computation) once and twice at once.
# On a shared VM these can be far below 2x; the batch ratio is then judged
# against them.
head -c 67108864 /dev/urandom > "$work/noise"
python3 - "$docnorm" "$work" <<'PY'
import os, subprocess, sys, threading, time
d, w = sys.argv[1:]
docs = sorted(os.path.join(r, f) for r, _, fs in os.walk(w + "/in/c0") for f in fs)
docs = docs * 3
def stream(items):
    for f in items:
        subprocess.run([d, "convert", "--raw", f, "-o", os.devnull], check=True)
def timed(streams):
    t = time.monotonic()
    th = [threading.Thread(target=stream, args=(s,)) for s in streams]
    [x.start() for x in th]
    [x.join() for x in th]
    return time.monotonic() - t
one = min(timed([docs]) for _ in range(2))
two = min(timed([docs[0::2], docs[1::2]]) for _ in range(2))
print("reference: independent docnorm convert processes, 2 streams / 1: %.2fx" % (one / two))
def sha(k):
    t = time.monotonic()
    ps = [subprocess.Popen(["sha256sum", w + "/noise"], stdout=subprocess.DEVNULL) for _ in range(k)]
    [p.wait() for p in ps]
    return time.monotonic() - t
s1 = min(sha(1) for _ in range(3))
s2 = min(sha(2) for _ in range(3))
print("reference: sha256sum of 64 MiB, 2 at once / 1 (throughput): %.2fx" % (2 * s1 / s2))
loop = ["sh", "-c", "i=0; while [ $i -lt 400000 ]; do i=$((i+1)); done"]
def spin(k):
    t = time.monotonic()
    ps = [subprocess.Popen(loop) for _ in range(k)]
    [p.wait() for p in ps]
    return time.monotonic() - t
l1 = min(spin(1) for _ in range(3))
l2 = min(spin(2) for _ in range(3))
print("reference: a shell counting loop (no memory traffic), 2 at once / 1: %.2fx" % (2 * l1 / l2))
PY
echo "bench: load average after $(cut -d' ' -f1-3 /proc/loadavg)"
