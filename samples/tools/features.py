"""Small DOCX files, one per reader feature, plus hostile packages for the
safety tests. Imported by make-docx.py; each file's expected reading is in
tests/docx/ (checked by hand, not generated from the reader)."""
import os
import struct
import zipfile
import zlib

import ooxml
from ooxml import para, run, lvl, x, wml_ct, W, R, W_STRICT, R_STRICT

CT_FOOTNOTES = wml_ct("footnotes")
CT_ENDNOTES = wml_ct("endnotes")
CT_COMMENTS = wml_ct("comments")


def png(width=2, height=1, rgb=(200, 30, 30)):
    raw = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def basic(main="word/document.xml", strict=False, styles=True):
    pkg = ooxml.Package(main=main, strict=strict)
    folder = main.rsplit("/", 1)[0]
    if styles:
        pkg.add_part(folder + "/styles.xml", ooxml.styles_xml(W_STRICT if strict else W), wml_ct("styles"))
        pkg.main_rel("styles", "styles.xml")
    return pkg


def finish(pkg, body, path, sect="", ns_decl=ooxml.NS_DECL):
    pkg.add_part(pkg.main, ooxml.document_xml(body, ns_decl=ns_decl, sect=sect), ooxml.CT_MAIN)
    pkg.write(path)


def tc(text_or_xml, props=""):
    inner = text_or_xml if text_or_xml.startswith("<w:") else para(run(text_or_xml))
    return "<w:tc>%s%s</w:tc>" % ("<w:tcPr>%s</w:tcPr>" % props if props else "", inner)


def f_tables(out):
    pkg = basic()
    nested = ("<w:tbl><w:tblPr/><w:tblGrid><w:gridCol w:w=\"1000\"/><w:gridCol w:w=\"1000\"/></w:tblGrid>"
              "<w:tr>%s%s</w:tr></w:tbl>" % (tc("內1"), tc("內2")))
    t1 = ("<w:tbl><w:tblPr/><w:tblGrid>" + '<w:gridCol w:w="2000"/>' * 3 + "</w:tblGrid>"
          "<w:tr><w:trPr><w:tblHeader/></w:trPr>%s%s%s</w:tr>" % (tc("日期"), tc("地點"), tc("活動"))
          + "<w:tr>%s%s%s</w:tr>" % (tc("3月4日", '<w:vMerge w:val="restart"/>'), tc("慶州"), tc("開幕"))
          + "<w:tr>%s%s%s</w:tr>" % (tc(para(""), "<w:vMerge/>"), tc("慶州"), tc("大會"))
          + "<w:tr>%s%s</w:tr>" % (tc("3月5日至6日", '<w:gridSpan w:val="2"/>'), tc("分組會議"))
          + "<w:tr>%s%s%s</w:tr>" % (tc("巢狀"), tc(nested + para("")), tc("尾"))
          + "</w:tbl>")
    # No w:tblGrid at all, and a row with gridBefore.
    t2 = ("<w:tbl><w:tblPr/>"
          "<w:tr>%s%s</w:tr>" % (tc("甲"), tc("乙"))
          + '<w:tr><w:trPr><w:gridBefore w:val="1"/></w:trPr>%s</w:tr>' % tc("丙")
          + "</w:tbl>")
    finish(pkg, para(run("表一")) + t1 + para(run("表二")) + t2, os.path.join(out, "feature-tables.docx"))


