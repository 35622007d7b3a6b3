#!/usr/bin/python3
"""Builds the hand-made PDF feature samples in samples/pdf/.

  samples/tools/make-pdf-samples.py [OUT_DIR]

Each sample is written as DOCX with python-docx (python3-docx), exported to
PDF with LibreOffice headless, then (for the bad-PDF samples) encrypted with
qpdf or damaged by byte surgery:

  feature-report.pdf      cover grid, running header 出國報告, footer "- N -",
                          headings (PDF outline), a paragraph running across a
                          page break, an itinerary table, a figure with caption
  feature-columns.pdf     full-width title, then two text columns; a tagged PDF
  feature-scan.pdf        one page holding only an image (no text layer)
  bad/encrypted-rc4.pdf       feature-columns.pdf, RC4 128-bit, user password "docnorm"
  bad/encrypted-aes256.pdf    feature-columns.pdf, AES-256, user password "docnorm"
  bad/damaged-truncated.pdf   feature-report.pdf cut at 60 % of its length
  bad/damaged-garbage.pdf     feature-report.pdf with its cross-reference table and
                          trailer overwritten
  bad/damaged-header-only.pdf "%PDF-1.7" and nothing a parser can use

Needs: python3-docx, libreoffice-writer-nogui, fonts-arphic-ukai, fonts-noto-cjk,
qpdf. The outputs are committed; tests never run this script.
"""
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, Cm

FONT = "AR PL UKai TW"  # a 楷書 face, the usual 標楷體 stand-in
PASSWORD = "docnorm"

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


