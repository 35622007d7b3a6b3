#!/usr/bin/python3
"""Builds docnorm's DOCX samples (samples/docx/) from the seed texts and by hand.

  samples/tools/make-docx.py [SEEDS_DIR] [OUT_DIR]

Seeds (default /work/shared/seeds, 000..004) become two DOCX each:
  seed-NNN-manual.docx   headings carry their labels (壹、 一、 (一) 1. (1)) as typed text
  seed-NNN-wordnum.docx  the same headings numbered by Word through numbering.xml
                         (ideographLegalTraditional 壹, taiwaneseCountingThousand 一 / (一),
                         decimal 1. / (1)); a heading whose printed label Word would not
                         reproduce (the seed skips or restarts) keeps its typed label.
Cover grids and other tab-separated blocks (itinerary, summary sheets) become real
tables (gridSpan / vMerge where the seed's grid implies them); TOC blocks become a
TOC field whose result is the seed's entries; a footer holds a PAGE field.

Feature samples (feature-*.docx) are written by make_features() below.

The outputs are committed: tests never run this script. Uses only the standard
library (raw OOXML through ooxml.py), so the output is deterministic.
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ooxml  # noqa: E402
from ooxml import para, run, lvl, x, wml_ct  # noqa: E402

HEAVENLY = "壹貳參肆伍陸柒捌玖拾"
CN_DIGITS = "一二三四五六七八九十"

# Marker families in the order of the Taiwanese government hierarchy.
MARKERS = [
    re.compile(r"^([壹貳參肆伍陸柒捌玖拾]+)(\s*、\s*)(.*)$"),
    re.compile(r"^([一二三四五六七八九十]+)(\s*、\s*)(.*)$"),
    re.compile(r"^([（(])\s*([一二三四五六七八九十]+)\s*([）)])(\s*)(.*)$"),
    re.compile(r"^(\d{1,2})(\s*[.．]\s*)(?!\d)(.*)$"),
    re.compile(r"^([（(])(\d{1,2})([）)])(\s*)(.*)$"),
]


def cn_value(s):
    """Value of 一..九十九 / 壹..拾 numerals."""
    digits = {c: i + 1 for i, c in enumerate(CN_DIGITS[:9])}
    digits.update({c: i + 1 for i, c in enumerate(HEAVENLY[:9])})
    if s in ("十", "拾"):
        return 10
    if len(s) == 1:
        return digits.get(s, 0)
    if s[0] in "十拾":
        return 10 + digits.get(s[1], 0)
    if len(s) == 2 and s[1] in "十拾":
        return digits.get(s[0], 0) * 10
    if len(s) == 3 and s[1] in "十拾":
        return digits.get(s[0], 0) * 10 + digits.get(s[2], 0)
    return 0


def tw_counting(n):
    """taiwaneseCountingThousand for 1..99 (what Word prints)."""
    d = CN_DIGITS[:9]
    if n < 10:
        return d[n - 1]
    if n == 10:
        return "十"
    if n < 20:
        return "十" + d[n - 11]
    t, u = divmod(n, 10)
    return d[t - 1] + "十" + (d[u - 1] if u else "")


def legal_traditional(n):
    """ideographLegalTraditional (壹 貳 參 …), 1..10 as Word prints them."""
    return "壹貳參肆伍陸柒捌玖"[n - 1] if 1 <= n <= 9 else "壹拾" if n == 10 else str(n)


def parse_marker(line):
    """(family, value, label, rest) or None."""
    for fam, rx in enumerate(MARKERS):
        m = rx.match(line)
        if not m:
            continue
        g = m.groups()
        if fam in (0, 1):
            return fam, cn_value(g[0]), g[0] + g[1], g[2]
        if fam == 2:
            return fam, cn_value(g[1]), g[0] + g[1] + g[2] + g[3], g[4]
        if fam == 3:
            return fam, int(g[0]), g[0] + g[1], g[2]
        return fam, int(g[1]), g[0] + g[1] + g[2] + g[3], g[4]
    return None


def is_heading(line):
    pm = parse_marker(line)
    if not pm:
        return None
    rest = pm[3].strip()
    if not rest or len(rest) > 60 or "。" in rest or "；" in rest or rest.endswith("："):
        return None
    if pm[1] == 0:
        return None
    return pm


INLINE = re.compile(r"(\*\*.+?\*\*|<u>.+?</u>)")


def runs(text):
    """Runs for one line, turning markdown bold and <u> residue into formatting."""
    out = []
    for piece in INLINE.split(text):
        if not piece:
            continue
        if piece.startswith("**") and piece.endswith("**") and len(piece) > 4:
            out.append(run(piece[2:-2], bold=True))
        elif piece.startswith("<u>"):
            out.append(run(piece[3:-4], underline=True))
        else:
            out.append(run(piece))
    return "".join(out)


TAG = re.compile(r"<[^>]+>")


def cell_paras(text):
    """A grid cell: <p>…</p> residue becomes separate paragraphs."""
    chunks = [TAG.sub(" ", c).strip() for c in re.split(r"</p>|<br\s*/?>", text)]
    chunks = [c for c in chunks if c]
    return chunks or [""]


def tcell(paras, span=1, vmerge=None, header=False):
    pr = '<w:tcW w:w="0" w:type="auto"/>'
    if span > 1:
        pr += '<w:gridSpan w:val="%d"/>' % span
    if vmerge == "restart":
        pr += '<w:vMerge w:val="restart"/>'
    elif vmerge == "continue":
        pr += "<w:vMerge/>"
    body = "".join(para(runs(p)) for p in paras)
    return "<w:tc><w:tcPr>%s</w:tcPr>%s</w:tc>" % (pr, body)


def table(rows, header_rows=0, grid=True):
    """@rows: list of lists of (paras, span, vmerge) cells."""
    ncols = max(sum(c[1] for c in r) for r in rows)
    out = ['<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="0" w:type="auto"/></w:tblPr>']
    if grid:
        out.append("<w:tblGrid>%s</w:tblGrid>" % ('<w:gridCol w:w="%d"/>' % (9000 // ncols) * ncols))
    for i, r in enumerate(rows):
        trpr = "<w:trPr><w:tblHeader/></w:trPr>" if i < header_rows else ""
        cells = "".join(tcell(p, s, v) for p, s, v in r)
        out.append("<w:tr>%s%s</w:tr>" % (trpr, cells))
    out.append("</w:tbl>")
    return "".join(out)


def tab_table(lines):
    """Tab-separated lines → rows; an empty leading cell under a row above merges down."""
    split = [l.rstrip("\n").split("\t") for l in lines]
    ncols = max(len(s) for s in split)
    rows = []
    for i, cells in enumerate(split):
        cells = cells + [""] * (ncols - len(cells))
        row = []
        for j, c in enumerate(cells):
            vm = None
            if j == 0 and i > 0:
                below_empty = c.strip() == ""
                if below_empty and split[i - 1][0].strip() != "" or below_empty and rows[-1][0][2]:
                    vm = "continue"
            if j == 0 and vm is None and i + 1 < len(split) and split[i + 1][0].strip() == "" and c.strip():
                vm = "restart"
            row.append((cell_paras(c), 1, vm))
        rows.append(row)
    return table(rows, header_rows=0)


def space_grid(lines):
    """Seed 000's flattened cover grid: '服務機關 姓名職稱' then 'org name title' or 'name title'."""
    head = lines[0].split()
    body = [l.split() for l in lines[1:]]
    ncols = max(len(b) for b in body)
    rows = [[([head[0]], 1, None), ([" ".join(head[1:])], ncols - 1, None)]]
    for i, b in enumerate(body):
        if len(b) < ncols:
            row = [([""], 1, "continue")] + [([c], 1, None) for c in b[-(ncols - 1):]]
        else:
            nxt_short = i + 1 < len(body) and len(body[i + 1]) < ncols
            row = [([b[0]], 1, "restart" if nxt_short else None)] + [([c], 1, None) for c in b[1:ncols]]
        rows.append(row)
    return table(rows, header_rows=1)