def f_notes(out):
    pkg = basic()
    sep = ('<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
           '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>')
    fn = ('<w:footnote w:id="1"><w:p><w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:footnoteRef/></w:r>'
          '<w:r><w:t xml:space="preserve"> 資料來源：APEC 秘書處。</w:t></w:r></w:p></w:footnote>'
          '<w:footnote w:id="2"><w:p><w:r><w:footnoteRef/></w:r><w:r><w:t>第二個註腳。</w:t></w:r></w:p></w:footnote>'
          # Unreferenced; its field never closes, which must not hide note 4.
          '<w:footnote w:id="3"><w:p><w:r><w:t>註三</w:t></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r>'
          '<w:r><w:instrText xml:space="preserve"> XE "x" </w:instrText></w:r></w:p></w:footnote>'
          '<w:footnote w:id="4"><w:p><w:r><w:t>註四</w:t></w:r></w:p></w:footnote>')
    pkg.add_part("word/footnotes.xml", ooxml.part_xml("footnotes", sep + fn), CT_FOOTNOTES)
    pkg.main_rel("footnotes", "footnotes.xml")
    en = ('<w:endnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:endnote>'
          '<w:endnote w:id="1"><w:p><w:r><w:endnoteRef/></w:r><w:r><w:t>章末附註。</w:t></w:r></w:p></w:endnote>')
    pkg.add_part("word/endnotes.xml", ooxml.part_xml("endnotes", en), CT_ENDNOTES)
    pkg.main_rel("endnotes", "endnotes.xml")
    ref = '<w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:footnoteReference w:id="%d"/></w:r>'
    body = (para(run("本次會議由韓國主辦") + ref % 1 + run("，共 15 個經濟體出席") + ref % 2 + run("。"))
            + para(run("結論如下") + '<w:r><w:endnoteReference w:id="1"/></w:r>' + run("。")))
    finish(pkg, body, os.path.join(out, "feature-notes.docx"))


def f_tracked(out):
    pkg = basic()
    body = (para(run("我國") + '<w:ins w:id="1" w:author="A" w:date="2025-01-01T00:00:00Z">' + run("積極")
                 + "</w:ins>" + '<w:del w:id="2" w:author="A" w:date="2025-01-01T00:00:00Z">'
                 '<w:r><w:delText>消極</w:delText></w:r></w:del>' + run("參與討論。"))
            + para('<w:moveFrom w:id="3" w:author="A">' + run("移走的句子。") + "</w:moveFrom>" + run("保留。"))
            + para('<w:moveTo w:id="4" w:author="A">' + run("移入的句子。") + "</w:moveTo>")
            + "<w:tbl><w:tblPr/><w:tr>%s</w:tr><w:tr><w:trPr><w:del w:id=\"5\" w:author=\"A\"/></w:trPr>%s</w:tr></w:tbl>"
            % (tc("留下的列"), tc("刪除的列")))
    finish(pkg, body, os.path.join(out, "feature-tracked.docx"))


def f_comments(out):
    pkg = basic()
    cm = ('<w:comment w:id="0" w:author="審查人" w:date="2025-01-01T00:00:00Z" w:initials="S">'
          '<w:p><w:r><w:annotationRef/></w:r><w:r><w:t>請補充出席人數。</w:t></w:r></w:p></w:comment>')
    pkg.add_part("word/comments.xml", ooxml.part_xml("comments", cm), CT_COMMENTS)
    pkg.main_rel("comments", "comments.xml")
    body = para('<w:commentRangeStart w:id="0"/>' + run("會議共有多位代表出席。") + '<w:commentRangeEnd w:id="0"/>'
                '<w:r><w:commentReference w:id="0"/></w:r>')
    finish(pkg, body, os.path.join(out, "feature-comments.docx"))


def f_textbox(out):
    pkg = basic()
    inner = para(run("文字方塊內容"))
    choice = ('<mc:Choice Requires="wps"><w:drawing><wp:anchor distT="0" distB="0" distL="0" distR="0" '
              'simplePos="0" relativeHeight="1" behindDoc="0" locked="0" layoutInCell="1" allowOverlap="1">'
              '<wp:simplePos x="0" y="0"/><wp:positionH relativeFrom="column"><wp:posOffset>0</wp:posOffset>'
              '</wp:positionH><wp:positionV relativeFrom="paragraph"><wp:posOffset>0</wp:posOffset></wp:positionV>'
              '<wp:extent cx="1828800" cy="457200"/><wp:wrapNone/><wp:docPr id="1" name="Text Box 1"/>'
              '<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
              '<wps:wsp><wps:cNvSpPr txBox="1"/><wps:spPr/><wps:txbx><w:txbxContent>%s</w:txbxContent></wps:txbx>'
              '<wps:bodyPr/></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>' % inner)
    fallback = ('<mc:Fallback><w:pict><v:shape style="width:144pt;height:36pt"><v:textbox>'
                '<w:txbxContent>%s</w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback>' % inner)
    body = para(run("本文段落。") + "<w:r><mc:AlternateContent>%s%s</mc:AlternateContent></w:r>" % (choice, fallback))
    finish(pkg, body, os.path.join(out, "feature-textbox.docx"))