def png_bytes(width, height, seed=0):
    """A small RGB gradient PNG, standard library only."""
    rows = bytearray()
    for y in range(height):
        rows.append(0)
        for xx in range(width):
            rows += bytes(((xx * 255 // width + seed) % 256, (y * 255 // height) % 256, 160))
    def chunk(tag, data):
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(bytes(rows), 9)) + chunk(b"IEND", b""))


def base_document():
    doc = Document()
    st = doc.styles["Normal"]
    st.font.name = FONT
    st.font.size = Pt(14)
    st.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    st.paragraph_format.space_after = Pt(6)
    for name in ("Heading 1", "Heading 2", "Title"):
        h = doc.styles[name]
        h.font.name = FONT
        h.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
        h.font.color.rgb = None
    doc.styles["Heading 1"].font.size = Pt(18)
    doc.styles["Heading 2"].font.size = Pt(16)
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Cm(21.0), Cm(29.7)
    sec.left_margin = sec.right_margin = Cm(2.5)
    sec.top_margin = sec.bottom_margin = Cm(2.5)
    doc.core_properties.author = "docnorm samples"
    return doc


def add_field(paragraph, instr):
    """Appends a simple field (PAGE) to @paragraph."""
    r = paragraph.add_run()
    for kind, text in (("begin", None), (None, instr), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        elif text == instr:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = instr
        else:
            el = OxmlElement("w:t")
            el.text = text
        r._r.append(el)


def set_columns(section, n):
    cols = section._sectPr.find(qn("w:cols"))
    if cols is None:
        cols = OxmlElement("w:cols")
        section._sectPr.append(cols)
    cols.set(qn("w:num"), str(n))
    cols.set(qn("w:space"), "567")


def feature_report(path, tmp):
    doc = base_document()
    doc.core_properties.title = "出席 APEC 資深官員會議報告（樣本）"
    doc.core_properties.subject = "docnorm PDF feature sample"
    doc.core_properties.keywords = "APEC, 數位經濟"
    sec = doc.sections[0]
    sec.different_first_page_header_footer = True
    hp = sec.header.paragraphs[0]
    hp.text = "出國報告"
    hp.alignment = WD_ALIGN_PARAGRAPH.CENTER
    fp = sec.footer.paragraphs[0]
    fp.alignment = WD_ALIGN_PARAGRAPH.CENTER
    fp.add_run("- ")
    add_field(fp, "PAGE")
    fp.add_run(" -")

    t = doc.add_paragraph("行政院所屬各機關因公出國人員出國報告書")
    t.alignment = WD_ALIGN_PARAGRAPH.CENTER
    t = doc.add_paragraph("出席 2024 年亞太經濟合作(APEC)第三次資深官員會議期間相關會議")
    t.alignment = WD_ALIGN_PARAGRAPH.CENTER
    t.runs[0].font.size = Pt(20)
    table = doc.add_table(rows=4, cols=3)
    rows = [("服務機關", "姓名", "職稱"), ("國家發展委員會", "鄭美華", "科長"),
            ("行政院經貿談判辦公室", "游佳蓁", "助理談判代表"), ("數位發展部", "張揚理", "研究員")]
    for r, vals in enumerate(rows):
        for c, v in enumerate(vals):
            table.cell(r, c).text = v
    doc.add_paragraph("出國期間：113 年 8 月 16 日至 8 月 24 日")
    doc.add_paragraph("報告日期：113 年 9 月 11 日")
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    doc.add_heading("壹、目的", level=1)
    for p in (P1, P2, P1, P4):
        doc.add_paragraph(p)
    doc.add_heading("一、會議概況", level=2)
    for p in (P3, P2, P1, P4, P2):
        doc.add_paragraph(p)
    doc.add_heading("貳、行程", level=1)
    table = doc.add_table(rows=6, cols=2)
    rows = [("時間", "會議"), ("8 月 16 日(五)", "出發、抵達"),
            ("8 月 18 日(日)", "資料隱私工作次級小組 (Data Privacy Sub-Group) 會議，討論跨境隱私規則之推動"),
            ("8 月 19 日(一)", "數位經濟指導小組 (DESG) 會議"),
            ("8 月 21 日(三)", "貿易暨投資委員會 (CTI) 會議"), ("8 月 24 日(六)", "返臺")]
    for r, vals in enumerate(rows):
        for c, v in enumerate(vals):
            table.cell(r, c).text = v
    for row in table.rows:
        row.cells[0].width = Cm(4)
        row.cells[1].width = Cm(12)
    doc.add_heading("參、心得及建議", level=1)
    doc.add_paragraph(P4)
    img = os.path.join(tmp, "fig1.png")
    with open(img, "wb") as f:
        f.write(png_bytes(240, 140, 0))
    pic = doc.add_paragraph()
    pic.alignment = WD_ALIGN_PARAGRAPH.CENTER
    pic.add_run().add_picture(img, width=Cm(8))
    cap = doc.add_paragraph("圖 1：APEC 數位經濟指導小組會議現場")
    cap.alignment = WD_ALIGN_PARAGRAPH.CENTER
    src = doc.add_paragraph("資料來源：大會工作人員拍攝")
    src.alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph(P2)
    doc.save(path)


def feature_columns(path, tmp):
    doc = base_document()
    doc.core_properties.title = "兩欄排版樣本"
    st = doc.styles["Normal"]
    st.font.size = Pt(11)
    t = doc.add_paragraph("數位經濟指導小組會議紀要（兩欄）")
    t.alignment = WD_ALIGN_PARAGRAPH.CENTER
    t.runs[0].font.size = Pt(18)
    sec = doc.add_section(WD_SECTION.CONTINUOUS)
    set_columns(sec, 2)
    doc.add_paragraph("左欄開始：" + P1)
    doc.add_paragraph(P2)
    doc.add_paragraph(P4)
    doc.add_paragraph(P3)
    doc.add_paragraph("右欄開始：" + P4)
    doc.add_paragraph(P1)
    doc.add_paragraph(P2 + "右欄結束。")
    doc.save(path)


def feature_scan(path, tmp):
    doc = base_document()
    img = os.path.join(tmp, "scan.png")
    with open(img, "wb") as f:
        f.write(png_bytes(300, 420, 90))
    doc.add_paragraph().add_run().add_picture(img, width=Cm(15))
    doc.save(path)


def to_pdf(docx_path, out_dir, tagged=False):
    target = "pdf"
    if tagged:
        target = 'pdf:writer_pdf_Export:{"UseTaggedPDF":{"type":"boolean","value":"true"}}'
    subprocess.run(["soffice", "--headless", "--convert-to", target, "--outdir", out_dir, docx_path],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return os.path.join(out_dir, os.path.splitext(os.path.basename(docx_path))[0] + ".pdf")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "pdf")
    os.makedirs(os.path.join(out, "bad"), exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for name, fn in (("feature-report", feature_report), ("feature-columns", feature_columns),
                         ("feature-scan", feature_scan)):
            d = os.path.join(tmp, name + ".docx")
            fn(d, tmp)
            shutil.copy(to_pdf(d, tmp, tagged=name == "feature-columns"), os.path.join(out, name + ".pdf"))
    cols = os.path.join(out, "feature-columns.pdf")
    subprocess.run(["qpdf", "--allow-weak-crypto", "--encrypt", PASSWORD, "owner-" + PASSWORD, "128", "--use-aes=n", "--",
                    cols, os.path.join(out, "bad", "encrypted-rc4.pdf")], check=True)
    subprocess.run(["qpdf", "--encrypt", PASSWORD, "owner-" + PASSWORD, "256", "--",
                    cols, os.path.join(out, "bad", "encrypted-aes256.pdf")], check=True)
    with open(os.path.join(out, "feature-report.pdf"), "rb") as f:
        data = f.read()
    with open(os.path.join(out, "bad", "damaged-truncated.pdf"), "wb") as f:
        f.write(data[: len(data) * 6 // 10])
    xref = data.rfind(b"xref")
    if xref < 0:
        xref = len(data) - 200
    garbled = data[:xref] + bytes((i * 37 + 11) % 256 for i in range(len(data) - xref))
    with open(os.path.join(out, "bad", "damaged-garbage.pdf"), "wb") as f:
        f.write(garbled)
    with open(os.path.join(out, "bad", "damaged-header-only.pdf"), "wb") as f:
        f.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + bytes((i * 131 + 7) % 256 for i in range(2000)))


if __name__ == "__main__":
    main()
