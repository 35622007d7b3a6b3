#!/usr/bin/env python3
"""OCR of the committed scans (samples/scan/) against the born-digital
pages they were made from.

  test_ocr_scans.py DOCNORM SCAN_DIR

Slow (Tesseract, ~5 s a page): left out of the sanitizer run (.ci/sanitize).
Recall is measured on NFKC text with whitespace removed (ocrlib.recall).
"""
import os
import re
import sys
from concurrent.futures import ThreadPoolExecutor

from ocrlib import check, convert, finish, recall, texts

EXE, SCANS = sys.argv[1], sys.argv[2]
HAN_SPACE_HAN = re.compile(r"[\u4e00-\u9fff] [\u4e00-\u9fff]")


def scan(name):
    return os.path.join(SCANS, name)


def fields(record):
    r = record["report"] or {}
    return {
        "title": "".join((r.get("title") or "").split()),
        "travellers": [t["name"] for t in r.get("travellers") or []],
        "period": (r.get("period") or {}).get("start"), "period_end": (r.get("period") or {}).get("end"),
        "report_date": (r.get("report_date") or {}).get("start"),
    }


# (born-digital, rendition, lowest recall, which report fields must equal
# the born-digital record's, why the bound)
ALL, DATES, NONE = "all", "dates and traveller count", "none"
CASES = [
    ("seed-001-p1-3.pdf", "seed-001-p1-3-scan.pdf", 0.97, ALL, "clean 300-dpi scan: the issue's target"),
    # The cover is a grid of 11 travellers with their agencies in small
    # print; the tesseract command itself reaches 0.76 and 0.73 on pages 1
    # and 2 (0.97 on page 3), so this bound is that page mix, not 0.97.
    ("seed-003-p1-3.pdf", "seed-003-p1-3-scan.pdf", 0.85, DATES, "cover grid"),
    # Skewed 1.5°, uneven light, blur, speckle, JPEG q50: the tesseract
    # command gives 0.64 on its first page.
    ("seed-000-office-p1-2.pdf", "seed-000-office-p1-2-skewed.pdf", 0.55, NONE, "poor scan"),
    # Bilevel CCITT G4, as archive scanners write: one name character goes.
    ("seed-001-p1-3.pdf", "seed-001-p1-3.tif", 0.88, DATES, "bilevel TIFF"),
]


def one(case):
    ref_name, name, bound, same, why = case
    _, ref, _ = convert(EXE, scan(ref_name), "--ocr", "never")
    rc, rec, err = convert(EXE, scan(name))
    return case, ref, rc, rec, err


with ThreadPoolExecutor(max_workers=2) as pool:
    results = list(pool.map(one, CASES))

for (ref_name, name, bound, same, why), ref, rc, rec, err in results:
    if not check(rc == 0 and ref is not None, f"{name}: exit {rc} {err!r}"):
        continue
    r = recall("".join(texts(ref)), "".join(texts(rec)))
    print(f"{name}: recall {r:.4f} (bound {bound}: {why})")
    check(r >= bound, f"{name}: recall {r:.4f} below {bound} ({why})")
    ocr = rec["source"].get("ocr")
    if check(ocr is not None, f"{name}: no source.ocr"):
        check([p["page"] for p in ocr["pages"]] == list(range(1, rec["source"]["pages"] + 1)),
              f"{name}: every page recognised: {ocr['pages']}")
        check(ocr["engine"] == "tesseract" and ocr["languages_requested"] == "chi_tra+eng",
              f"{name}: engine {ocr['engine']} {ocr['languages_requested']}")
        check([l["code"] for l in ocr["languages"]] == ["chi_tra", "eng"] and
              all(l["version"] for l in ocr["languages"]), f"{name}: language data {ocr['languages']}")
    bad = [t for t in texts(rec) if HAN_SPACE_HAN.search(t)]
    check(not bad, f"{name}: a space between Han characters: {bad[:2]}")
    f_ref, f_got = fields(ref), fields(rec)
    if same == ALL:
        check(f_ref == f_got, f"{name}: report fields differ:\n  {f_ref}\n  {f_got}")
    elif same == DATES:
        for key in ("period", "period_end", "report_date"):
            check(f_got[key] == f_ref[key], f"{name}: {key} {f_got[key]} != {f_ref[key]}")
        check(len(f_got["travellers"]) == len(f_ref["travellers"]),
              f"{name}: travellers {f_got['travellers']} != {f_ref['travellers']}")
    else:
        # Straightened, this scan stays above the threshold; whatever the
        # confidences, exactly the pages below it are warned about.
        low = [p["page"] for p in ocr["pages"] if p["confidence"] < 70]
        warned = sorted(w.get("page") for w in rec["warnings"] if w["code"] == "OCR_LOW_CONFIDENCE")
        check(warned == low, f"{name}: pages below 70 {low}, warned {warned}")
        print(f"{name}: confidence per page {[p['confidence'] for p in ocr['pages']]}")

# The TIFF: three pages, and its own media type.
tif = [x for x in results if x[0][1].endswith(".tif")][0][3]
if check(tif is not None, "tif: converted"):
    check(tif["source"]["pages"] == 3 and tif["source"]["media_type"] == "image/tiff",
          f"tif: {tif['source']['pages']} pages, {tif['source']['media_type']}")

finish("ocr-scans")