def f_toc(out):
    pkg = basic()

    def entry(i, title, page, first=False, last=False):
        b = ""
        if first:
            b += ('<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> TOC \\o "1-3" '
                  '\\h \\z \\u </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>')
        b += ('<w:hyperlink w:anchor="_Toc%d" w:history="1">' % i + run(title) + "<w:r><w:tab/></w:r>"
              '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> PAGEREF _Toc%d \\h '
              '</w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>' % i + run(str(page))
              + '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:hyperlink>')
        if last:
            b += '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
        return para(b, style="TOC1")
    body = (para(run("目錄"))
            + entry(1, "壹、目的", 2, first=True) + entry(2, "貳、過程", 3) + entry(3, "參、心得及建議", 7, last=True)
            + para(run("壹、目的"), style="Heading1") + para(run("本文。"))
            + para(run("貳、過程"), style="Heading1") + para(run("參、心得及建議"), style="Heading1"))
    finish(pkg, body, os.path.join(out, "feature-toc.docx"))


def f_hyperlinks(out):
    pkg = basic()
    rid = pkg.main_rel("hyperlink", "https://www.apec.org/", external=True)
    body = (para(run("詳見 ") + '<w:hyperlink r:id="%s">' % rid + run("APEC 網站", rstyle="Hyperlink")
                 + "</w:hyperlink>" + run("。"))
            + para(run("參閱") + '<w:hyperlink w:anchor="sec2">' + run("第二節") + "</w:hyperlink>")
            + para('<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> HYPERLINK '
                   '"https://www.ndc.gov.tw/" </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>'
                   + run("國發會") + '<w:r><w:fldChar w:fldCharType="end"/></w:r>'))
    finish(pkg, body, os.path.join(out, "feature-hyperlinks.docx"))


def drawing(rid, descr, name="Picture 1", cx=1905000, cy=952500, pid=1):
    return ('<w:r><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0"><wp:extent cx="%d" cy="%d"/>'
            '<wp:docPr id="%d" name="%s" descr="%s"/><a:graphic><a:graphicData '
            'uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic><pic:nvPicPr>'
            '<pic:cNvPr id="%d" name="%s"/><pic:cNvPicPr/></pic:nvPicPr><pic:blipFill><a:blip r:embed="%s"/>'
            '<a:stretch><a:fillRect/></a:stretch></pic:blipFill><pic:spPr/></pic:pic></a:graphicData></a:graphic>'
            '</wp:inline></w:drawing></w:r>' % (cx, cy, pid, x(name), x(descr), pid, x(name), rid))


def f_images(out):
    pkg = basic()
    pkg.defaults["png"] = "image/png"
    pkg.add_part("word/media/image1.png", png(2, 1))
    pkg.add_part("word/media/image2.png", png(1, 1, (0, 0, 255)))
    r1 = pkg.main_rel("image", "media/image1.png")
    r2 = pkg.main_rel("image", "media/image2.png")
    pkg.add_part("word/embeddings/image1.png", png(1, 2, (0, 200, 0)))
    r3 = pkg.main_rel("image", "embeddings/image1.png")
    vml = ('<w:r><w:pict><v:shape style="width:10pt;height:10pt" alt="VML 圖片"><v:imagedata r:id="%s" '
           'o:title="" xmlns:o="urn:schemas-microsoft-com:office:office"/></v:shape></w:pict></w:r>' % r2)
    body = (para(drawing(r1, "APEC TELWG 共同主席開場"), extra_ppr='<w:jc w:val="center"/>')
            + para(run("圖 1：APEC TELWG 共同主席開場"))
            + para(vml) + para(run("圖 2：VML 圖片"))
            + para(drawing(r3, "同名圖檔", name="Picture 3", pid=3)) + para(run("圖 3：同名圖檔")))
    finish(pkg, body, os.path.join(out, "feature-images.docx"))


def f_strict(out):
    pkg = basic(strict=True)
    decl = ooxml.NS_DECL_STRICT
    body = (para(run("嚴格格式標題"), style="Heading1")
            + para(run("Strict OOXML 的本文", bold=True) + run("與一般文字。")))
    pkg.add_part("docProps/core.xml", ooxml.core_xml(title="Strict 範例"),
                 "application/vnd.openxmlformats-package.core-properties+xml")
    pkg.add_rel("", "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties",
                "docProps/core.xml")
    finish(pkg, body, os.path.join(out, "feature-strict.docx"), ns_decl=decl)