TOC_TITLES = {"目錄", "目次", "圖目錄", "表目錄"}


def toc_level(entry):
    """TOC level of an entry by its marker family: 壹 1, 一 2, (一) 3, else 1."""
    pm = parse_marker(entry)
    if pm:
        return min(pm[0] + 1, 3)
    return 1


def toc_field(lines, office=False):
    """A TOC field whose cached result is the seed's entry lines. In an office
    rendition the entries are styled TOC1-3 by level and only the tab before
    the page number stays a tab (the dot-leader stop); the seed's other tabs
    (000: 壹<tab>•<tab>目的) become spaces, as they print."""
    out = []
    for i, l in enumerate(lines):
        body = ""
        if i == 0:
            body += ('<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
                     '<w:r><w:instrText xml:space="preserve"> TOC \\o "1-3" \\h \\z \\u </w:instrText></w:r>'
                     '<w:r><w:fldChar w:fldCharType="separate"/></w:r>')
        style = "TOC1"
        if office:
            head, sep, page = l.rpartition("\t")
            l = (head.replace("\t", " ") + sep + page) if sep else l
            style = "TOC%d" % toc_level(l)
        body += run(l)
        if i == len(lines) - 1:
            body += '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
        out.append(para(body, style=style))
    return "".join(out)


class NumState:
    """Simulates Word's counters for one list (abstractNum + num) so a heading is
    numbered only when Word would print the seed's own label. Typed labels never
    touch the counters, as in Word."""

    def __init__(self, num_id, starts=None):
        self.num_id = num_id
        self.starts = starts or {}
        self.counters = {}

    def next_value(self, ilvl):
        if ilvl in self.counters:
            return self.counters[ilvl] + 1
        return self.starts.get(ilvl, 1)

    def ambiguous(self, ilvl):
        """Deeper levels were numbered since this level last counted: Word and
        LibreOffice then disagree on this level's next number, so a heading
        here goes to another list."""
        return ilvl not in self.counters and any(k > ilvl for k in self.counters)

    def take(self, ilvl):
        self.counters[ilvl] = self.next_value(ilvl)
        for k in list(self.counters):
            if k > ilvl:
                del self.counters[k]


