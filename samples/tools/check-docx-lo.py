#!/usr/bin/env python3
"""Checks that LibreOffice prints the Word-numbered seed samples as the DOCX
reader reads them: every heading's label + text (whitespace aside) must occur
in the text of the PDF LibreOffice makes. Not part of the test suite (it needs
LibreOffice and minutes of CPU); run it after changing make-docx.py.

  samples/tools/check-docx-lo.py [DOCNORM]
"""
import json
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DOCNORM = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build", "cli", "docnorm")
SAMPLES = os.path.join(ROOT, "samples", "docx")


def squash(s):
    return re.sub(r"\s+", "", s or "")


def headings(rec):
    out, stack = [], [rec["body"]]
    while stack:
        n = stack.pop()
        if n["type"] == "heading":
            out.append(n)
        stack.extend(reversed(n.get("children", [])))
    return out


bad = 0
with tempfile.TemporaryDirectory() as tmp:
    files = sorted(f for f in os.listdir(SAMPLES) if re.match(r"seed-\d+-wordnum\.docx$", f))
    subprocess.run(["soffice", "-env:UserInstallation=file://%s/profile" % tmp, "--headless", "--convert-to", "pdf",
                    "--outdir", tmp] + [os.path.join(SAMPLES, f) for f in files], check=True, capture_output=True)
    for f in files:
        pdf = squash(subprocess.run(["pdftotext", os.path.join(tmp, f[:-5] + ".pdf"), "-"], capture_output=True,
                                    text=True, check=True).stdout)
        rec = json.loads(subprocess.run([DOCNORM, "convert", "--raw", os.path.join(SAMPLES, f)], capture_output=True,
                                        text=True, check=True).stdout)
        hs = headings(rec)
        miss = [(h.get("label"), h["text"][:20]) for h in hs if squash((h.get("label") or "") + h["text"])[:12] not in pdf]
        print("%s: %d headings, %d printed differently %s" % (f, len(hs), len(miss), miss[:5]))
        bad += len(miss)
sys.exit(1 if bad else 0)
