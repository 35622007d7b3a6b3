#!/usr/bin/env python3
"""Benchmark: `docnorm convert --ocr auto FILE` (OCR of scanned pages and
images, through libtesseract) against the `tesseract` command on the same
page images at the same resolution.

  bench/ocr.py [--docnorm build/cli/docnorm] [--runs 3] [--lang chi_tra+eng]
               [--dpi 300] [--threads 1] [--samples samples/scan]

For every scan in samples/scan/ (the *-scan.pdf and *-skewed.pdf PDFs, the
PNG, JPEG and multi-page TIFF images; made by
samples/tools/make-scan-samples.py), runs each command --runs times and
reports the median wall time and CPU time (user + system) per page, the peak
resident memory of the process, and the ratios docnorm / tesseract.

The reference gets what docnorm's OCR engine gets: for a PDF, its pages
rendered to 8-bit grey at --dpi by pdftoppm (done once, outside the timing;
its time per page is a column of its own, since docnorm's time includes its
own rendering through poppler); for an image, the file itself (tesseract
reads a multi-page TIFF whole). One `tesseract LIST - -l LANG --dpi DPI
--oem 1 --psm 3` process reads every page of a sample, as one docnorm
process does: LSTM engine and automatic page segmentation, what docnorm's
engine sets. Both run with OMP_THREAD_LIMIT=--threads (default 1, the value
docnorm sets for itself unless the user has set one: Tesseract's OpenMP
threads spin on a busy machine).

docnorm's run is checked: it must exit 0 and its record must say in
source.ocr that it recognised every page, or the script stops. First the
smallest sample is converted once with --ocr always: a docnorm that cannot
OCR (built without libtesseract, or no language data) is reported with its
error line and the script exits 1.

Needs poppler-utils (pdftoppm), tesseract-ocr with the language data
(tesseract-ocr-chi-tra, tesseract-ocr-eng) and a docnorm built with OCR.
The machine's other load shows in wall times; CPU times are steadier.
Prints a Markdown table.
"""
import argparse
import json
import os
import statistics
import struct
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
IMAGES = (".png", ".jpg", ".jpeg", ".tif", ".tiff")


def measure(cmd, runs, env):
    """Median wall s, median CPU s, max peak RSS KB, stdout of the last run."""
    walls, cpus, rss, out_bytes = [], [], 0, b""
    for _ in range(runs):
        with tempfile.TemporaryFile() as out:
            t0 = time.perf_counter()
            p = subprocess.Popen(cmd, stdout=out, stderr=subprocess.DEVNULL, env=env)
            _, status, ru = os.wait4(p.pid, 0)
            walls.append(time.perf_counter() - t0)
            if os.waitstatus_to_exitcode(status) != 0:
                raise RuntimeError(f"{' '.join(cmd)} failed ({status})")
            cpus.append(ru.ru_utime + ru.ru_stime)
            rss = max(rss, ru.ru_maxrss)
            out.seek(0)
            out_bytes = out.read()
    return statistics.median(walls), statistics.median(cpus), rss, out_bytes


def ocr_probe(docnorm, path, env):
    """None when docnorm OCRs @path, else what went wrong (its error line)."""
    p = subprocess.run([docnorm, "convert", "--ocr", "always", path, "-o", "-"],
                       capture_output=True, env=env)
    if p.returncode != 0:
        return (p.stderr.decode(errors="replace").strip().splitlines() or [f"exit {p.returncode}"])[-1]
    try:
        return None if ocr_pages(p.stdout) > 0 else "the record's source.ocr names no page"
    except ValueError as e:
        return f"no JSON record ({e})"


def ocr_pages(record):
    """The pages the record's source.ocr says were recognised."""
    ocr = json.loads(record).get("source", {}).get("ocr") or {}
    pages = ocr.get("pages", [])
    return len(pages) if isinstance(pages, list) else int(pages)


def page_images(path, dpi, tmp):
    """(page image files for tesseract, pdftoppm wall s) for one sample."""
    if path.lower().endswith(IMAGES):
        return [path], 0.0
    prefix = os.path.join(tmp, os.path.basename(path)[:-4])
    t0 = time.perf_counter()
    subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", path, prefix], check=True)
    wall = time.perf_counter() - t0
    return sorted(os.path.join(tmp, f) for f in os.listdir(tmp)
                  if f.startswith(os.path.basename(prefix) + "-") and f.endswith(".png")), wall