def word_label(fam, value, paren_full):
    if fam == 0:
        return legal_traditional(value) + "、"
    if fam == 1:
        return tw_counting(value) + "、"
    if fam == 2:
        return ("（%s）" if paren_full else "(%s)") % tw_counting(value)
    if fam == 3:
        return "%d." % value
    return ("（%d）" if paren_full else "(%d)") % value


def seed_numbering(paren_full, lists):
    """numbering.xml: list 2 is the bullet list; every NumState in @lists is a
    heading list of its own (a restart where the seed's numbering jumps)."""
    o, c = ("（", "）") if paren_full else ("(", ")")

    def levels(starts):
        return [
            lvl(0, "ideographLegalTraditional", "%1、", start=starts.get(0, 1), suff="nothing", ind=(480, 480)),
            lvl(1, "taiwaneseCountingThousand", "%2、", start=starts.get(1, 1), suff="nothing", ind=(960, 480)),
            lvl(2, "taiwaneseCountingThousand", o + "%3" + c, start=starts.get(2, 1), suff="nothing",
                ind=(1440, 480)),
            lvl(3, "decimal", "%4.", start=starts.get(3, 1), suff="nothing", ind=(1920, 480)),
            lvl(4, "decimal", o + "%5" + c, start=starts.get(4, 1), suff="nothing", ind=(2400, 480)),
        ]
    abstracts = {2: [lvl(0, "bullet", "\u2022", ind=(480, 240))]}
    nums = {2: (2, {})}
    for st in lists:
        abstracts[st.num_id] = levels(st.starts)
        nums[st.num_id] = (st.num_id, {})
    return ooxml.numbering_xml(abstracts, nums)


def build_seed(text, wordnum, office=False):
    lines = text.split("\n")
    paren_full = text.count("（一）") > text.count("(一)")
    lists = [NumState(1)]
    stack = []           # marker families of open headings
    body = []
    stats = {"headings": 0, "numbered": 0, "typed": 0, "tables": 0}
    i = 0
    in_cover = True
    toc_pending = False
    while i < len(lines):
        line = lines[i].rstrip("\r")
        s = line.strip()
        if not s:
            i += 1
            continue
        if s == "摘要":
            in_cover = False
        # Seed 000's cover grid, flattened into space-separated lines.
        if in_cover and s.startswith("服務機關") and "\t" not in line:
            j = i + 1
            grid = [s]
            while j < len(lines) and not lines[j].strip().startswith("派赴"):
                if lines[j].strip():
                    grid.append(lines[j].strip())
                j += 1
            if len(grid) > 1 and all(len(g.split()) >= 2 for g in grid[1:]):
                body.append(space_grid(grid))
                stats["tables"] += 1
                i = j
                continue
        if s in TOC_TITLES:
            body.append(para(run(s), style="Title" if False else None))
            toc_pending = True
            i += 1
            continue
        if "\t" in line:
            j = i
            block = []
            while j < len(lines) and ("\t" in lines[j] or (lines[j].strip() == "" and j + 1 < len(lines)
                                                           and "\t" in lines[j + 1] and toc_pending)):
                if lines[j].strip():
                    block.append(lines[j].rstrip("\r"))
                j += 1
            if toc_pending and all(re.search(r"\t\s*\d+\s*$", b) for b in block):
                body.append(toc_field([b.strip() for b in block], office))
            else:
                body.append(tab_table(block))
                stats["tables"] += 1
            toc_pending = False
            i = j
            continue
        toc_pending = False
        bullet = False
        if s.startswith("- "):
            bullet = True
            s = s[2:].strip()
        hm = None if bullet else is_heading(s)
        if hm:
            fam, value, label, rest = hm
            while stack and stack[-1] >= fam:
                stack.pop()
            stack.append(fam)
            depth = len(stack)
            stats["headings"] += 1
            style = "Heading%d" % min(depth, 6)
            if wordnum and word_label(fam, value, paren_full) == re.sub(r"\s", "", label):
                # The first list whose counters reach this value; else a new
                # list starting here (the seed restarts or skips numbers).
                state = next((st for st in lists if st.next_value(fam) == value and not st.ambiguous(fam)), None)
                if state is None:
                    state = NumState(len(lists) + 2, {fam: value})
                    lists.append(state)
                state.take(fam)
                body.append(para(runs(rest.strip()), style=style, num=state.num_id, ilvl=fam))
                stats["numbered"] += 1
            else:
                body.append(para(runs(s), style=style))
                stats["typed"] += 1
        elif bullet:
            body.append(para(runs(s), style="ListParagraph", num=2, ilvl=0))
        else:
            body.append(para(runs(s)))
        i += 1
    stats["lists"] = len(lists)
    return "".join(body), stats, lists


