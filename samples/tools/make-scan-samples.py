#!/usr/bin/python3
"""Builds the scanned samples in samples/scan/ from the born-digital PDFs.

  samples/tools/make-scan-samples.py [--check] [OUT_DIR]

OUT_DIR defaults to samples/scan/. Only the first pages of each report are
used (cover, summary sheet, a body page or two: title, travellers, dates and
some numbered headings), to keep the repository small. Beside every scan the
same page range of the born-digital PDF is written with qpdf, so a test can
compare OCR recall and report fields page for page:

  seed-001-p1-3.pdf            born-digital pages 1-3 of samples/pdf/seed-001.pdf
  seed-001-p1-3-scan.pdf       the same pages scanned: 300 dpi grey, 16
                               levels (4 bits, Flate: sharper and smaller
                               than JPEG for text), one image a page, no
                               text layer
  seed-003-p1-3.pdf            born-digital pages 1-3 of seed-003.pdf (cover
                               grid with 11 travellers, summary sheet)
  seed-003-p1-3-scan.pdf       clean 300 dpi grey scan of those pages
  seed-000-office-p1-2.pdf     born-digital pages 1-2 of seed-000-office.pdf
  seed-000-office-p1-2-skewed.pdf
                               a poor scan of those pages: rotated 1.5 and
                               -1.2 degrees, uneven lighting and contrast,
                               slight blur, speckle and dropouts, 300 dpi
                               8-bit grey JPEG (quality 50)
  mixed-figure.pdf             page 3 of samples/pdf/feature-report.pdf: its
                               real text layer kept, its figure replaced by a
                               300 dpi grey scan of printed text (a pasted-in
                               memo excerpt), in the same place
  mixed-figure.txt             the text printed in that figure, one line per
                               printed line (what OCR of the figure should give)
  seed-001-p1.png              page 1 of seed-001-p1-3.pdf, 300 dpi, 4-bit grey
  seed-003-p1.jpg              page 1 of seed-003-p1-3.pdf, 300 dpi, 8-bit grey
                               JPEG (quality 50)
  seed-001-p1-3.tif            pages 1-3 of seed-001-p1-3.pdf as a multi-page
                               TIFF: 300 dpi bilevel, CCITT group 4 (as archive
                               scanners write them)

Scans carry their resolution (300 dpi) in the PDF page size and in the image
files' headers. Output is deterministic: fixed random seeds, no timestamps
(qpdf --deterministic-id, pikepdf static IDs, no dates).

--check runs the tesseract command (chi_tra+eng, --dpi 300) on every scanned
page and prints its character recall against pdftotext of the born-digital
page, whitespace removed: the length of the longest common subsequence over
the length of the born-digital text; also after NFKC folding (which forgives
tesseract's half-width punctuation for the document's full-width), and as a
bag of characters (which forgives reading order: on cover grids and summary
tables pdftotext reads by cell, tesseract by line).

Needs: poppler-utils (pdftoppm, pdftotext, pdfimages), qpdf, python3-pil,
python3-numpy, python3-pikepdf, fonts-noto-cjk (the figure's face); tesseract-ocr,
tesseract-ocr-chi-tra and tesseract-ocr-eng for --check. The outputs are
committed; tests never run this script.
"""
import collections
import io
import os
import struct
import subprocess
import sys
import tempfile
import unicodedata
import zlib

import numpy as np
import pikepdf
from PIL import Image, ImageDraw, ImageFilter, ImageFont

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PDF = os.path.join(ROOT, "samples", "pdf")
DPI = 300
FIGURE_FONT = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"

# (source PDF, first page, last page, kind)
SCANS = [
    ("seed-001.pdf", 1, 3, "scan"),
    ("seed-003.pdf", 1, 3, "scan"),
    ("seed-000-office.pdf", 1, 2, "skewed"),
]