def f_mainpart(out):
    pkg = basic(main="content/main-document.xml")
    body = para(run("主文件不在 word/document.xml。"), style="Heading1") + para(run("仍可讀取。"))
    finish(pkg, body, os.path.join(out, "feature-mainpart.docx"))


# numFmt → (value, expected Word label for lvlText "%1")
NUMFMTS = [
    ("taiwaneseCounting", 11, "十一"),
    ("taiwaneseCountingThousand", 101, "一百零一"),
    ("taiwaneseDigital", 105, "一〇五"),
    ("ideographTraditional", 3, "丙"),
    ("ideographZodiac", 12, "亥"),
    ("ideographLegalTraditional", 12, "壹拾貳"),
    ("ideographDigital", 20, "二〇"),
    ("chineseCounting", 20, "二十"),
    ("chineseCountingThousand", 1001, "一千零一"),
    ("chineseLegalSimplified", 3, "叁"),
    ("decimalFullWidth", 12, "１２"),
    ("decimalEnclosedCircle", 5, "⑤"),
    ("decimalEnclosedCircleChinese", 20, "⑳"),
    ("decimalEnclosedParen", 3, "⑶"),
    ("upperLetter", 28, "BB"),
    ("lowerLetter", 2, "b"),
    ("upperRoman", 14, "XIV"),
    ("lowerRoman", 9, "ix"),
    ("decimal", 7, "7"),
]


def f_numbering(out):
    pkg = basic()
    abstracts = {}
    nums = {}
    body = []
    # One abstractNum per format, started so that the first paragraph shows
    # the value in NUMFMTS.
    for i, (fmt, value, label) in enumerate(NUMFMTS):
        aid = 10 + i
        abstracts[aid] = [lvl(0, fmt, "%1、" if i % 2 == 0 else "（%1）", start=value)]
        nums[aid] = (aid, {})
        body.append(para(run(fmt), num=aid, ilvl=0))
    # Templates, restart, overrides, isLgl, bullet, none.
    abstracts[1] = [lvl(0, "ideographLegalTraditional", "%1、"),
                    lvl(1, "taiwaneseCountingThousand", "%2、"),
                    lvl(2, "taiwaneseCountingThousand", "（%3）"),
                    lvl(3, "decimal", "%1.%2.%3.%4", is_lgl=True),
                    lvl(4, "bullet", "\u25cf"),
                    lvl(5, "none", "")]
    nums[1] = (1, {})
    nums[2] = (1, {1: 5})       # same list, level 2 restarts at 五
    body += [para(run("第一章"), num=1, ilvl=0),        # 壹、
             para(run("第一節"), num=1, ilvl=1),        # 一、
             para(run("第一款"), num=1, ilvl=2),        # （一）
             para(run("第二款"), num=1, ilvl=2),        # （二）
             para(run("法條"), num=1, ilvl=3),          # 1.1.2.1 (isLgl)
             para(run("第二節"), num=1, ilvl=1),        # 二、
             para(run("第三款"), num=1, ilvl=2),        # （一） restarted
             para(run("第二章"), num=1, ilvl=0),        # 貳、
             para(run("第五節"), num=2, ilvl=1),        # 五、 (startOverride)
             para(run("第六節"), num=2, ilvl=1),        # 六、
             para(run("項目符號"), num=1, ilvl=4),       # ●
             para(run("無編號"), num=1, ilvl=5)]         # (none)
    pkg.add_part("word/numbering.xml", ooxml.numbering_xml(abstracts, nums), wml_ct("numbering"))
    pkg.main_rel("numbering", "numbering.xml")
    finish(pkg, "".join(body), os.path.join(out, "feature-numbering.docx"))


