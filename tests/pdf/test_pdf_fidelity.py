#!/usr/bin/env python3
"""Text fidelity of the PDF reader against pdftotext.

  test_pdf_fidelity.py DOCNORM SAMPLES_DIR PDFTOTEXT

For every readable sample PDF:
- recall: the record holds at least 99.5 % of the characters pdftotext
  extracts (whitespace aside, compared as multisets), and
- precision: at most 0.5 % of the record's characters are ones pdftotext
  did not extract (nothing duplicated or invented);
- line-break contract (--raw): inside a block, lines are separated by '\\n'
  alone, never with a space or tab beside it, so core can join wrapped Han
  lines without a space;
- after analysis (no --raw): no more Han-space-Han pairs in the body than
  the raw blocks already had inside their lines (joining never adds a space
  between two Han characters).
"""
import collections
import json
import os
import re
import subprocess
import sys

EXE, SAMPLES, PDFTOTEXT = sys.argv[1], sys.argv[2], sys.argv[3]
SKIP = re.compile(r"^(encrypted|damaged)-")
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
HAN_SPACE_HAN = re.compile(f"[{HAN}][ \u3000]+[{HAN}]")
failures = []


def body_texts(record):
    out, stack = [], [record["body"]]
    while stack:
        n = stack.pop()
        if n.get("text"):
            out.append(n["text"])
        stack.extend(n.get("children", []))
    return out


def chars(text):
    return collections.Counter(c for c in text if not c.isspace())


def convert(path, raw):
    args = [EXE, "convert"] + (["--raw"] if raw else []) + [path]
    p = subprocess.run(args, capture_output=True, timeout=120)
    if p.returncode != 0:
        raise RuntimeError(f"docnorm exit {p.returncode}: {p.stderr.decode()}")
    return json.loads(p.stdout)


names = sorted(n for n in os.listdir(SAMPLES) if n.endswith(".pdf") and not SKIP.match(n))
if not names:
    failures.append("no samples found")
for name in names:
    path = os.path.join(SAMPLES, name)
    ref = subprocess.run([PDFTOTEXT, "-q", "-enc", "UTF-8", path, "-"], capture_output=True,
                         timeout=120).stdout.decode("utf-8", "replace")
    raw = convert(path, raw=True)
    texts = body_texts(raw)
    ours, theirs = chars("".join(texts)), chars(ref)
    common = sum((ours & theirs).values())
    n_theirs, n_ours = sum(theirs.values()), sum(ours.values())
    recall = common / n_theirs if n_theirs else 1.0
    precision = common / n_ours if n_ours else 1.0
    print(f"{name}: pdftotext {n_theirs} chars, record {n_ours}, recall {recall:.4%}, precision {precision:.4%}")
    if recall < 0.995:
        missing = (theirs - ours).most_common(10)
        failures.append(f"{name}: recall {recall:.4%} < 99.5 % (missing {missing})")
    if precision < 0.995:
        extra = (ours - theirs).most_common(10)
        failures.append(f"{name}: precision {precision:.4%} < 99.5 % (extra {extra})")
    for t in texts:
        if re.search(r"[ \t\u3000]\n|\n[ \t\u3000]", t):
            failures.append(f"{name}: space beside a line break in {t[:40]!r}")
            break
    raw_pairs = sum(len(HAN_SPACE_HAN.findall(t)) for t in texts)
    analysed = convert(path, raw=False)
    an_pairs = sum(len(HAN_SPACE_HAN.findall(t)) for t in body_texts(analysed))
    if an_pairs > raw_pairs:
        failures.append(f"{name}: analysis left {an_pairs - raw_pairs} new space(s) between Han characters")

for f in failures:
    print("FAIL:", f)
print(f"{len(failures)} failure(s)")
sys.exit(1 if failures else 0)