FIGURE_LINES = [
    "附件：APEC 數位經濟指導小組會議紀要",
    "一、會議日期：113 年 8 月 19 日",
    "二、會議地點：秘魯利馬",
    "三、討論議題：跨境隱私規則、",
    "　　人工智慧治理及數位包容。",
]


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def render(pdf, first, last, tmp):
    """Grey PIL images of pages first..last of pdf at DPI."""
    prefix = os.path.join(tmp, "page")
    for f in os.listdir(tmp):
        os.unlink(os.path.join(tmp, f))
    run(["pdftoppm", "-r", str(DPI), "-gray", "-png", "-f", str(first), "-l", str(last), pdf, prefix])
    pages = []
    for name in sorted(os.listdir(tmp)):
        with Image.open(os.path.join(tmp, name)) as im:
            pages.append(im.convert("L"))
    return pages


def jpeg(im, quality):
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=quality, dpi=(DPI, DPI), optimize=True)
    return buf.getvalue()


def grey4(im):
    """Rows of 4-bit grey samples (16 levels), two a byte, each row padded."""
    a = (np.asarray(im, dtype=np.uint16) * 15 + 127) // 255
    if a.shape[1] % 2:
        a = np.pad(a, ((0, 0), (0, 1)), constant_values=15)
    return (a[:, 0::2] << 4 | a[:, 1::2]).astype(np.uint8)


def png4(im, path):
    """A 4-bit greyscale PNG with its 300 dpi (PIL writes grey PNGs at 8 bits only)."""
    rows = grey4(im)
    raw = b"".join(b"\0" + r.tobytes() for r in rows)

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ppm = round(DPI / 0.0254)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
        f.write(chunk(b"IHDR", struct.pack(">IIBBBBB", im.width, im.height, 4, 0, 0, 0, 0)))
        f.write(chunk(b"pHYs", struct.pack(">IIB", ppm, ppm, 1)))
        f.write(chunk(b"IDAT", zlib.compress(raw, 9)))
        f.write(chunk(b"IEND", b""))


def image_pdf(pages, path, quality=None):
    """An image-only PDF, one image a page, the page sized by the 300 dpi.

    quality None: 4-bit grey, Flate (sharp text edges, ~250 KB a dense A4
    page); otherwise 8-bit grey JPEG at that quality."""
    pdf = pikepdf.new()
    for im in pages:
        w, h = im.size
        if quality is None:
            data, filt, bits = zlib.compress(grey4(im).tobytes(), 9), pikepdf.Name.FlateDecode, 4
        else:
            data, filt, bits = jpeg(im, quality), pikepdf.Name.DCTDecode, 8
        xobj = pikepdf.Stream(pdf, data)
        xobj.Type, xobj.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
        xobj.Width, xobj.Height = w, h
        xobj.ColorSpace, xobj.BitsPerComponent = pikepdf.Name.DeviceGray, bits
        xobj.Filter = filt
        pw, ph = w * 72 / DPI, h * 72 / DPI
        content = pikepdf.Stream(pdf, f"q {pw:.4f} 0 0 {ph:.4f} 0 0 cm /Im0 Do Q".encode())
        page = pikepdf.Dictionary(
            Type=pikepdf.Name.Page, MediaBox=[0, 0, round(pw, 4), round(ph, 4)],
            Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=xobj)),
            Contents=content)
        pdf.pages.append(pikepdf.Page(page))
    pdf.save(path, static_id=True)


def degrade(im, seed, angle):
    """A poor scan of a clean render: uneven light, blur, skew, speckle."""
    rng = np.random.default_rng(seed)
    a = np.asarray(im, dtype=np.float32) / 255.0
    h, w = a.shape
    # Uneven lighting: paper darker towards one corner, ink lighter there.
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    light = 0.80 + 0.17 * (xx / w) * 0.5 + 0.17 * (1 - yy / h) * 0.5
    ink = 0.10 + 0.18 * (yy / h)
    a = ink + (light - ink) * a
    out = Image.fromarray(np.clip(a * 255, 0, 255).astype(np.uint8), "L")
    out = out.filter(ImageFilter.GaussianBlur(0.9))
    out = out.rotate(angle, resample=Image.BICUBIC, expand=False, fillcolor=int(255 * 0.86))
    a = np.asarray(out).copy()
    # Speckle: dark dots on the paper, and white dropouts in the ink.
    n = h * w // 4000
    ys, xs = rng.integers(0, h - 3, n), rng.integers(0, w - 3, n)
    sizes = rng.integers(1, 4, n)
    for y, x, s in zip(ys, xs, sizes):
        a[y:y + s, x:x + s] = rng.integers(20, 90)
    n = h * w // 2500
    ys, xs = rng.integers(0, h - 2, n), rng.integers(0, w - 2, n)
    for y, x in zip(ys, xs):
        if a[y, x] < 128:
            a[y:y + 2, x:x + 2] = 200
    return Image.fromarray(a, "L")