LOCAL_STYLES = (
    # Chinese Word: id a1 named 標題 1, no outlineLvl of its own.
    '<w:style w:type="paragraph" w:styleId="a1"><w:name w:val="標題 1"/><w:basedOn w:val="Normal"/></w:style>'
    # WPS: id 2 named "heading 2".
    '<w:style w:type="paragraph" w:styleId="2"><w:name w:val="heading 2"/><w:basedOn w:val="Normal"/></w:style>'
    # Simplified Chinese: 标题 3.
    '<w:style w:type="paragraph" w:styleId="30"><w:name w:val="标题 3"/></w:style>'
    # A custom style that inherits its outline level through basedOn.
    '<w:style w:type="paragraph" w:styleId="ReportSection"><w:name w:val="Report Section"/>'
    '<w:basedOn w:val="Heading1"/><w:rPr><w:i/></w:rPr></w:style>'
    # A style with its own outlineLvl and an odd name.
    '<w:style w:type="paragraph" w:styleId="Big"><w:name w:val="大標"/><w:pPr><w:outlineLvl w:val="1"/></w:pPr></w:style>'
    # Bold through basedOn, no outline.
    '<w:style w:type="paragraph" w:styleId="Strong"><w:name w:val="Strong Para"/><w:rPr><w:b/></w:rPr></w:style>'
    '<w:style w:type="paragraph" w:styleId="Stronger"><w:name w:val="Stronger"/><w:basedOn w:val="Strong"/></w:style>'
    '<w:style w:type="character" w:styleId="Emph"><w:name w:val="Emph"/><w:rPr><w:i/></w:rPr></w:style>'
)


def f_body(out):
    pkg = ooxml.Package()
    pkg.add_part("word/styles.xml", ooxml.styles_xml(extra=LOCAL_STYLES), wml_ct("styles"))
    pkg.main_rel("styles", "styles.xml")
    hdr = para(run("出國報告"))
    ftr = para('<w:r><w:t xml:space="preserve">第 </w:t></w:r><w:fldSimple w:instr=" PAGE "><w:r><w:t>1</w:t></w:r>'
               '</w:fldSimple><w:r><w:t xml:space="preserve"> 頁</w:t></w:r>')
    pkg.add_part("word/header1.xml", ooxml.part_xml("hdr", hdr), wml_ct("header"))
    pkg.add_part("word/footer1.xml", ooxml.part_xml("ftr", ftr), wml_ct("footer"))
    hid = pkg.main_rel("header", "header1.xml")
    fid = pkg.main_rel("footer", "footer1.xml")
    sect = ('<w:sectPr><w:headerReference w:type="default" r:id="%s"/><w:footerReference w:type="default" '
            'r:id="%s"/></w:sectPr>' % (hid, fid))
    body = (para(run("標題一"), style="a1")
            + para(run("標題二"), style="2")
            + para(run("标题三"), style="30")
            + para(run("自訂章節"), style="ReportSection")
            + para(run("大標"), style="Big")
            + para(run("粗體繼承"), style="Stronger")
            + para(run("一般") + run("粗體", bold=True) + run("斜體", italic=True) + run("底線", underline=True)
                   + '<w:r><w:rPr><w:rStyle w:val="Emph"/></w:rPr><w:t>強調</w:t></w:r>')
            + para(run("欄一\t欄二") + "<w:r><w:br/></w:r>" + run("第二行"))
            + para('<w:bookmarkStart w:id="0" w:name="_GoBack"/>' + run("書籤") + '<w:bookmarkEnd w:id="0"/>'
                   + '<w:proofErr w:type="spellStart"/>' + run("Teh") + '<w:proofErr w:type="spellEnd"/>'
                   + run("X") + '<w:r><w:lastRenderedPageBreak/><w:t>Y</w:t></w:r>')
            + para(run("co") + "<w:r><w:softHyphen/></w:r>" + run("operate e") + "<w:r><w:noBreakHyphen/></w:r>"
                   + run("mail") + '<w:r><w:sym w:font="Wingdings" w:char="F0E0"/></w:r>'
                   + '<w:r><w:sym w:font="Symbol" w:char="F061"/></w:r>')
            + para('<w:r><w:br w:type="page"/></w:r>' + run("新頁"))
            + para('<w:r><w:ruby><w:rubyPr><w:rubyAlign w:val="center"/></w:rubyPr><w:rt><w:r><w:t>ㄊㄞˊ</w:t></w:r>'
                   '</w:rt><w:rubyBase><w:r><w:t>臺</w:t></w:r></w:rubyBase></w:ruby></w:r>' + run("灣"))
            + para(run("置中"), extra_ppr='<w:jc w:val="center"/><w:outlineLvl w:val="9"/>'))
    pkg.add_part("docProps/core.xml",
                 ooxml.core_xml(title="功能範例", subject="DOCX 讀取", creator="王小明", keywords="APEC; 數位",
                                description="說明文字", last_modified_by="李大華",
                                created="2024-03-01T08:00:00+08:00", modified="2024-03-02T10:30:00Z"),
                 "application/vnd.openxmlformats-package.core-properties+xml")
    pkg.add_rel("", "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties",
                "docProps/core.xml")
    pkg.add_part("docProps/app.xml", ooxml.app_xml(pages=12, company="國家發展委員會"),
                 "application/vnd.openxmlformats-officedocument.extended-properties+xml")
    pkg.add_rel("", "http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties",
                "docProps/app.xml")
    finish(pkg, body, os.path.join(out, "feature-body.docx"), sect=sect)


