#!/usr/bin/env python3
"""OCR behaviour that is quick to check: modes and options, images, the
mixed page, hostile images, and a build or plugin path without the engine.

  test_ocr.py DOCNORM SCAN_DIR BUILD_ROOT
"""
import os
import shutil
import struct
import sys
import tempfile
import zlib

from ocrlib import check, convert, finish, recall, run, texts

EXE, SCANS, BUILD = sys.argv[1], sys.argv[2], sys.argv[3]


def scan(name):
    return os.path.join(SCANS, name)


def one_line_error(err, what, needle):
    lines = [ln for ln in err.splitlines() if ln.strip()]
    check(len(lines) == 1 and lines[0].startswith("docnorm: ") and needle in lines[0],
          f"{what}: want one line with {needle!r}, got {err!r}")


# A PNG image: read through OCR, its cover fields as in the born-digital page.
rc, png, err = convert(EXE, scan("seed-001-p1.png"), "--hints")
if check(rc == 0, f"png: exit {rc} {err!r}"):
    r = png["report"] or {}
    check("亞太經濟合作" in (r.get("title") or ""), f"png: title {r.get('title')!r}")
    check([t["name"] for t in r.get("travellers") or []] == ["游佳蓁", "張揚理"], f"png: travellers {r.get('travellers')}")
    check((r.get("period") or {}).get("start") == "2024-08-16", f"png: period {r.get('period')}")
    check(png["source"]["format"] == "image" and png["source"]["media_type"] == "image/png",
          f"png: source {png['source']['format']} {png['source']['media_type']}")
rc, raw, err = convert(EXE, scan("seed-001-p1.png"), "--hints", "--raw", what="png --raw")
if check(rc == 0, f"png --raw: exit {rc}"):
    blocks = [n for n in raw["body"]["children"] if n.get("text")]
    check(blocks and all("ocr" in (n.get("hints") or {}).get("flags", []) and
                         0 < n["hints"]["ocr_confidence"] <= 100 for n in blocks),
          "png: every block flagged ocr with a confidence")
    # Full-width marks after Han characters, as the page prints them.
    body = "".join(texts(raw))
    check("服務機關：" in body.replace(" ", "") and "服務機關:" not in body.replace(" ", ""),
          f"png: full-width colon kept: {body[:120]!r}")

# JPEG.
rc, jpg, err = convert(EXE, scan("seed-003-p1.jpg"))
if check(rc == 0, f"jpg: exit {rc} {err!r}"):
    check(jpg["source"]["media_type"] == "image/jpeg", f"jpg: {jpg['source']['media_type']}")
    check(((jpg["report"] or {}).get("period") or {}).get("start") == "2025-03-02", "jpg: period read")

# --ocr never: a scan is flagged and left empty; an image cannot be read.
rc, rec, err = convert(EXE, scan("seed-001-p1-3-scan.pdf"), "--ocr", "never")
if check(rc == 0, f"never: exit {rc}"):
    check("ocr" not in rec["source"], "never: nothing recognised")
    check(any(w["code"] == "NO_TEXT_LAYER" and "page" not in w and "--ocr never" in w["message"]
              for w in rec["warnings"]), f"never: {rec['warnings']}")
rc, _, err = convert(EXE, scan("seed-001-p1.png"), "--ocr", "never")
check(rc == 4, f"never png: exit {rc}")
one_line_error(err, "never png", "--ocr never")

# The mixed page: its text layer is read as text once; in auto mode the
# scanned figure is not recognised, with --ocr always the whole page is.
figure_text = open(scan("mixed-figure.txt"), encoding="utf-8").read()
phrase = "由於兒童使用數位科技的情形大幅提升"
_, plain, _ = convert(EXE, scan("mixed-figure.pdf"), "--ocr", "never", what="mixed (never)")
times = "".join(texts(plain)).count(phrase)
check(times >= 1, "mixed (never): the text layer has the paragraph")
rc, rec, err = convert(EXE, scan("mixed-figure.pdf"))
if check(rc == 0, f"mixed: exit {rc}"):
    body = "".join(texts(rec))
    check("ocr" not in rec["source"], "mixed (auto): a page with a text layer is not recognised")
    check(body.count(phrase) == times, f"mixed (auto): the text layer's paragraph {body.count(phrase)}×, not {times}×")
    check(recall(figure_text, body) < 0.5, "mixed (auto): the figure's text is not in the body")
    check(any(n["type"] == "figure" for n in rec["body"]["children"]), "mixed (auto): the figure is kept")
rc, rec, err = convert(EXE, scan("mixed-figure.pdf"), "--ocr", "always")
if check(rc == 0, f"mixed always: exit {rc}"):
    body = "".join(texts(rec))
    check(rec["source"]["ocr"]["mode"] == "always" and len(rec["source"]["ocr"]["pages"]) == 1,
          f"mixed (always): {rec['source'].get('ocr')}")
    r = recall(figure_text, body)
    check(r >= 0.9, f"mixed (always): the figure's text recognised, recall {r:.3f}")
    check("".join(body.split()).count(phrase) == times, f"mixed (always): the paragraph {times}×, recognised once each")

