#!/usr/bin/env python3
"""Benchmark: `docnorm convert --raw x.pdf` (the PDF reader) and `docnorm
convert x.pdf` (reader and report analysis: the whole record) against
`pdftotext x.pdf`.

  bench/pdf.py [--docnorm build/cli/docnorm] [--runs 3] [--pages 250,500,1000]

For every sample in samples/pdf/ (encrypted and damaged ones aside) and for
PDFs of 250, 500 and 1,000 pages generated with qpdf by repeating the pages
of samples/pdf/seed-001.pdf (written to a temporary folder, never
committed), runs each command --runs times and reports the median wall
time, the median CPU time (user + system), the peak resident memory of the
process and the size of docnorm's record. The generated sizes show how time
and memory grow with the page count: time should grow linearly, memory only
with the record (pages are laid out one at a time). As a yardstick for "the
record itself", the last column is the peak memory of docnorm reading the
same text as plain text (pdftotext's output through the txt reader), which
builds a record of the same size without any PDF machinery.

Needs poppler-utils (pdftotext) and qpdf. The machine's other load shows
in wall times; CPU times are steadier. Prints a Markdown table.
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def measure(cmd, runs):
    """Median wall s, median CPU s, max peak RSS KB, stdout bytes of the last run."""
    walls, cpus, rss, out_len = [], [], 0, 0
    for _ in range(runs):
        with tempfile.TemporaryFile() as out:
            t0 = time.perf_counter()
            p = subprocess.Popen(cmd, stdout=out, stderr=subprocess.DEVNULL)
            _, status, ru = os.wait4(p.pid, 0)
            walls.append(time.perf_counter() - t0)
            if os.waitstatus_to_exitcode(status) != 0:
                raise RuntimeError(f"{' '.join(cmd)} failed ({status})")
            cpus.append(ru.ru_utime + ru.ru_stime)
            rss = max(rss, ru.ru_maxrss)
            out.seek(0, os.SEEK_END)
            out_len = out.tell()
    return statistics.median(walls), statistics.median(cpus), rss, out_len


def pages_of(path):
    r = subprocess.run(["qpdf", "--show-npages", path], capture_output=True, text=True)
    return int(r.stdout.strip() or 0)


def make_big(src, n_pages, out):
    """A PDF of @n_pages made by cycling through @src's pages."""
    n = pages_of(src)
    ranges = ",".join(str(i % n + 1) for i in range(n_pages))
    subprocess.run(["qpdf", "--empty", "--pages", src, ranges, "--", out], check=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--docnorm", default=os.path.join(ROOT, "build", "cli", "docnorm"))
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--pages", default="250,500,1000")
    ap.add_argument("--samples", default=os.path.join(ROOT, "samples", "pdf"))
    ap.add_argument("--generated-only", action="store_true", help="skip the committed samples")
    args = ap.parse_args()

    files = [] if args.generated_only else sorted(
        os.path.join(args.samples, f) for f in os.listdir(args.samples)
        if f.endswith(".pdf"))
    with tempfile.TemporaryDirectory() as tmp:
        for n in (int(x) for x in args.pages.split(",") if x):
            big = os.path.join(tmp, f"generated-{n}p.pdf")
            make_big(os.path.join(args.samples, "seed-001.pdf"), n, big)
            files.append(big)

        print("| file | pages | docnorm wall s | pdftotext wall s | wall ratio | analysed wall s | "
              "analysed ratio | docnorm CPU s | "
              "pdftotext CPU s | CPU ratio | docnorm peak MB | pdftotext peak MB | record MB | "
              "docnorm CPU ms/page | same text via txt reader: peak MB |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for f in files:
            pages = pages_of(f)
            dw, dc, drss, rec = measure([args.docnorm, "convert", "--raw", f], args.runs)
            aw, _, _, _ = measure([args.docnorm, "convert", f], args.runs)
            pw, pc, prss, _ = measure(["pdftotext", "-q", f, "-"], args.runs)
            txt = os.path.join(tmp, "same-text.txt")
            subprocess.run(["pdftotext", "-q", f, txt], check=True)
            _, _, trss, _ = measure([args.docnorm, "convert", "--raw", txt], 1)
            print(f"| {os.path.basename(f)} | {pages} | {dw:.3f} | {pw:.3f} | {dw / pw:.2f} | {aw:.3f} | "
                  f"{aw / pw:.2f} | {dc:.3f} | "
                  f"{pc:.3f} | {dc / pc if pc else 0:.2f} | {drss / 1024:.1f} | {prss / 1024:.1f} | "
                  f"{rec / 1048576:.2f} | {1000 * dc / max(pages, 1):.2f} | {trss / 1024:.1f} |", flush=True)


if __name__ == "__main__":
    sys.exit(main())