NUMSTYLES = (
    '<w:style w:type="paragraph" w:styleId="NumH1"><w:name w:val="Num Heading 1"/><w:basedOn w:val="Heading1"/>'
    '<w:pPr><w:numPr><w:numId w:val="1"/></w:numPr></w:pPr></w:style>'
    '<w:style w:type="paragraph" w:styleId="NumH2"><w:name w:val="Num Heading 2"/><w:basedOn w:val="Heading2"/>'
    '<w:pPr><w:numPr><w:ilvl w:val="1"/><w:numId w:val="1"/></w:numPr></w:pPr></w:style>'
)


def f_numstyle(out):
    # Numbering that comes through paragraph styles (a multilevel list linked
    # to headings), a level that never restarts (lvlRestart 0), a whole level
    # replaced in a lvlOverride, and numId 0 switching a style's list off.
    pkg = ooxml.Package()
    pkg.add_part("word/styles.xml", ooxml.styles_xml(extra=NUMSTYLES), wml_ct("styles"))
    pkg.main_rel("styles", "styles.xml")
    abstracts = {1: [lvl(0, "ideographLegalTraditional", "%1、"), lvl(1, "taiwaneseCountingThousand", "%2、"),
                     lvl(2, "decimal", "%3.", restart=0)]}
    override = ('<w:lvlOverride w:ilvl="1"><w:startOverride w:val="3"/>'
                '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="upperLetter"/><w:lvlText w:val="%2)"/>'
                '</w:lvl></w:lvlOverride>')
    numbering = ooxml.numbering_xml(abstracts, {1: (1, {})}).replace(
        "</w:numbering>", '<w:num w:numId="3"><w:abstractNumId w:val="1"/>%s</w:num></w:numbering>' % override)
    pkg.add_part("word/numbering.xml", numbering, wml_ct("numbering"))
    pkg.main_rel("numbering", "numbering.xml")
    body = (para(run("目的"), style="NumH1") + para(run("背景"), style="NumH2") + para(run("範圍"), style="NumH2")
            + para(run("項目A"), num=1, ilvl=2)
            + para(run("過程"), style="NumH1") + para(run("行程"), style="NumH2") + para(run("項目B"), num=1, ilvl=2)
            + para(run("覆寫"), num=3, ilvl=1)
            + para(run("未編號標題"), style="NumH1", extra_ppr='<w:numPr><w:ilvl w:val="0"/><w:numId w:val="0"/></w:numPr>'))
    finish(pkg, body, os.path.join(out, "feature-numstyle.docx"))


LINKSTYLES = (
    '<w:style w:type="paragraph" w:styleId="LH1"><w:name w:val="heading 1"/><w:pPr><w:numPr><w:numId w:val="4"/>'
    '</w:numPr><w:outlineLvl w:val="0"/></w:pPr></w:style>'
    '<w:style w:type="paragraph" w:styleId="LH2"><w:name w:val="heading 2"/><w:pPr><w:numPr><w:numId w:val="4"/>'
    '</w:numPr><w:outlineLvl w:val="1"/></w:pPr></w:style>'
    '<w:style w:type="numbering" w:styleId="ReportList"><w:name w:val="Report List"/><w:pPr><w:numPr>'
    '<w:numId w:val="5"/></w:numPr></w:pPr></w:style>'
)