# Usage errors: one line, exit 2.
for args, needle in ((["--ocr", "sometimes"], "--ocr"), (["--ocr-lang", "chi tra"], "--ocr-lang"),
                     (["--ocr-lang", "+eng"], "--ocr-lang"), (["--ocr-dpi", "10"], "--ocr-dpi"),
                     (["--ocr-dpi", "5000"], "--ocr-dpi")):
    rc, _, err = convert(EXE, scan("seed-001-p1.png"), *args, what=" ".join(args))
    check(rc == 2, f"{args}: exit {rc}")
    one_line_error(err, " ".join(args), needle)
rc, _, err = run(EXE, ["batch", "--ocr", "maybe", scan("seed-001-p1.png"), "-o", tempfile.mkdtemp()])
check(rc == 2 and "--ocr" in err, f"batch --ocr maybe: {rc} {err!r}")

# Language data that is not installed: a clear error, no Tesseract chatter.
rc, _, err = convert(EXE, scan("seed-001-p1.png"), "--ocr-lang", "xyz")
check(rc == 4, f"--ocr-lang xyz: exit {rc}")
one_line_error(err, "--ocr-lang xyz", "no Tesseract language data for 'xyz'")


# Hostile images: sizes from the header are checked before decoding.
def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)


tmp = tempfile.mkdtemp()
huge = os.path.join(tmp, "huge.png")
with open(huge, "wb") as f:
    f.write(b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", struct.pack(">IIBBBBB", 100000, 100000, 8, 0, 0, 0, 0))
            + png_chunk(b"IDAT", zlib.compress(b"\0" * 1000)) + png_chunk(b"IEND", b""))
rc, _, err = convert(EXE, huge)
check(rc == 1, f"huge png: exit {rc}")
one_line_error(err, "huge png", "over the limit")
trunc = os.path.join(tmp, "trunc.png")
with open(scan("seed-001-p1.png"), "rb") as f:
    head = f.read(300)
with open(trunc, "wb") as f:
    f.write(head)
rc, _, err = convert(EXE, trunc)
check(rc == 1, f"truncated png: exit {rc}")
one_line_error(err, "truncated png", "damaged image")
tiff = os.path.join(tmp, "bad.tif")
with open(tiff, "wb") as f:
    f.write(b"II*\0" + b"\xff" * 60)
rc, _, err = convert(EXE, tiff)
check(rc == 1, f"bad tiff: exit {rc}")
one_line_error(err, "bad tiff", "damaged image")

# A page of noise: whatever the engine makes of it is flagged for a person.
rows = bytearray()
state = 12345
for y in range(400):
    rows.append(0)
    for x in range(600):
        state = (state * 1103515245 + 12345) & 0x7fffffff
        rows.append(0 if (state >> 16) % 5 == 0 else 255)
noise = os.path.join(tmp, "noise.png")
with open(noise, "wb") as f:
    f.write(b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", struct.pack(">IIBBBBB", 600, 400, 8, 0, 0, 0, 0))
            + png_chunk(b"IDAT", zlib.compress(bytes(rows))) + png_chunk(b"IEND", b""))
rc, rec, err = convert(EXE, noise)
if check(rc == 0, f"noise: exit {rc} {err!r}"):
    codes = {w["code"] for w in rec["warnings"] if w.get("page") == 1}
    check(codes & {"OCR_LOW_CONFIDENCE", "OCR_NO_TEXT"}, f"noise: warned {codes}")

# Without the engine: a docnorm whose plugins lack it (as a build without
# libtesseract). The binary is copied out of the build tree, so it finds
# only DOCNORM_PLUGIN_PATH's plugins.
bare = os.path.join(tmp, "bare")
os.makedirs(os.path.join(bare, "plugins"))
shutil.copy(EXE, os.path.join(bare, "docnorm"))
for p in ("pdf", "image", "json"):
    shutil.copytree(os.path.join(BUILD, "plugins", p), os.path.join(bare, "plugins", p))
env = dict(os.environ, DOCNORM_PLUGIN_PATH=os.path.join(bare, "plugins"),
           LD_LIBRARY_PATH=os.path.join(BUILD, "core"), DOCNORM_PLUGIN_CACHE=os.path.join(tmp, "cache"))
bare_exe = os.path.join(bare, "docnorm")
rc, out, err = run(bare_exe, ["formats"], env=env)
check(rc == 0 and "OCR engines:\n  none: OCR is unavailable" in out and "docnorm-tesseract" not in out,
      f"formats without the engine: {out[-300:]!r}")
rc, _, err = convert(bare_exe, scan("seed-001-p1.png"), env=env, what="png without engine")
check(rc == 4, f"png without engine: exit {rc}")
one_line_error(err, "png without engine", "OCR is unavailable")
rc, rec, err = convert(bare_exe, scan("seed-001-p1-3-scan.pdf"), env=env, what="scan without engine")
if check(rc == 0, f"scan without engine: exit {rc} {err!r}"):
    check(any(w["code"] == "NO_TEXT_LAYER" and "unavailable" in w["message"] for w in rec["warnings"]),
          f"scan without engine: {[w['message'] for w in rec['warnings']]}")
rc, _, err = convert(bare_exe, scan("seed-001-p1-3-scan.pdf"), "--ocr", "always", env=env,
                     what="always without engine")
check(rc == 4, f"always without engine: exit {rc}")
one_line_error(err, "always without engine", "OCR is unavailable")

finish("ocr")
