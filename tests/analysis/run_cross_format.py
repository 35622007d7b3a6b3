"""Cross-format test: one report in several formats must give the same
report fields and section tree (provenance aside).

  run_cross_format.py DOCNORM SOURCE_ROOT

1. A DOCX numbered by Word (samples/docx/seed-NNN-wordnum.docx) and the same
   DOCX numbered by hand (seed-NNN-manual.docx) give identical report
   members, section trees and warning codes.
2. The office rendition (seed-NNN-office.docx: a running header 出國報告 on
   every page, the cover's too, and Word's TOC styles) gives the same report
   and section tree as the manual DOCX: a running header is furniture.
3. A PDF and the DOCX it was exported from give the same report and section
   tree: samples/pdf/seed-NNN.pdf against the manual DOCX, and
   samples/pdf/seed-NNN-office.pdf (running headers, dot-leader TOC, wrapped
   long headings) against the office DOCX. Members named "raw" hold the
   text exactly as the source printed it (a PDF has no tabs) and are left
   out. In PDF-against-DOCX comparisons a single space next to a CJK
   character is compared as absent: LibreOffice sets CJK and Latin text
   apart by 0.20 em (its autospace) where the DOCX has no space, and a typed
   space there measures 0.225 em, so no reader can tell the two apart
   (measured on these samples with poppler's glyph boxes). Other
   differences that are known and explained are listed in KNOWN below, per
   PDF, by path prefix: anything else that differs fails (the first
   difference is printed with both values), and a known difference that has
   gone away fails too, so the list stays true.
4. A text rendition (samples/txt/seed-NNN.txt) gives the same report as the
   manual DOCX. Its section tree is compared by STYLED_ONLY below: the DOCX
   was made from that text by samples/tools/make-docx.py, whose is_heading()
   gives every short numbered line a Word heading style. A style is the
   author's word (docs/RECORD.md, headings rule 2), so the DOCX reader makes
   those lines headings; plain text carries no style, and rules 3-5 make some
   of them numbered paragraphs ("1. ...由美", a line the seed cut mid-phrase;
   "5. **...:**" after a sentence-long sibling). So for these seeds the test
   asserts what that explains and nothing looser: every section the text
   has, the DOCX has, in the same order with the same label and title; every
   section only the DOCX has is (or starts with) a heading the DOCX reader
   read from a style; and no shared section sits deeper in the text.
5. The ODT rendition (samples/odt/seed-001-wordnum.odt) gives the same record
   view as the DOCX it was made from. samples/html/report-000.html is an
   excerpt of seed 000 (its first sections), not a rendition, and is left out.
"""
import difflib
import json
import os
import re
import subprocess
import sys

# seed -> {path prefix: why}. Keep the reasons; remove entries once fixed.
KNOWN = {
    "seed-001.pdf": {
        "report.tables": "the PDF reader splits the itinerary table at the page break and keeps one "
                         "overflowing cell line ('Steering Group)') as a paragraph between the halves",
    },
    "seed-002.pdf": {
        "report.tables": "the DOCX lays the narrative summary sheet out as one-row grids; the PDF reader "
                         "sees no grid there",
    },
    "seed-003.pdf": {
        "report.summary_sheet": "the PDF reader cuts the summary-sheet grid into one row per visual line, "
                                "so wrapped labels (出席經濟體及 / 重要單位) are not rows",
    },
    "seed-001-office.pdf": {
        "report.tables": "as for seed-001.pdf: the itinerary table is split at the page break",
    },
    "seed-002-office.pdf": {
        "report.tables": "as for seed-002.pdf: the narrative sheet's one-row grids are not seen as grids",
    },
    "seed-003-office.pdf": {
        "report.summary_sheet": "as for seed-003.pdf: the summary-sheet grid is read one visual line per row",
    },
    "seed-004-office.pdf": {
        "report.summary_sheet.rows[5].value": "the delegation rows of the 10-row sheet are space-aligned "
                                              "columns in the source; the PDF reader turns the wide gaps "
                                              "into tabs, the DOCX keeps the spaces",
    },
    "seed-002.txt": {
        "report.tables": "as for seed-002.pdf: the DOCX lays the narrative sheet out as one-row grids, the "
                         "text has no grid there",
    },
    "seed-004.txt": {
        "report.figures[*].section_id": "the figures sit in the same place, but the DOCX's extra styled "
                                         "sections (STYLED_ONLY) give the sections around them other ids",
    },
}