def f_numlink(out):
    # Heading styles that carry only a numId: the level is the one whose
    # w:pStyle names the style. The num they use points at an abstract list
    # that is only a numStyleLink to a numbering style, whose own num holds
    # the levels (Word writes this for "list styles"). ECMA-376 §17.9.23:
    # the pStyle link decides the level. LibreOffice 7.4 ignores it and
    # prints every heading at level 0, so this file is not for PDF pairs.
    pkg = ooxml.Package()
    pkg.add_part("word/styles.xml", ooxml.styles_xml(extra=LINKSTYLES), wml_ct("styles"))
    pkg.main_rel("styles", "styles.xml")
    real = ('<w:abstractNum w:abstractNumId="7"><w:styleLink w:val="ReportList"/>'
            '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="ideographLegalTraditional"/><w:pStyle w:val="LH1"/>'
            '<w:lvlText w:val="%1、"/></w:lvl>'
            '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="taiwaneseCountingThousand"/><w:pStyle w:val="LH2"/>'
            '<w:lvlText w:val="%2、"/></w:lvl></w:abstractNum>'
            '<w:abstractNum w:abstractNumId="8"><w:numStyleLink w:val="ReportList"/></w:abstractNum>')
    numbering = ooxml.numbering_xml({}, {4: (8, {}), 5: (7, {})}).replace(
        '<w:num w:numId="4">', real + '<w:num w:numId="4">')
    pkg.add_part("word/numbering.xml", numbering, wml_ct("numbering"))
    pkg.main_rel("numbering", "numbering.xml")
    body = (para(run("目的"), style="LH1") + para(run("背景"), style="LH2") + para(run("範圍"), style="LH2")
            + para(run("過程"), style="LH1") + para(run("行程"), style="LH2"))
    finish(pkg, body, os.path.join(out, "feature-numlink.docx"))


def f_hidden(out):
    # Hidden text (w:vanish) is not shown or printed by Word, nor exported to
    # PDF by LibreOffice; the reader drops it. pandoc keeps it, so this file
    # is outside the pandoc fidelity comparison.
    pkg = basic()
    body = para(run("可見") + '<w:r><w:rPr><w:vanish/></w:rPr><w:t>隱藏的說明</w:t></w:r>' + run("文字"))
    finish(pkg, body, os.path.join(out, "feature-hidden.docx"))


# ---------- hostile packages ----------

def raw_zip(path, entries, compress=zipfile.ZIP_DEFLATED):
    with zipfile.ZipFile(path, "w", compress) as z:
        for name, data in entries:
            info = zipfile.ZipInfo(name, ooxml.FIXED_DATE)
            info.compress_type = compress
            z.writestr(info, data)


def minimal_entries(document_xml):
    ct = ('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
          '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
          '<Override PartName="/word/document.xml" ContentType="%s"/></Types>' % ooxml.CT_MAIN)
    rels = ('<?xml version="1.0"?><Relationships xmlns="%s"><Relationship Id="rId1" Type="%sofficeDocument" '
            'Target="word/document.xml"/></Relationships>' % (ooxml.RELS, ooxml.RT))
    return [("[Content_Types].xml", ct), ("_rels/.rels", rels), ("word/document.xml", document_xml)]


def doc_with(body):
    return '<?xml version="1.0"?><w:document xmlns:w="%s"><w:body>%s</w:body></w:document>' % (W, body)