def seed_title(text):
    for l in text.split("\n"):
        s = l.strip()
        if s.startswith("出席") or s.startswith("參加"):
            return s
    return ""


FOOTER = ('<w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:r><w:fldChar w:fldCharType="begin"/></w:r>'
          '<w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
          '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r>'
          '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>')


# An office's running header: on every page, the cover included.
HEADER = '<w:p><w:pPr><w:jc w:val="right"/></w:pPr><w:r><w:t>出國報告</w:t></w:r></w:p>'


def write_seed(seed_path, out_path, wordnum, office=False):
    """@office: the rendition offices export to PDF: a running header on every
    page (cover too) and Word's TOC styles (levels, dot leaders)."""
    with open(seed_path, encoding="utf-8") as f:
        text = f.read()
    body, stats, lists = build_seed(text, wordnum, office)
    pkg = ooxml.Package()
    pkg.add_part("word/styles.xml", ooxml.styles_xml(toc_tabs=office), wml_ct("styles"))
    pkg.main_rel("styles", "styles.xml")
    pkg.add_part("word/numbering.xml", seed_numbering(text.count("（一）") > text.count("(一)"), lists),
                 wml_ct("numbering"))
    pkg.main_rel("numbering", "numbering.xml")
    pkg.add_part("word/footer1.xml", ooxml.part_xml("ftr", FOOTER), wml_ct("footer"))
    fid = pkg.main_rel("footer", "footer1.xml")
    refs = '<w:footerReference w:type="default" r:id="%s"/>' % fid
    if office:
        pkg.add_part("word/header1.xml", ooxml.part_xml("hdr", HEADER), wml_ct("header"))
        refs = '<w:headerReference w:type="default" r:id="%s"/>' % pkg.main_rel("header", "header1.xml") + refs
    sect = ('<w:sectPr>%s'
            '<w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1440" w:right="1440" w:bottom="1440" '
            'w:left="1440" w:header="851" w:footer="992" w:gutter="0"/></w:sectPr>' % refs)
    pkg.add_part("word/document.xml", ooxml.document_xml(body, sect=sect), ooxml.CT_MAIN)
    title = seed_title(text)
    pkg.add_part("docProps/core.xml",
                 ooxml.core_xml(title=title, creator="docnorm samples",
                                created="2025-01-01T00:00:00Z", modified="2025-01-02T03:04:05Z"),
                 "application/vnd.openxmlformats-package.core-properties+xml")
    pkg.add_rel("", "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties",
                "docProps/core.xml")
    pkg.write(out_path)
    return stats


def main():
    seeds = sys.argv[1] if len(sys.argv) > 1 else "/work/shared/seeds"
    here = os.path.dirname(os.path.abspath(__file__))
    out = sys.argv[2] if len(sys.argv) > 2 else os.path.join(here, "..", "docx")
    os.makedirs(out, exist_ok=True)
    for name in sorted(os.listdir(seeds)):
        m = re.match(r"(\d{3})_.*\.txt$", name)
        if not m:
            continue
        for wordnum, office, kind in ((False, False, "manual"), (True, False, "wordnum"),
                                      (False, True, "office")):
            dst = os.path.join(out, "seed-%s-%s.docx" % (m.group(1), kind))
            st = write_seed(os.path.join(seeds, name), dst, wordnum, office)
            print("%s: %d headings (%d Word-numbered in %d lists, %d typed), %d tables"
                  % (os.path.basename(dst), st["headings"], st["numbered"], st["lists"] if wordnum else 0,
                     st["typed"], st["tables"]))
    try:
        import features
    except ImportError:
        return
    features.make_features(out)


if __name__ == "__main__":
    main()