# Text renditions whose section tree differs from the DOCX's only by the
# DOCX's styled headings (docstring, 4).
STYLED_ONLY = {"seed-000.txt", "seed-001.txt", "seed-004.txt"}

CJK = "[\u3000-\u9fff\uf900-\ufaff\uff00-\uffef]"
CJK_GAP = re.compile(r"(?<=%s) (?=\S)|(?<=\S) (?=%s)" % (CJK, CJK))


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


def without_raw(x, squeeze=False):
    if isinstance(x, dict):
        return {k: without_raw(v, squeeze) for k, v in x.items() if k != "raw"}
    if isinstance(x, list):
        return [without_raw(v, squeeze) for v in x]
    if squeeze and isinstance(x, str):
        return CJK_GAP.sub("", x)
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


def at(x, path):
    """The value at a diff path ("report.toc.entries[3].title")."""
    for part in re.findall(r"[^.\[\]]+|\[\d+\]", path):
        if part.startswith("["):
            i = int(part[1:-1])
            x = x[i] if isinstance(x, list) and i < len(x) else None
        else:
            x = x.get(part) if isinstance(x, dict) else None
    return x


def show(v):
    t = json.dumps(v, ensure_ascii=False)
    return t if len(t) <= 160 else t[:157] + "..."


def covered(path, prefix):
    """Whether @path is @prefix or inside it; "[*]" in @prefix stands for any index."""
    pattern = re.escape(prefix).replace(re.escape("[*]"), r"\[\d+\]")
    return re.fullmatch(pattern + r"(?:[.\[].*)?", path) is not None


def view(record, squeeze=False):
    return {"report": without_raw(record["report"], squeeze),
            "sections": without_raw(sections(record["body"], []), squeeze)}


def compare(what, a, b, known):
    """Prints ok or the first unexplained difference; returns failures (0/1)."""
    paths = [p.lstrip(".") for p in diff_paths(a, b, "", [])]
    unexplained = [p for p in paths if not any(covered(p, k) for k in known)]
    gone = [k for k in known if not any(covered(p, k) for p in paths)]
    if unexplained:
        p = unexplained[0]
        print("FAIL %s: differ at %s (%d path(s)); first: %s\n  first:  %s\n  second: %s"
              % (what, ", ".join(unexplained[:8]), len(unexplained), p, show(at(a, p)), show(at(b, p))))
    if gone:
        print("FAIL %s: known difference(s) no longer seen, update KNOWN: %s" % (what, ", ".join(gone)))
    if not unexplained and not gone:
        print("ok %s%s" % (what, " apart from %d known difference(s)" % len(known) if known else ""))
    return 1 if unexplained or gone else 0


def squeezed(s):
    return CJK_GAP.sub("", s or "").replace(" ", "")


def styled_headings(docnorm, path):
    """The texts of the heading blocks the DOCX reader gave (Word styles)."""
    p = subprocess.run([docnorm, "convert", "--raw", path], capture_output=True, timeout=120)
    if p.returncode != 0:
        raise AssertionError("%s: --raw exit %d" % (path, p.returncode))
    return [squeezed(n.get("text")) for n in json.loads(p.stdout)["body"]["children"] if n["type"] == "heading"]


