#!/usr/bin/env python3
"""CLI-level tests of the PDF reader on the committed samples (samples/pdf/).

  test_pdf_cli.py DOCNORM SAMPLES_DIR

Each check states what the sample was built to contain (see
samples/tools/make-pdf-samples.py and make-pdf.sh); a failure names the
sample and the expectation. Standard library only.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

EXE, SAMPLES = sys.argv[1], sys.argv[2]
failures = []

# The paragraphs make-pdf-samples.py typed into feature-columns.pdf.
P1 = ("亞太經濟合作（APEC）為亞太地區重要的經貿合作論壇，亦是我國參與國際經貿合作之重要平台。"
      "本（113）年 APEC 第三次資深官員會議及相關會議訂於 8 月 12 日至 25 日在秘魯舉行，期間各委員會、"
      "工作小組及次級論壇舉行大會及研討會，討論貿易、投資、數位、衛生、婦女、關務及能源等眾多議題，"
      "同時並召開能源、衛生及糧食安全等三場部長級會議。")
P2 = ("本辦公室專責對外經貿談判，近年來負責辦理我國出席 APEC 貿易部長會議，爰本次派員參加與業務相關之"
      "貿易暨投資委員會（CTI）、數位經濟指導小組（DESG）及資料隱私工作次級小組（DPS）等會議，"
      "以增進對國際經貿議題之瞭解，累積業務推動所需知識及能力。")
P3 = ("The Digital Economy Steering Group discussed the cross-border privacy rules, "
      "artificial intelligence governance and the digital inclusion agenda, and members "
      "agreed to continue the work on interoperability between privacy frameworks.")
P4 = ("由於兒童使用數位科技的情形大幅提升，為避免業者利用兒童心智尚未成熟而擅加蒐集利用其個人資料，"
      "多數國家紛紛主張對兒童在線上活動的隱私採取更高保護。新加坡於今年發布兒童個資保護指引，"
      "要求業者在蒐集兒童個人資料前取得家長同意，並以兒童能理解之方式說明蒐集目的。")


def check(cond, msg):
    if not cond:
        failures.append(msg)
    return cond


def run(args):
    p = subprocess.run([EXE] + args, capture_output=True, timeout=60)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def convert(name, *extra, path=None):
    path = path or os.path.join(SAMPLES, name)
    rc, out, err = run(["convert", "--raw", "--hints", *extra, path])
    record = json.loads(out) if rc == 0 else None
    # A failure prints one line of its own; poppler never prints.
    lines = [ln for ln in err.splitlines() if ln.strip()]
    check(len(lines) == (0 if rc == 0 else 1), f"{name}: unexpected stderr {err!r}")
    if lines:
        check(lines[0].startswith("docnorm: "), f"{name}: stderr not from docnorm: {err!r}")
    return rc, record, err


def nodes(record):
    stack = [record["body"]]
    out = []
    while stack:
        n = stack.pop()
        out.append(n)
        stack.extend(reversed(n.get("children", [])))
    return out


def flags(n):
    return n.get("hints", {}).get("flags", [])


def squash(s):
    return re.sub(r"\s+", "", s or "")


def table_rows(t):
    return [[c.get("text", "") for c in r.get("children", [])] for r in t.get("children", [])]


def warning_codes(record):
    return [(w["code"], w.get("page", 0)) for w in record.get("warnings", [])]


def test_report():
    rc, rec, _ = convert("feature-report.pdf")
    if not check(rc == 0, f"feature-report: exit {rc}"):
        return
    meta = rec["metadata"]
    check(rec["source"]["pages"] == 4, "feature-report: 4 pages")
    check(meta.get("title") == "出席 APEC 資深官員會議報告（樣本）", f"title {meta.get('title')!r}")
    check(meta.get("author") == "docnorm samples", "author")
    check(meta.get("subject") == "docnorm PDF feature sample", "subject")
    check(meta.get("keywords") == "APEC, 數位經濟", "keywords")
    check(meta.get("producer", "").startswith("LibreOffice"), "producer")
    check(meta.get("creator") == "Writer", "creator")
    check(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)", meta.get("created", "")),
          f"created not ISO 8601: {meta.get('created')!r}")
    check(re.fullmatch(r"1\.\d", meta.get("pdf_version", "")), "pdf_version")
    check(meta.get("tagged") is False, "tagged is a boolean (false here)")

    body = [n for n in rec["body"]["children"]]
    title = body[1] if len(body) > 1 else {}
    check(title.get("text") == "出席 2024 年亞太經濟合作(APEC)第三次資深官員\n會議期間相關會議"
          and title["hints"].get("align") == "center" and title["hints"].get("font_size") == 20.0
          and "wrapped_lines" in flags(title), f"feature-report: wrapped centred title {title}")
    furniture = [(n.get("role"), n.get("text"), n.get("page")) for n in body if n["type"] == "furniture"]
    for p in (2, 3, 4):
        check(("header", "出國報告", p) in furniture, f"feature-report: running header on page {p}")
        check(("page_number", f"- {p} -", p) in furniture, f"feature-report: page number on page {p}")
    check(len(furniture) == 6, f"feature-report: 6 furniture blocks, got {furniture}")
    check(not any(n["type"] != "furniture" and n.get("text") in ("出國報告", "- 2 -") for n in body),
          "feature-report: running header left in body text")

    tables = [n for n in body if n["type"] == "table"]
    check(len(tables) == 2, f"feature-report: 2 tables, got {len(tables)}")
    if len(tables) == 2:
        cover, itinerary = table_rows(tables[0]), table_rows(tables[1])
        check(cover == [["服務機關", "姓名", "職稱"], ["國家發展委員會", "鄭美華", "科長"],
                        ["行政院經貿談判辦公室", "游佳蓁", "助理談判代表"], ["數位發展部", "張揚理", "研究員"]],
              f"feature-report: cover grid {cover}")
        check("header_row" in flags(tables[0]["children"][0]), "cover grid: first row is a header row")
        check(len(itinerary) == 6 and itinerary[0] == ["時間", "會議"], f"itinerary {itinerary}")
        wrapped = [r for r in itinerary if r[0] == "8 月 18 日(日)"]
        check(len(wrapped) == 1 and squash(wrapped[0][1]) ==
              squash("資料隱私工作次級小組 (Data Privacy Sub-Group) 會議，討論跨境隱私規則之推動")
              and "\n" in wrapped[0][1], f"itinerary wrapped cell {wrapped}")
        check(itinerary[-1] == ["8 月 24 日(六)", "返臺"], f"itinerary last row {itinerary[-1:]}")

    headings = [(n.get("text"), n.get("hints", {}).get("outline_level")) for n in body if n["type"] == "heading"]
    check(headings == [("壹、目的", 1), ("一、會議概況", 2), ("貳、行程", 1), ("參、心得及建議", 1)],
          f"feature-report: outline headings {headings}")

    # The fifth paragraph under 一、會議概況 runs from page 2 onto page 3.
    cont = [n for n in body if "continues" in flags(n)]
    check(len(cont) == 1, f"feature-report: one continued paragraph, got {len(cont)}")
    if cont:
        c = cont[0]
        check(c["page"] == 2 and c["text"].startswith("亞太經濟合作") and not c["text"].endswith("。"),
              "continued paragraph is the page-2 tail")
        after = body[body.index(c) + 1:]
        nxt = next(n for n in after if n["type"] != "furniture")
        check(nxt["page"] == 3 and nxt["text"].startswith("及能源等眾多議題"), "continuation opens page 3")
        check(squash(c["text"] + nxt["text"]) == squash(P1), "the two halves make the paragraph")

    # Wrapped lines: one paragraph per typed paragraph, '\n' between lines.
    paras = [n for n in body if n["type"] == "paragraph"]
    p2 = [n for n in paras if squash(n["text"]) == squash(P2)]
    check(len(p2) == 4, f"feature-report: P2 read as whole paragraphs 4 times, got {len(p2)}")
    for n in p2:
        check("wrapped_lines" in flags(n) and n["text"].count("\n") >= 2, "P2 keeps its line breaks")
        check(n["hints"].get("font_size") == 14.0, f"P2 font size {n['hints'].get('font_size')}")

    figs = [n for n in body if n["type"] == "figure"]
    check(len(figs) == 1, f"feature-report: one figure, got {len(figs)}")
    if figs:
        f = figs[0]
        x0, y0, x1, y1 = f["hints"]["bbox"]
        check(f["page"] == 3 and 0 <= x0 < x1 <= 595.5 and 0 <= y0 < y1 <= 842, f"figure box {f['hints']}")
        check(abs((x1 - x0) - 8 / 2.54 * 72) < 3, f"figure is 8 cm wide: {x1 - x0}")
        nxt = body[body.index(f) + 1]
        check(nxt.get("text", "").startswith("圖 1："), "caption follows the figure as text")
        check("image" not in f, "no image attribute without --images")

    with tempfile.TemporaryDirectory() as tmp:
        imgdir = os.path.join(tmp, "imgs")
        rc, rec2, _ = convert("feature-report.pdf", "--images", imgdir)
        figs = [n for n in nodes(rec2) if n["type"] == "figure"] if rc == 0 else []
        check(len(figs) == 1 and figs[0].get("image") == "p003-img01.png", f"--images name {figs}")
        png = os.path.join(imgdir, "p003-img01.png")
        check(os.path.isfile(png) and open(png, "rb").read(8) == b"\x89PNG\r\n\x1a\n", "PNG written")
        if figs:
            check(figs[0].get("width") == 240 and figs[0].get("height") == 140, "image pixel size")


def test_columns():
    rc, rec, _ = convert("feature-columns.pdf")
    if not check(rc == 0, f"feature-columns: exit {rc}"):
        return
    check(rec["metadata"].get("tagged") is True, "feature-columns: exported as a tagged PDF")
    body = rec["body"]["children"]
    texts = [n.get("text", "") for n in body]
    expected = ["數位經濟指導小組會議紀要（兩欄）", "左欄開始：" + P1, P2, P4, P3, "右欄開始：" + P4, P1,
                P2 + "右欄結束。"]
    check([squash(t) for t in texts] == [squash(t) for t in expected],
          "feature-columns: columns read one after the other, paragraphs whole:\n  "
          + "\n  ".join(t[:30].replace("\n", "⏎") for t in texts))
    check(all(n["type"] == "paragraph" for n in body), "feature-columns: no table guessed from columns")


def test_scan():
    # A page of pictures without text. Without OCR it is flagged as a scan;
    # with OCR (when built) recognising it finds nothing, and the picture
    # stays a figure.
    rc, rec, _ = convert("feature-scan.pdf", "--ocr", "never")
    if not check(rc == 0, f"feature-scan: exit {rc}"):
        return
    codes = warning_codes(rec)
    check(("NO_TEXT_LAYER", 1) in codes and ("NO_TEXT_LAYER", 0) in codes, f"feature-scan warnings {codes}")
    kinds = [n["type"] for n in rec["body"]["children"]]
    check(kinds == ["figure"], f"feature-scan: one figure and no text, got {kinds}")
    check("ocr" not in rec["source"], "feature-scan: --ocr never recognises nothing")
    rc, rec, _ = convert("feature-scan.pdf")
    if not check(rc == 0, f"feature-scan (auto): exit {rc}"):
        return
    kinds = [n["type"] for n in rec["body"]["children"]]
    check(kinds == ["figure"], f"feature-scan (auto): the picture stays a figure, got {kinds}")
    if "ocr" in rec["source"]:
        check(("OCR_NO_TEXT", 1) in warning_codes(rec), f"feature-scan (auto): {warning_codes(rec)}")
        check([p["page"] for p in rec["source"]["ocr"]["pages"]] == [1], "feature-scan (auto): page 1 recognised")
    else:
        check(("NO_TEXT_LAYER", 0) in warning_codes(rec), "feature-scan (auto, no engine): flagged")


def test_encrypted():
    for name in ("bad/encrypted-rc4.pdf", "bad/encrypted-aes256.pdf"):
        rc, _, err = convert(name)
        check(rc == 5 and "encrypted PDF (use --password)" in err, f"{name}: no password: {rc} {err!r}")
        rc, _, err = convert(name, "--password", "not-it")
        check(rc == 5 and "wrong password" in err, f"{name}: wrong password: {rc} {err!r}")
        rc, rec, err = convert(name, "--password", "docnorm")
        if check(rc == 0, f"{name}: right password: {rc} {err!r}"):
            check(rec["metadata"].get("encrypted") is True, f"{name}: metadata.encrypted")
            text = "".join(n.get("text", "") for n in nodes(rec))
            check("左欄開始" in text and "右欄結束" in text, f"{name}: decrypted text")


def test_damaged():
    rc, _, err = convert("bad/damaged-header-only.pdf")
    check(rc == 1 and "damaged PDF" in err, f"damaged-header-only: {rc} {err!r}")
    rc, rec, err = convert("bad/damaged-garbage.pdf")
    if check(rc == 0, f"damaged-garbage: poppler recovers it: {rc} {err!r}"):
        check(any(c == "PDF_DAMAGED" for c, _ in warning_codes(rec)), "damaged-garbage: PDF_DAMAGED warning")
        check(any("出國報告" in (n.get("text") or "") for n in nodes(rec)), "damaged-garbage: text recovered")
    rc, rec, err = convert("bad/damaged-truncated.pdf")
    # Either refused as corrupt or read with a warning; never a silent success.
    if rc == 0:
        check(any(c == "PDF_DAMAGED" for c, _ in warning_codes(rec)), "damaged-truncated: warning")
    else:
        check(rc == 1 and "damaged PDF" in err, f"damaged-truncated: {rc} {err!r}")


def test_probe():
    with tempfile.TemporaryDirectory() as tmp:
        # A PDF named .txt is still a PDF; so is one with junk before %PDF-.
        renamed = os.path.join(tmp, "scan.txt")
        shutil.copy(os.path.join(SAMPLES, "feature-scan.pdf"), renamed)
        rc, rec, _ = convert("scan.txt", path=renamed)
        check(rc == 0 and rec["source"]["format"] == "pdf", "probe: .txt holding a PDF")
        junk = os.path.join(tmp, "junk.pdf")
        with open(junk, "wb") as f:
            f.write(b"\0" * 500 + open(os.path.join(SAMPLES, "feature-scan.pdf"), "rb").read())
        rc, rec, _ = convert("junk.pdf", path=junk)
        check(rc == 0 and rec["source"]["format"] == "pdf", f"probe: %PDF- after 500 bytes: {rc}")


def test_seeds():
    rc, rec, _ = convert("seed-001.pdf")
    if check(rc == 0, f"seed-001: exit {rc}"):
        body = rec["body"]["children"]
        heads = [(n["text"], n["hints"].get("outline_level")) for n in body if n["type"] == "heading"]
        for h in [("壹、目的", 1), ("貳、行程", 1), ("參、出席會議情形", 1), ("肆、心得及建議", 1)]:
            check(h in heads, f"seed-001: heading {h}")
        numbers = {n["page"] for n in body if n.get("role") == "page_number"}
        check(numbers == set(range(1, rec["source"]["pages"] + 1)), f"seed-001: page numbers {numbers}")
        rows = [r for t in body if t["type"] == "table" for r in table_rows(t)]
        check(["8 月 18 日(日)", "資料隱私工作次級小組 (Data Privacy\nSub-Group) 會議"] in rows,
              f"seed-001: itinerary row {rows[:3]}")
    rc, rec, _ = convert("seed-003.pdf")
    if check(rc == 0, f"seed-003: exit {rc}"):
        grids = [table_rows(t) for t in rec["body"]["children"] if t["type"] == "table"]
        cover = [g for g in grids if g and g[0] == ["服務機關", "姓名", "職稱"]]
        check(len(cover) == 1 and len(cover[0]) == 12 and cover[0][1] == ["數位發展部", "沈信雄", "專門委員"],
              f"seed-003: cover grid {cover[:1]}")
        # The seed DOCX carries captions but no pictures: captions stay text.
        caps = [n for n in nodes(rec) if re.match(r"圖 \d+：", n.get("text") or "")]
        check(len(caps) >= 24 and all(n["type"] == "paragraph" for n in caps), f"seed-003: captions {len(caps)}")


for t in (test_report, test_columns, test_scan, test_encrypted, test_damaged, test_probe, test_seeds):
    try:
        t()
    except Exception as e:  # a crash in one test should not hide the others
        failures.append(f"{t.__name__}: {type(e).__name__}: {e}")

for f in failures:
    print("FAIL:", f)
print(f"{len(failures)} failure(s)")
sys.exit(1 if failures else 0)
