"""Cross-format test: one report in several formats must give the same
report fields and section tree (provenance aside).

  run_cross_format.py DOCNORM SOURCE_ROOT

1. A DOCX numbered by Word (samples/docx/seed-NNN-wordnum.docx) and the same
   DOCX numbered by hand (seed-NNN-manual.docx) give identical report
   members, section trees and warning codes.
2. A PDF (samples/pdf/seed-NNN.pdf, exported from the manual DOCX) and its
   DOCX give the same report and section tree. Members named "raw" hold the
   text exactly as the source printed it (a PDF has no tabs) and are left
   out. Differences that are known and explained are listed in KNOWN below,
   per seed, by path prefix: anything else that differs fails, and a known
   difference that has gone away fails too, so the list stays true.
"""
import json
import os
import re
import subprocess
import sys

# seed -> {path prefix: why}. Keep the reasons; remove entries once fixed.
KNOWN = {
    "001": {
        "report.tables": "the PDF reader splits the itinerary table at the page break and keeps one "
                         "overflowing cell line ('Steering Group)') as a paragraph between the halves",
    },
    "002": {
        "report.tables": "the DOCX lays the narrative summary sheet out as one-row grids; the PDF reader "
                         "sees no grid there",
        "report.summary_sheet.rows[1].name": "the PDF reader puts a space at the CJK–Latin autospace gap "
                                             "('或 APEC')",
        "sections": "same: section titles get spaces at CJK–Latin gaps in the PDF ('就 APEC')",
    },
    "003": {
        "report.summary_sheet": "the PDF reader cuts the summary-sheet grid into one row per visual line, "
                                "so wrapped labels (出席經濟體及 / 重要單位) are not rows",
        "sections[61]": "a title wrapped before '(Study…' in the PDF loses the space the DOCX has",
    },
}


def convert(docnorm, path):
    p = subprocess.run([docnorm, "convert", path], capture_output=True, timeout=120)
    if p.returncode != 0:
        raise AssertionError("%s: exit %d: %s" % (path, p.returncode, p.stderr.decode(errors="replace")))
    return json.loads(p.stdout)


def sections(node, out):
    if node.get("type") == "section" and "id" in node:
        out.append([node["id"], node.get("level"), node.get("label"), node.get("title"),
                    node.get("canonical_part")])
    for c in node.get("children", []):
        sections(c, out)
    return out


def without_raw(x):
    if isinstance(x, dict):
        return {k: without_raw(v) for k, v in x.items() if k != "raw"}
    if isinstance(x, list):
        return [without_raw(v) for v in x]
    return x


def diff_paths(a, b, path, out):
    if type(a) is not type(b):
        out.append(path)
    elif isinstance(a, dict):
        for k in sorted(set(a) | set(b)):
            diff_paths(a.get(k), b.get(k), "%s.%s" % (path, k), out)
    elif isinstance(a, list):
        if len(a) != len(b):
            out.append(path)
        else:
            for i, (u, v) in enumerate(zip(a, b)):
                diff_paths(u, v, "%s[%d]" % (path, i), out)
    elif a != b:
        out.append(path)
    return out


def covered(path, prefix):
    return path == prefix or path.startswith(prefix + ".") or path.startswith(prefix + "[")


def main(argv):
    docnorm, root = argv[1:3]
    docx_dir = os.path.join(root, "samples", "docx")
    pdf_dir = os.path.join(root, "samples", "pdf")
    failures = 0
    seeds = sorted({m.group(1) for n in os.listdir(docx_dir)
                    for m in [re.fullmatch(r"seed-(\d+)-manual\.docx", n)] if m})
    if not seeds:
        print("FAIL no seed DOCX samples in %s" % docx_dir)
        return 1
    for seed in seeds:
        manual = convert(docnorm, os.path.join(docx_dir, "seed-%s-manual.docx" % seed))
        wordnum_path = os.path.join(docx_dir, "seed-%s-wordnum.docx" % seed)
        if os.path.exists(wordnum_path):
            wordnum = convert(docnorm, wordnum_path)
            a = {"report": manual["report"], "sections": sections(manual["body"], []),
                 "codes": sorted({w["code"] for w in manual["warnings"]})}
            b = {"report": wordnum["report"], "sections": sections(wordnum["body"], []),
                 "codes": sorted({w["code"] for w in wordnum["warnings"]})}
            paths = diff_paths(a, b, "", [])
            if paths:
                failures += 1
                print("FAIL seed %s: Word-numbered DOCX differs from hand-numbered at %s" % (seed, ", ".join(paths[:8])))
            else:
                print("ok seed %s: Word-numbered DOCX = hand-numbered DOCX" % seed)
        pdf_path = os.path.join(pdf_dir, "seed-%s.pdf" % seed)
        if not os.path.exists(pdf_path):
            print("-- seed %s: no PDF sample" % seed)
            continue
        pdf = convert(docnorm, pdf_path)
        a = {"report": without_raw(pdf["report"]), "sections": sections(pdf["body"], [])}
        b = {"report": without_raw(manual["report"]), "sections": sections(manual["body"], [])}
        paths = [p.lstrip(".") for p in diff_paths(a, b, "", [])]
        known = KNOWN.get(seed, {})
        unexplained = [p for p in paths if not any(covered(p, k) for k in known)]
        gone = [k for k in known if not any(covered(p, k) for p in paths)]
        if unexplained:
            failures += 1
            print("FAIL seed %s: PDF and DOCX differ at %s" % (seed, ", ".join(unexplained[:8])))
        if gone:
            failures += 1
            print("FAIL seed %s: known difference(s) no longer seen, update KNOWN: %s" % (seed, ", ".join(gone)))
        if not unexplained and not gone:
            print("ok seed %s: PDF = DOCX%s" % (seed, " apart from %d known difference(s)" % len(known)
                                                   if known else ""))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