def tc_font(size):
    """The Traditional Chinese face of the Noto Serif CJK collection."""
    for index in range(8):
        font = ImageFont.truetype(FIGURE_FONT, size, index=index)
        if font.getname()[0].endswith(" TC"):
            return font
    sys.exit(f"make-scan-samples: no TC face in {FIGURE_FONT}")


def figure_image(seed):
    """A grey 300 dpi scan of FIGURE_LINES, sized for the figure's box."""
    font = tc_font(40)
    w, h = 945, 552  # 226.75 x 132.3 pt at 300 dpi
    im = Image.new("L", (w, h), 236)
    d = ImageDraw.Draw(im)
    d.rectangle([12, 12, w - 13, h - 13], outline=60, width=3)
    y = 48
    for line in FIGURE_LINES:
        d.text((44, y), line, font=font, fill=30)
        y += 92
    rng = np.random.default_rng(seed)
    a = np.asarray(im.filter(ImageFilter.GaussianBlur(0.6)), dtype=np.int16)
    a = a + rng.integers(-6, 7, a.shape)
    return Image.fromarray(np.clip(a, 0, 255).astype(np.uint8), "L")


def mixed_figure(out):
    """feature-report.pdf page 3 with its figure swapped for a scan of text."""
    src = pikepdf.open(os.path.join(PDF, "feature-report.pdf"))
    pdf = pikepdf.new()
    pdf.pages.append(src.pages[2])
    page = pdf.pages[0]
    names = [k for k, v in page.Resources.XObject.items() if v.Subtype == "/Image"]
    if len(names) != 1:
        sys.exit(f"make-scan-samples: feature-report.pdf page 3 has {len(names)} images, expected 1")
    fig = figure_image(3)
    new = pikepdf.Stream(pdf, jpeg(fig, 75))
    new.Type, new.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
    new.Width, new.Height = fig.size
    new.ColorSpace, new.BitsPerComponent = pikepdf.Name.DeviceGray, 8
    new.Filter = pikepdf.Name.DCTDecode
    page.Resources.XObject[names[0]] = new
    pdf.save(os.path.join(out, "mixed-figure.pdf"), static_id=True, compress_streams=True)
    with open(os.path.join(out, "mixed-figure.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(FIGURE_LINES) + "\n")


def build(out):
    os.makedirs(out, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for i, (name, first, last, kind) in enumerate(SCANS):
            stem = f"{name[:-4]}-p{first}-{last}"
            digital = os.path.join(out, stem + ".pdf")
            run(["qpdf", "--empty", "--deterministic-id", "--pages",
                 os.path.join(PDF, name), f"{first}-{last}", "--", digital])
            pages = render(digital, 1, last - first + 1, tmp)
            if kind == "skewed":
                angles = [1.5, -1.2, 1.8]
                pages = [degrade(p, 100 * i + n, angles[n % 3]) for n, p in enumerate(pages)]
                image_pdf(pages, os.path.join(out, stem + "-skewed.pdf"), quality=50)
            else:
                image_pdf(pages, os.path.join(out, stem + "-scan.pdf"))
            if name == "seed-001.pdf":
                png4(pages[0], os.path.join(out, "seed-001-p1.png"))
                bilevel = [p.point(lambda v: 255 if v >= 160 else 0).convert("1") for p in pages]
                bilevel[0].save(os.path.join(out, stem + ".tif"), compression="group4",
                                dpi=(DPI, DPI), save_all=True, append_images=bilevel[1:])
            if name == "seed-003.pdf":
                with open(os.path.join(out, "seed-003-p1.jpg"), "wb") as f:
                    f.write(jpeg(pages[0], 50))
    mixed_figure(out)


def squeeze(text):
    return "".join(text.split())


def lcs(a, b):
    """Length of the longest common subsequence (row DP, O(len a * len b))."""
    prev = [0] * (len(b) + 1)
    for ca in a:
        cur = [0]
        for j, cb in enumerate(b):
            cur.append(prev[j] + 1 if ca == cb else max(prev[j + 1], cur[j]))
        prev = cur
    return prev[-1]


def recall(ref, hyp):
    """(in order, in order after NFKC, as a bag of characters after NFKC)."""
    ref, hyp = squeeze(ref), squeeze(hyp)
    raw = lcs(ref, hyp) / len(ref)
    nf = unicodedata.normalize
    ref, hyp = nf("NFKC", ref), nf("NFKC", hyp)
    have = collections.Counter(hyp)
    bag = sum(min(n, have[c]) for c, n in collections.Counter(ref).items())
    return raw, lcs(ref, hyp) / len(ref), bag / len(ref)


def tesseract(image_path):
    env = dict(os.environ, OMP_THREAD_LIMIT="1")  # its OpenMP threads only spin on 2 cores
    return run(["tesseract", image_path, "-", "-l", "chi_tra+eng", "--dpi", str(DPI)],
               capture_output=True, text=True, env=env).stdout


def pdftotext(pdf, page):
    return run(["pdftotext", "-f", str(page), "-l", str(page), "-enc", "UTF-8", pdf, "-"],
               capture_output=True, text=True).stdout


def check(out):
    """Prints tesseract's recall on every scanned page; returns the worst clean one."""
    rows, worst = [], 1.0
    with tempfile.TemporaryDirectory() as tmp:
        for name, first, last, kind in SCANS:
            stem = f"{name[:-4]}-p{first}-{last}"
            digital = os.path.join(out, stem + ".pdf")
            scan = os.path.join(out, f"{stem}-{kind}.pdf")
            if squeeze(run(["pdftotext", scan, "-"], capture_output=True, text=True).stdout):
                sys.exit(f"make-scan-samples: {scan} has a text layer")
            for n in range(1, last - first + 2):
                run(["pdfimages", "-f", str(n), "-l", str(n), "-png", scan, os.path.join(tmp, "im")])
                img = os.path.join(tmp, "im-000.png")
                r = recall(pdftotext(digital, n), tesseract(img))
                rows.append((os.path.basename(scan), n, kind, r))
                if kind == "scan":
                    worst = min(worst, r[0])
                os.unlink(img)
        digital = os.path.join(out, "seed-001-p1-3.pdf")
        for img, n in [("seed-001-p1.png", 1), ("seed-003-p1.jpg", 1)]:
            ref = os.path.join(out, "seed-003-p1-3.pdf") if img.startswith("seed-003") else digital
            rows.append((img, n, "image", recall(pdftotext(ref, n), tesseract(os.path.join(out, img)))))
        tif = os.path.join(out, "seed-001-p1-3.tif")
        with Image.open(tif) as im:
            for n in range(im.n_frames):
                im.seek(n)
                path = os.path.join(tmp, "frame.png")
                im.save(path)
                rows.append(("seed-001-p1-3.tif", n + 1, "bilevel",
                             recall(pdftotext(digital, n + 1), tesseract(path))))
        run(["pdfimages", "-j", os.path.join(out, "mixed-figure.pdf"), os.path.join(tmp, "fig")])
        with open(os.path.join(out, "mixed-figure.txt"), encoding="utf-8") as f:
            rows.append(("mixed-figure.pdf (figure)", 1, "figure",
                         recall(f.read(), tesseract(os.path.join(tmp, "fig-000.jpg")))))
    print("| file | page | kind | recall | NFKC | NFKC, any order |")
    print("| --- | ---: | --- | ---: | ---: | ---: |")
    for f, n, kind, (raw, folded, bag) in rows:
        print(f"| {f} | {n} | {kind} | {raw:.3f} | {folded:.3f} | {bag:.3f} |")
    return worst


def main():
    args = sys.argv[1:]
    do_check = "--check" in args
    args = [a for a in args if a != "--check"]
    out = args[0] if args else os.path.join(ROOT, "samples", "scan")
    build(out)
    if do_check:
        check(out)


if __name__ == "__main__":
    main()
