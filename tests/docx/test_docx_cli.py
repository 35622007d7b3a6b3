#!/usr/bin/env python3
"""CLI-level tests of the DOCX reader on the committed samples.

  test_docx_cli.py DOCNORM SAMPLES_DIR

Every expectation below was written by hand from what the sample holds
(samples/tools/features.py builds them); none is copied from the reader's
output.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile

DOCNORM, SAMPLES = sys.argv[1], sys.argv[2]
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def convert(name, *extra, path=None):
    p = path or os.path.join(SAMPLES, name)
    r = subprocess.run([DOCNORM, "convert", "--raw", *extra, p], capture_output=True, text=True)
    if r.returncode != 0:
        return r.returncode, None, r.stderr
    return 0, json.loads(r.stdout), r.stderr


def nodes(rec, type_=None):
    out = []
    stack = [rec["body"] if "body" in rec else rec]
    while stack:
        n = stack.pop()
        if type_ is None or n["type"] == type_:
            out.append(n)
        stack.extend(reversed(n.get("children", [])))
    return out


def texts(rec, type_):
    return [n.get("text", "") for n in nodes(rec, type_)]


def read(name, *extra):
    rc, rec, err = convert(name, *extra)
    check(rc == 0, "%s converts (rc %s: %s)" % (name, rc, err.strip()))
    return rec or {"body": {"type": "document", "children": []}, "metadata": {}, "warnings": []}


# ---- body text, styles, headings ----
rec = read("feature-body.docx", "--hints")
heads = nodes(rec, "heading")
check([h["text"] for h in heads] == ["標題一", "標題二", "标题三", "自訂章節", "大標"],
      "headings by localized name, WPS id, basedOn and outlineLvl: %r" % [h.get("text") for h in heads])
levels = [h.get("hints", {}).get("outline_level") for h in heads]
check(levels == [1, 2, 3, 1, 2], "heading outline levels %r" % levels)
check(heads and heads[0].get("hints", {}).get("style") == "a1", "style hint carries the style id")
paras = {n.get("text"): n for n in nodes(rec, "paragraph")}
check("粗體繼承" in paras and any("bold" in m["marks"] for m in paras["粗體繼承"].get("marks", [])),
      "bold inherited through basedOn")
mixed = paras.get("一般粗體斜體底線強調", {})
spans = [(m["start"], m["end"], m["marks"]) for m in mixed.get("marks", [])]
check(spans == [(2, 4, ["bold"]), (4, 6, ["italic"]), (6, 8, ["underline"]), (8, 10, ["italic"])],
      "run marks incl. character style: %r" % spans)
check("欄一\t欄二\n第二行" in paras, "tab and line break kept")
check("書籤TehXY" in paras, "bookmarks, proofing marks and rendered page breaks leave no trace")
check("co\u00adoperate e\u2011mail\uf0e0\u03b1" in paras, "soft hyphen (U+00AD), non-breaking hyphen, w:sym (Wingdings kept, Symbol α mapped)")
check("新頁" in paras, "page break leaves the text")
check("臺灣" in paras, "ruby: base text kept, phonetic guide dropped")
check(paras.get("置中", {}).get("hints", {}).get("align") in ("center",), "alignment hint")
furn = nodes(rec, "furniture")
check([f.get("role") for f in furn] == ["header", "page_number"], "header and footer furniture: %r"
      % [f.get("role") for f in furn])
check(rec["body"]["children"][0]["type"] == "furniture", "header furniture comes first")
meta = rec.get("metadata", {})
want_meta = {"title": "功能範例", "subject": "DOCX 讀取", "author": "王小明", "keywords": "APEC; 數位",
             "description": "說明文字", "last_modified_by": "李大華", "created": "2024-03-01T00:00:00Z",
             "modified": "2024-03-02T10:30:00Z", "pages": 12, "company": "國家發展委員會"}
for k, v in want_meta.items():
    check(meta.get(k) == v, "metadata %s = %r (got %r)" % (k, v, meta.get(k)))

rec = read("feature-hidden.docx")
check(texts(rec, "paragraph") == ["可見文字"], "hidden (vanish) text dropped: %r" % texts(rec, "paragraph"))

# ---- numbering ----
rec = read("feature-numbering.docx")
want = {"taiwaneseCounting": "十一、", "taiwaneseCountingThousand": "（一百零一）", "taiwaneseDigital": "一〇五、",
        "ideographTraditional": "（丙）", "ideographZodiac": "亥、", "ideographLegalTraditional": "（壹拾貳）",
        "ideographDigital": "二〇、", "chineseCounting": "（二十）", "chineseCountingThousand": "一千零一、",
        "chineseLegalSimplified": "（叁）", "decimalFullWidth": "１２、", "decimalEnclosedCircle": "（⑤）",
        "decimalEnclosedCircleChinese": "⑳、", "decimalEnclosedParen": "（⑶）", "upperLetter": "BB、",
        "lowerLetter": "（b）", "upperRoman": "XIV、", "lowerRoman": "（ix）", "decimal": "7、",
        "第一章": "壹、", "第一節": "一、", "第一款": "（一）", "第二款": "（二）", "法條": "1.1.2.1",
        "第二節": "二、", "第三款": "（一）", "第二章": "貳、", "第五節": "五、", "第六節": "六、",
        "項目符號": "\u25cf", "無編號": None}
got = {n.get("text"): n.get("label") for n in nodes(rec, "paragraph")}
for text, label in want.items():
    check(got.get(text, "missing") == label, "label of %s: want %r, got %r" % (text, label, got.get(text, "missing")))
check(not rec.get("warnings"), "no warnings for supported formats: %r" % rec.get("warnings"))

rec = read("feature-numstyle.docx")
got = [(n.get("text"), n.get("label"), n["type"]) for n in nodes(rec) if n["type"] in ("heading", "paragraph")]
check(got == [("目的", "壹、", "heading"), ("背景", "一、", "heading"), ("範圍", "二、", "heading"),
              ("項目A", "1.", "paragraph"), ("過程", "貳、", "heading"), ("行程", "一、", "heading"),
              ("項目B", "2.", "paragraph"), ("覆寫", "C)", "paragraph"), ("未編號標題", None, "heading")],
      "numbering through styles, lvlRestart 0, lvlOverride with a whole lvl, numId 0: %r" % got)

rec = read("feature-numlink.docx")
got = [(n.get("label"), n.get("text")) for n in nodes(rec, "heading")]
check(got == [("壹、", "目的"), ("一、", "背景"), ("二、", "範圍"), ("貳、", "過程"), ("一、", "行程")],
      "levels from lvl pStyle links, levels through numStyleLink: %r" % got)

# ---- tables ----
rec = read("feature-tables.docx")
tables = [n for n in rec["body"]["children"] if n["type"] == "table"]
check(len(tables) == 2, "two top-level tables")
if len(tables) == 2:
    rows = tables[0]["children"]
    check(len(rows) == 5, "five rows")
    cells0 = rows[1]["children"] if len(rows) > 1 else []
    check(cells0 and cells0[0].get("row_span") == 2, "vMerge restart cell spans 2 rows")
    check(len(rows) > 2 and len(rows[2]["children"]) == 2, "merged-away cell not repeated")
    check(len(rows) > 3 and rows[3]["children"][0].get("col_span") == 2, "gridSpan → col_span 2")
    nested = nodes(rows[4], "table") if len(rows) > 4 else []
    check(len(nested) == 1 and [c["children"][0]["text"] for c in nested[0]["children"][0]["children"]]
          == ["內1", "內2"], "nested table inside a cell")
    check(texts(tables[1], "paragraph") == ["甲", "乙", "丙"], "table without tblGrid reads")
rec = read("feature-tables.docx", "--hints")
hdr = [r for r in nodes(rec, "table_row") if "header_row" in r.get("hints", {}).get("flags", [])]
check(len(hdr) == 1 and texts(hdr[0], "paragraph") == ["日期", "地點", "活動"], "tblHeader → header_row flag")

# ---- notes, comments, tracked changes, text boxes ----
rec = read("feature-notes.docx")
p0 = nodes(rec, "paragraph")[0]
check(p0.get("text") == "本次會議由韓國主辦1，共 15 個經濟體出席2。", "note reference numbers in text: %r" % p0.get("text"))
refs = [(m["start"], m.get("href")) for m in p0.get("marks", []) if "note_ref" in m["marks"]]
check(refs == [(9, "fn1"), (22, "fn2")], "note_ref spans %r" % refs)
notes = nodes(rec, "footnote")
check([(n.get("note_id"), n.get("role"), texts(n, "paragraph")) for n in notes] ==
      [("fn1", "footnote", [" 資料來源：APEC 秘書處。"]), ("fn2", "footnote", ["第二個註腳。"]),
       ("fn3", "footnote", ["註三"]), ("fn4", "footnote", ["註四"]), ("en1", "endnote", ["章末附註。"])],
      "footnotes and endnotes, separators skipped, an unclosed field ends with its note")
check([n.get("label") for n in notes] == ["1", "2", None, None, "1"], "note labels are the reference numbers")

rec = read("feature-comments.docx")
check(texts(rec, "paragraph")[0] == "會議共有多位代表出席。", "comment marks leave body text alone")
cm = nodes(rec, "comment")
check(len(cm) == 1 and cm[0].get("author") == "審查人" and texts(cm[0], "paragraph") == ["請補充出席人數。"],
      "comment kept apart with its author")

rec = read("feature-tracked.docx")
check(texts(rec, "paragraph") == ["我國積極參與討論。", "保留。", "移入的句子。", "留下的列"],
      "tracked changes read as final: %r" % texts(rec, "paragraph"))

rec = read("feature-textbox.docx")
allt = texts(rec, "paragraph")
check(allt.count("文字方塊內容") == 1, "text box read once: %r" % allt)

# ---- TOC, hyperlinks, images ----
rec = read("feature-toc.docx")
toc = nodes(rec, "toc")
entries = nodes(rec, "toc_entry")
check(len(toc) == 1, "one toc node")
check([(e.get("text"), e.get("printed_page")) for e in entries] == [("壹、目的", 2), ("貳、過程", 3), ("參、心得及建議", 7)],
      "TOC field result → entries with printed pages: %r" % [(e.get("text"), e.get("printed_page")) for e in entries])
check(texts(rec, "heading") == ["壹、目的", "貳、過程", "參、心得及建議"], "headings after the TOC stay headings")

rec = read("feature-hyperlinks.docx")
links = [(n["text"][m["start"]:m["end"]], m.get("href")) for n in nodes(rec, "paragraph")
         for m in n.get("marks", []) if "link" in m["marks"]]
check(links == [("APEC 網站", "https://www.apec.org/"), ("第二節", "#sec2"), ("國發會", "https://www.ndc.gov.tw/")],
      "hyperlinks (relationship, anchor, HYPERLINK field): %r" % links)

rec = read("feature-images.docx")
figs = nodes(rec, "figure")
check(len(figs) == 3, "three figures")
if len(figs) == 3:
    check(figs[0].get("alt") == "APEC TELWG 共同主席開場" and figs[0].get("media_type") == "image/png"
          and figs[0].get("image") == "word/media/image1.png" and figs[0].get("width") == 200,
          "DrawingML figure attrs %r" % figs[0])
    check(figs[1].get("alt") == "VML 圖片" and figs[1].get("image") == "word/media/image2.png", "VML figure attrs")
with tempfile.TemporaryDirectory() as d:
    rc, rec2, _ = convert("feature-images.docx", "--images", d)
    check(rc == 0 and sorted(os.listdir(d)) == ["feature-images-image1-2.png", "feature-images-image1.png",
                                                 "feature-images-image2.png"],
          "--images writes stable, distinct names: %r" % (os.listdir(d),))
    if rc == 0:
        names = [f.get("image") for f in nodes(rec2, "figure")]
        check(names == ["feature-images-image1.png", "feature-images-image2.png", "feature-images-image1-2.png"],
              "figure image attrs name the written files: %r" % names)
        with open(os.path.join(d, "feature-images-image1-2.png"), "rb") as fh:
            data = fh.read()
        with zipfile.ZipFile(os.path.join(SAMPLES, "feature-images.docx")) as z:
            check(data == z.read("word/embeddings/image1.png"), "written image is the embedded part's bytes")

# ---- package variants ----
rec = read("feature-strict.docx")
check(texts(rec, "heading") == ["嚴格格式標題"] and texts(rec, "paragraph") == ["Strict OOXML 的本文與一般文字。"],
      "Strict OOXML reads")
check(rec.get("metadata", {}).get("title") == "Strict 範例", "Strict metadata")
rec = read("feature-mainpart.docx")
check(texts(rec, "paragraph") == ["仍可讀取。"], "main part found through _rels/.rels")

# A DOCX named .pdf is still read as DOCX.
with tempfile.TemporaryDirectory() as d:
    fake = os.path.join(d, "report.pdf")
    shutil.copy(os.path.join(SAMPLES, "seed-002-manual.docx"), fake)
    rc, rec, err = convert(None, path=fake)
    check(rc == 0 and rec["source"]["format"] == "docx", "a .pdf that is a DOCX reads as DOCX (%s)" % err.strip())

# ---- legal but hostile shapes read in bounded time and stack ----
rec = read("stress/stress.docx")
b = rec["body"]["children"]
check(len(b) == 3 and b[0].get("text") == "鏈末", "20 000-style basedOn chain reads")
check(any(w["code"] == "DOCX_STYLE_LOOP" for w in rec.get("warnings", [])), "over-long style chain is reported")
check(len(b) == 3 and len(b[1].get("marks", [])) == 5000 and b[1]["marks"][-1].get("href") == "https://example.org/4999",
      "5 000 hyperlink relationships resolve")
check(len(b) == 3 and len(b[2]["children"]) == 11 and len(b[2]["children"][0]["children"]) == 1000
      and b[2]["children"][0]["children"][-1].get("row_span") == 11
      and len(b[2]["children"][1].get("children", [])) == 0, "1 000 columns merged down 11 rows")

# ---- hostile and unsupported inputs: exit status and message ----
bad = {"bad/zip-bomb.docx": (1, "zip bomb"), "bad/traversal.docx": (1, ".."), "bad/absolute.docx": (1, "absolute"),
       "bad/xxe.docx": (1, "DTD"), "bad/billion-laughs.docx": (1, "DTD"), "bad/deep.docx": (1, "deeper"),
       "bad/malformed.docx": (1, "malformed"), "bad/no-main-part.docx": (1, "main document part"),
       "bad/encrypted.docx": (5, "encrypted"), "bad/legacy.doc": (4, "legacy Word .doc is not supported")}
for name, (code, words) in bad.items():
    rc, _, err = convert(name)
    check(rc == code and words in err and err.count("\n") == 1,
          "%s: exit %d with one line containing %r (got %d: %r)" % (name, code, words, rc, err))

# ---- seeds: Word-numbered headings read the same as typed ones ----
def squash(s):
    return re.sub(r"\s+", "", s or "")


for seed in ("000", "001", "002", "003", "004"):
    rm = read("seed-%s-manual.docx" % seed)
    rw = read("seed-%s-wordnum.docx" % seed)
    hm = [squash(h.get("text")) for h in nodes(rm, "heading")]
    hw = [squash((h.get("label") or "") + h.get("text", "")) for h in nodes(rw, "heading")]
    check(hm == hw, "seed %s: Word-numbered headings (label + text) equal the typed ones (%d vs %d)"
          % (seed, len(hm), len(hw)))
    check(len(hm) > 0, "seed %s has headings" % seed)
    labelled = [h for h in nodes(rw, "heading") if h.get("label")]
    check(len(labelled) > 0 and all(h.get("marker_type") for h in labelled), "seed %s: labels with marker types" % seed)
    check(texts(rm, "paragraph") == texts(rw, "paragraph"), "seed %s: same paragraphs" % seed)

rec = read("seed-000-manual.docx")
cover = [n for n in rec["body"]["children"] if n["type"] == "table"]
check(cover and cover[0]["children"][1]["children"][0].get("row_span") == 2,
      "seed 000 cover grid: 國家發展委員會 spans its two rows")
rec = read("seed-001-manual.docx")
itin = [n for n in nodes(rec, "table") if any("出發、抵達" == t for t in texts(n, "paragraph"))]
check(len(itin) == 1 and len(itin[0]["children"]) == 7, "seed 001 itinerary is a 7-row table")
check(len(nodes(rec, "toc_entry")) == 4, "seed 001 目次 is a TOC field with 4 entries")

if failures:
    print("%d failure(s)" % len(failures))
    sys.exit(1)
print("ok")