def tiff_pages(path):
    """Image file directories in a classic TIFF: its pages."""
    with open(path, "rb") as f:
        data = f.read()
    end = {b"II": "<", b"MM": ">"}[data[:2]]
    (ifd,) = struct.unpack(end + "I", data[4:8])
    n = 0
    while ifd and n < 10000:
        (entries,) = struct.unpack(end + "H", data[ifd:ifd + 2])
        (ifd,) = struct.unpack(end + "I", data[ifd + 2 + 12 * entries:ifd + 6 + 12 * entries])
        n += 1
    return n


def count_pages(path):
    if path.lower().endswith((".tif", ".tiff")):
        return tiff_pages(path)
    if path.lower().endswith(IMAGES):
        return 1
    r = subprocess.run(["pdfinfo", path], capture_output=True, text=True, check=True)
    return int(next(l.split()[1] for l in r.stdout.splitlines() if l.startswith("Pages:")))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--docnorm", default=os.path.join(ROOT, "build", "cli", "docnorm"))
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--lang", default="chi_tra+eng")
    ap.add_argument("--dpi", type=int, default=300)
    ap.add_argument("--threads", type=int, default=1, help="OMP_THREAD_LIMIT for both")
    ap.add_argument("--samples", default=os.path.join(ROOT, "samples", "scan"))
    ap.add_argument("--only", default="", help="only the samples whose name holds this")
    args = ap.parse_args()

    env = dict(os.environ, OMP_THREAD_LIMIT=str(args.threads))
    files = sorted(os.path.join(args.samples, f) for f in os.listdir(args.samples)
                   if (f.endswith(("-scan.pdf", "-skewed.pdf")) or f.lower().endswith(IMAGES))
                   and args.only in f)
    if not files:
        print(f"bench/ocr.py: no scans in {args.samples}", file=sys.stderr)
        return 1
    why = ocr_probe(args.docnorm, min(files, key=lambda f: (count_pages(f), os.path.getsize(f))), env)
    if why:
        print(f"bench/ocr.py: {args.docnorm} cannot OCR (built without libtesseract, -Docr=disabled, "
              f"or no language data?): {why}", file=sys.stderr)
        return 1

    print("| file | pages | docnorm wall s/page | tesseract wall s/page | wall ratio | "
          "docnorm CPU s/page | tesseract CPU s/page | CPU ratio | docnorm peak MB | "
          "tesseract peak MB | memory ratio | pdftoppm wall s/page |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    sums = {"dc": 0.0, "tc": 0.0, "pages": 0}
    for f in files:
        pages = count_pages(f)
        dw, dc, drss, rec = measure([args.docnorm, "convert", "--ocr", "auto", "--ocr-lang", args.lang,
                                     "--ocr-dpi", str(args.dpi), f, "-o", "-"], args.runs, env)
        done = ocr_pages(rec)
        if done != pages:
            raise RuntimeError(f"{f}: docnorm recognised {done} of {pages} pages")
        with tempfile.TemporaryDirectory() as tmp:
            images, render = page_images(f, args.dpi, tmp)
            source = images[0]
            if len(images) > 1:  # a list file; a TIFF goes whole (from a list only its first page is read)
                source = os.path.join(tmp, "pages.txt")
                with open(source, "w") as lf:
                    lf.write("\n".join(images) + "\n")
            tw, tc, trss, text = measure(["tesseract", source, "-", "-l", args.lang, "--dpi", str(args.dpi),
                                          "--oem", "1", "--psm", "3"], args.runs, env)
            read = text.count(b"\f") + 1  # a form feed before every page but the first
            if read != pages:
                raise RuntimeError(f"{f}: tesseract read {read} of {pages} pages")
        sums["dc"] += dc
        sums["tc"] += tc
        sums["pages"] += pages
        print(f"| {os.path.basename(f)} | {pages} | {dw / pages:.2f} | {tw / pages:.2f} | {dw / tw:.2f} | "
              f"{dc / pages:.2f} | {tc / pages:.2f} | {dc / tc:.2f} | {drss / 1024:.1f} | "
              f"{trss / 1024:.1f} | {drss / trss:.2f} | {render / pages:.2f} |", flush=True)
    print(f"\nall {sums['pages']} pages: docnorm {sums['dc'] / sums['pages']:.2f} CPU s/page, "
          f"tesseract {sums['tc'] / sums['pages']:.2f}, ratio {sums['dc'] / sums['tc']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