def cfb(stream_names):
    """A minimal OLE compound file whose directory lists @stream_names."""
    ss = 512
    header = bytearray(512)
    header[0:8] = bytes.fromhex("D0CF11E0A1B11AE1")
    struct.pack_into("<HHHHH", header, 0x18, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<I", header, 0x2C, 1)           # FAT sectors
    struct.pack_into("<I", header, 0x30, 1)           # first directory sector
    struct.pack_into("<I", header, 0x38, 4096)
    struct.pack_into("<I", header, 0x3C, 0xFFFFFFFE)  # mini FAT
    struct.pack_into("<I", header, 0x44, 0xFFFFFFFE)  # DIFAT chain
    for i in range(109):
        struct.pack_into("<I", header, 0x4C + 4 * i, 0 if i == 0 else 0xFFFFFFFF)
    fat = bytearray(b"\xff" * ss)
    struct.pack_into("<II", fat, 0, 0xFFFFFFFD, 0xFFFFFFFE)
    directory = bytearray(ss)
    for i, (name, typ) in enumerate([("Root Entry", 5)] + [(n, 2) for n in stream_names][:3]):
        e = bytearray(128)
        u = name.encode("utf-16-le") + b"\x00\x00"
        e[0:len(u)] = u
        struct.pack_into("<HBB", e, 64, len(u), typ, 1)
        struct.pack_into("<III", e, 68, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF)
        struct.pack_into("<I", e, 116, 0xFFFFFFFE)
        directory[128 * i:128 * (i + 1)] = e
    return bytes(header + fat + directory)


def make_bad(out):
    bad = os.path.join(out, "bad")
    os.makedirs(bad, exist_ok=True)
    # 40 MiB of one byte: deflates about 1000:1, past the default 200:1 ratio.
    raw_zip(os.path.join(bad, "zip-bomb.docx"),
            minimal_entries(doc_with(para(run("x")))) + [("word/media/bomb.bin", b"\0" * (40 << 20))])
    raw_zip(os.path.join(bad, "traversal.docx"),
            minimal_entries(doc_with(para(run("x")))) + [("../../evil.xml", "<x/>")])
    raw_zip(os.path.join(bad, "absolute.docx"),
            minimal_entries(doc_with(para(run("x")))) + [("/etc/evil.xml", "<x/>")])
    xxe = ('<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
           '<w:document xmlns:w="%s"><w:body><w:p><w:r><w:t>&xxe;</w:t></w:r></w:p></w:body></w:document>' % W)
    raw_zip(os.path.join(bad, "xxe.docx"), minimal_entries(xxe))
    lol = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
           + "".join('<!ENTITY lol%d "%s">' % (i, ("&lol%d;" % (i - 1) if i > 1 else "&lol;") * 10)
                     for i in range(1, 10))
           + ']><w:document xmlns:w="%s"><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>' % W)
    raw_zip(os.path.join(bad, "billion-laughs.docx"), minimal_entries(lol))
    deep = doc_with("<w:sdt><w:sdtContent>" * 400 + para(run("deep")) + "</w:sdtContent></w:sdt>" * 400)
    raw_zip(os.path.join(bad, "deep.docx"), minimal_entries(deep))
    raw_zip(os.path.join(bad, "malformed.docx"), minimal_entries("<w:document><w:body><w:p>"))
    raw_zip(os.path.join(bad, "no-main-part.docx"), minimal_entries(doc_with(""))[:2])
    with open(os.path.join(bad, "encrypted.docx"), "wb") as f:
        f.write(cfb(["EncryptionInfo", "EncryptedPackage", "\x06DataSpaces"]))
    with open(os.path.join(bad, "legacy.doc"), "wb") as f:
        f.write(cfb(["WordDocument", "1Table", "\x05SummaryInformation"]))


def make_stress(out):
    """Legal but hostile shapes that must read in linear-ish time and bounded
    stack: a 20 000-style basedOn chain, a table of wide vertically merged
    rows, and 5 000 hyperlink relationships."""
    d = os.path.join(out, "stress")
    os.makedirs(d, exist_ok=True)
    pkg = ooxml.Package()
    chain = "".join('<w:style w:type="paragraph" w:styleId="S%d"><w:name w:val="S%d"/>%s</w:style>'
                    % (i, i, '<w:basedOn w:val="S%d"/>' % (i - 1) if i else "<w:rPr><w:b/></w:rPr>")
                    for i in range(20000))
    pkg.add_part("word/styles.xml", ooxml.styles_xml(extra=chain), wml_ct("styles"))
    pkg.main_rel("styles", "styles.xml")
    links = []
    for i in range(5000):
        rid = pkg.main_rel("hyperlink", "https://example.org/%d" % i, external=True)
        links.append('<w:hyperlink r:id="%s">%s</w:hyperlink>' % (rid, run("L")))
    cells = 1000
    restart = "<w:tc><w:tcPr><w:vMerge w:val=\"restart\"/></w:tcPr>%s</w:tc>" % para(run("v"))
    cont = "<w:tc><w:tcPr><w:vMerge/></w:tcPr>%s</w:tc>" % para("")
    tbl = "<w:tbl><w:tblPr/><w:tr>%s</w:tr>%s</w:tbl>" % (restart * cells, ("<w:tr>%s</w:tr>" % (cont * cells)) * 10)
    body = para(run("鏈末"), style="S19999") + para("".join(links)) + tbl
    finish(pkg, body, os.path.join(d, "stress.docx"))


def make_features(out):
    for f in (f_tables, f_notes, f_tracked, f_comments, f_textbox, f_toc, f_hyperlinks, f_images, f_strict,
              f_mainpart, f_numbering, f_body, f_hidden, f_numstyle, f_numlink):
        f(out)
    make_bad(out)
    make_stress(out)
    print("feature samples and bad/ packages written")
