#!/usr/bin/env python3
"""Wall time and peak memory of the DOCX reader against pandoc.

  bench/docx.py [--docnorm build/cli/docnorm] [--runs 5] [--analyse] [FILE.docx ...]

For each file (default: samples/docx/seed-*.docx) runs
  docnorm convert --raw FILE > /dev/null       (with --analyse: without --raw)
  pandoc -f docx -t json FILE > /dev/null
--runs times each, and reports the median wall time, the median CPU time
(user + system) and the largest peak resident set size (ru_maxrss of that
very child, from os.wait4), then the ratios pandoc / docnorm over all files
(sums of medians; largest peaks). On a shared, loaded machine wall time
includes waiting for a core; CPU time does not, so both are shown.
Targets from issue 4: at least 10x faster, at most a quarter of the memory.
"""
import argparse
import glob
import os
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def measure(cmd):
    """(wall seconds, CPU seconds, peak RSS in KiB) of one run of @cmd."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    err = p.stderr.read().decode(errors="replace")
    p.stderr.close()
    if p.returncode != 0:
        sys.exit("failed (%d): %s\n%s" % (p.returncode, " ".join(cmd), err))
    return wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss


def bench(cmd, runs):
    res = [measure(cmd) for _ in range(runs)]
    return statistics.median(r[0] for r in res), statistics.median(r[1] for r in res), max(r[2] for r in res)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docnorm", default=os.path.join(ROOT, "build", "cli", "docnorm"))
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--analyse", action="store_true", help="time the full pipeline (no --raw)")
    ap.add_argument("files", nargs="*")
    a = ap.parse_args()
    files = a.files or sorted(glob.glob(os.path.join(ROOT, "samples", "docx", "seed-*.docx")))
    if shutil.which("pandoc") is None:
        sys.exit("pandoc is not installed")
    mode = [] if a.analyse else ["--raw"]
    print("%-24s %8s %8s %8s %8s %9s %9s %6s %6s %5s" % ("file", "dn wall", "pd wall", "dn cpu", "pd cpu", "dn KiB",
                                                          "pd KiB", "wall", "cpu", "mem"))
    tw = [0.0, 0.0]
    tc = [0.0, 0.0]
    peak = [0, 0]
    for f in files:
        # stdout goes to DEVNULL: never "-o /dev/null" (older cores renamed over it)
        dn = bench([a.docnorm, "convert", *mode, f], a.runs)
        pd = bench(["pandoc", "-f", "docx", "-t", "json", f], a.runs)
        for i, r in enumerate((dn, pd)):
            tw[i] += r[0]
            tc[i] += r[1]
            peak[i] = max(peak[i], r[2])
        print("%-24s %8.1f %8.1f %8.1f %8.1f %9d %9d %5.1fx %5.1fx %5.2f"
              % (os.path.basename(f), dn[0] * 1e3, pd[0] * 1e3, dn[1] * 1e3, pd[1] * 1e3, dn[2], pd[2],
                 pd[0] / dn[0], pd[1] / max(dn[1], 1e-3), dn[2] / pd[2]))
    speed = tw[1] / tw[0]
    cpu = tc[1] / max(tc[0], 1e-3)
    mem = peak[0] / peak[1]
    print("wall: docnorm %.0f ms, pandoc %.0f ms: %.1fx faster (target >= 10x) %s"
          % (tw[0] * 1e3, tw[1] * 1e3, speed, "ok" if speed >= 10 else "MISSED"))
    print("cpu:  docnorm %.0f ms, pandoc %.0f ms: %.1fx less CPU" % (tc[0] * 1e3, tc[1] * 1e3, cpu))
    print("peak memory: docnorm %d KiB, pandoc %d KiB: %.3f of pandoc's (target <= 0.25) %s"
          % (peak[0], peak[1], mem, "ok" if mem <= 0.25 else "MISSED"))
    print("load average now: %.1f %.1f %.1f on %d cores" % (os.getloadavg() + (os.cpu_count(),)))


if __name__ == "__main__":
    main()