def compare_styled_only(what, text_secs, docx_secs, headings):
    """Docstring, 4: the DOCX tree is the text's plus styled headings."""
    key = lambda s: squeezed((s[2] or "") + (s[3] or ""))
    sm = difflib.SequenceMatcher(None, [key(x) for x in text_secs], [key(x) for x in docx_secs], autojunk=False)
    problems, extra = [], 0
    for op, a1, a2, b1, b2 in sm.get_opcodes():
        if op == "equal":
            problems += ["%s is level %s in the text, %s in the DOCX" % (x[0], x[1], y[1])
                         for x, y in zip(text_secs[a1:a2], docx_secs[b1:b2]) if x[1] > y[1]]
            continue
        problems += ["only the text has %s %s%s" % (x[0], x[2], x[3]) for x in text_secs[a1:a2]]
        for y in docx_secs[b1:b2]:
            extra += 1
            if not any(key(y).startswith(h) for h in headings if h):
                problems.append("only the DOCX has %s %s%s, and no style made it a heading" % (y[0], y[2], y[3]))
    if not extra:
        problems.append("the trees no longer differ: move the seed out of STYLED_ONLY")
    if problems:
        print("FAIL %s: %s" % (what, problems[0]))
        return 1
    print("ok %s apart from %d styled DOCX heading(s)" % (what, extra))
    return 0


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
    compared = 0
    for seed in seeds:
        manual = convert(docnorm, os.path.join(docx_dir, "seed-%s-manual.docx" % seed))
        wordnum_path = os.path.join(docx_dir, "seed-%s-wordnum.docx" % seed)
        if os.path.exists(wordnum_path):
            wordnum = convert(docnorm, wordnum_path)
            a = dict(view(manual), codes=sorted({w["code"] for w in manual["warnings"]}))
            b = dict(view(wordnum), codes=sorted({w["code"] for w in wordnum["warnings"]}))
            failures += compare("seed %s: Word-numbered DOCX = hand-numbered DOCX" % seed, a, b, {})
            compared += 1
        office = None
        office_path = os.path.join(docx_dir, "seed-%s-office.docx" % seed)
        if os.path.exists(office_path):
            office = convert(docnorm, office_path)
            failures += compare("seed %s: office DOCX = hand-numbered DOCX" % seed, view(office), view(manual), {})
            compared += 1
        for pdf_name, docx_record, docx_name in (("seed-%s.pdf" % seed, manual, "manual DOCX"),
                                                 ("seed-%s-office.pdf" % seed, office, "office DOCX")):
            pdf_path = os.path.join(pdf_dir, pdf_name)
            if docx_record is None or not os.path.exists(pdf_path):
                continue
            pdf = convert(docnorm, pdf_path)
            failures += compare("%s = %s" % (pdf_name, docx_name), view(pdf, True), view(docx_record, True),
                                KNOWN.get(pdf_name, {}))
            compared += 1
        text_name = "seed-%s.txt" % seed
        text_path = os.path.join(root, "samples", "txt", text_name)
        if os.path.exists(text_path):
            text = view(convert(docnorm, text_path))
            docx = view(manual)
            what = "%s = manual DOCX" % text_name
            if text_name in STYLED_ONLY:
                failures += compare(what + " (report)", {"report": text["report"]}, {"report": docx["report"]},
                                    KNOWN.get(text_name, {}))
                failures += compare_styled_only(
                    what + " (sections)", text["sections"], docx["sections"],
                    styled_headings(docnorm, os.path.join(docx_dir, "seed-%s-manual.docx" % seed)))
                compared += 2
            else:
                failures += compare(what, text, docx, KNOWN.get(text_name, {}))
                compared += 1
        odt_path = os.path.join(root, "samples", "odt", "seed-%s-wordnum.odt" % seed)
        if os.path.exists(odt_path) and os.path.exists(wordnum_path):
            failures += compare("seed %s: ODT = Word-numbered DOCX" % seed, view(convert(docnorm, odt_path)),
                                view(wordnum), {})
            compared += 1
    print("%d passed, %d failed" % (compared - failures, failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
