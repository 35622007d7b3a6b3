#!/usr/bin/env python3
"""CPU time and peak memory of the HTML and ODT readers and the Markdown and
review writers, next to pandoc doing the nearest same job.

  bench/formats.py [--docnorm build/cli/docnorm] [--runs 5] [--scale 20]

Inputs: a large HTML page made from the five seed reports (samples/txt,
each paragraph a <p>, repeated --scale times) and samples/odt/seed-001-
wordnum.odt. For each job it reports the median CPU time (user + system of
that child, from os.wait4; wall time on a shared machine includes waiting
for a core) and the largest peak resident set size.
"""
import argparse
import html
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def measure(cmd):
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, ru = os.wait4(p.pid, 0)
    err = p.stderr.read().decode(errors="replace")
    p.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit("failed: %s\n%s" % (" ".join(cmd), err))
    return ru.ru_utime + ru.ru_stime, ru.ru_maxrss


def make_html(path, scale):
    parts = ["<!DOCTYPE html><html lang='zh-TW'><head><meta charset='utf-8'><title>bench</title></head><body>"]
    seeds = sorted(n for n in os.listdir(os.path.join(ROOT, "samples", "txt")) if n.endswith(".txt") and n.count(".") == 1)
    for _ in range(scale):
        for name in seeds:
            text = open(os.path.join(ROOT, "samples", "txt", name), encoding="utf-8").read()
            parts.append("<h2>%s</h2>" % html.escape(name))
            for para in text.split("\n\n"):
                if para.strip():
                    parts.append("<p>%s</p>" % html.escape(para).replace("\n", "<br>"))
    parts.append("</body></html>")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(parts))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--docnorm", default=os.path.join(ROOT, "build", "cli", "docnorm"))
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--scale", type=int, default=20)
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="docnorm-bench-")
    try:
        page = os.path.join(tmp, "big.html")
        make_html(page, a.scale)
        odt = os.path.join(ROOT, "samples", "odt", "seed-001-wordnum.odt")
        d = a.docnorm
        jobs = [
            ("html -> json (raw)", [d, "convert", "--raw", page]),
            ("html -> json (analysed)", [d, "convert", page]),
            ("html -> markdown", [d, "convert", "--raw", "-t", "markdown", page]),
            ("html -> review page", [d, "convert", "--raw", "-t", "review", page]),
            ("odt -> json (raw)", [d, "convert", "--raw", odt]),
            ("odt -> markdown", [d, "convert", "--raw", "-t", "markdown", odt]),
        ]
        if shutil.which("pandoc"):
            jobs += [
                ("pandoc html -> gfm", ["pandoc", "-f", "html", "-t", "gfm", page]),
                ("pandoc odt -> gfm", ["pandoc", "-f", "odt", "-t", "gfm", odt]),
            ]
        print("input: %s (%.1f MB), %s (%.1f kB)" % (os.path.basename(page), os.path.getsize(page) / 1e6,
                                                   os.path.basename(odt), os.path.getsize(odt) / 1e3))
        print("%-26s %12s %12s" % ("job", "CPU s (med)", "peak MiB"))
        for name, cmd in jobs:
            runs = [measure(cmd) for _ in range(a.runs)]
            print("%-26s %12.3f %12.1f" % (name, statistics.median(r[0] for r in runs),
                                            max(r[1] for r in runs) / 1024))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
