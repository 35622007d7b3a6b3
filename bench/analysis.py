#!/usr/bin/python3
"""Cost of report analysis: converts each seed sample with and without
analysis (--raw) and prints the median wall time of N runs of each.

  bench/analysis.py [BUILD_DIR] [N]

BUILD_DIR defaults to build, N to 5. Also converts a text made of ten copies
of seed-004 (about 54 000 lines) to show that analysis stays linear.
"""
import os
import statistics
import subprocess
import sys
import tempfile
import time

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
build = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "build")
runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
docnorm = os.path.join(build, "cli", "docnorm")


def median_time(args):
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run([docnorm, "convert", "-o", os.devnull] + args, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main():
    samples = []
    for sub, names in (("txt", ["seed-000.txt", "seed-001.txt", "seed-003.txt", "seed-004.txt"]),
                       ("docx", ["seed-003-wordnum.docx", "seed-004-manual.docx"]),
                       ("pdf", ["seed-001.pdf", "seed-003.pdf"])):
        for n in names:
            p = os.path.join(root, "samples", sub, n)
            if os.path.exists(p):
                samples.append(p)
    with tempfile.TemporaryDirectory() as d:
        big = os.path.join(d, "seed-004-x10.txt")
        with open(os.path.join(root, "samples", "txt", "seed-004.txt"), "rb") as f:
            data = f.read()
        with open(big, "wb") as f:
            f.write(data * 10)
        samples.append(big)
        print("%-28s %10s %10s %10s" % ("sample", "raw s", "analysed s", "analysis s"))
        for p in samples:
            raw = median_time(["--raw", p])
            full = median_time([p])
            print("%-28s %10.3f %10.3f %10.3f" % (os.path.basename(p), raw, full, full - raw))


if __name__ == "__main__":
    main()
