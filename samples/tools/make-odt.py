#!/usr/bin/env python3
"""Builds samples/odt/features.odt: one hand-written OpenDocument text with
every construct the ODT reader maps (headings with outline levels and a
rendered number, styled spans, links, explicit spaces / tabs / breaks,
numbered and bulleted nested lists, a table with header rows, spans,
covered and repeated cells, a framed image with a caption, footnote and
endnote, an annotation, a table of contents, header and footer, metadata).

The other samples/odt files are LibreOffice's own ODT export of the DOCX
samples (real-world ODF), made with:
  soffice --headless --convert-to odt --outdir samples/odt samples/docx/NAME.docx

  make-odt.py OUTPUT.odt
"""
import base64
import sys
import zipfile

NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
      'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
      'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
      'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
      'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
      'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
      'xmlns:xlink="http://www.w3.org/1999/xlink" '
      'xmlns:dc="http://purl.org/dc/elements/1.1/" '
      'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" '
      'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" '
      'office:version="1.3"')

STYLES = f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document-styles {NS}>
 <office:styles>
  <style:style style:name="Standard" style:family="paragraph"/>
  <style:style style:name="Heading" style:family="paragraph" style:parent-style-name="Standard">
   <style:text-properties fo:font-size="14pt" fo:font-weight="bold"/>
  </style:style>
  <style:style style:name="Heading_20_1" style:display-name="Heading 1" style:family="paragraph"
     style:parent-style-name="Heading" style:default-outline-level="1"/>
  <style:style style:name="Heading_20_2" style:display-name="Heading 2" style:family="paragraph"
     style:parent-style-name="Heading" style:default-outline-level="2"/>
  <style:style style:name="Caption" style:family="paragraph" style:parent-style-name="Standard">
   <style:text-properties fo:font-style="italic"/>
  </style:style>
  <style:style style:name="Illustration" style:family="paragraph" style:parent-style-name="Caption"/>
  <style:style style:name="Strong_20_Emphasis" style:display-name="Strong Emphasis" style:family="text">
   <style:text-properties fo:font-weight="bold"/>
  </style:style>
  <text:list-style style:name="Numbering_20_123" style:display-name="Numbering 123">
   <text:list-level-style-number text:level="1" style:num-format="1" style:num-suffix="."/>
   <text:list-level-style-bullet text:level="2" text:bullet-char="•"/>
  </text:list-style>
 </office:styles>
 <office:master-styles>
  <style:master-page style:name="Standard">
   <style:header><text:p text:style-name="Standard">出國報告（功能範例）</text:p></style:header>
   <style:footer><text:p text:style-name="Standard"><text:page-number text:select-page="current">1</text:page-number></text:p></style:footer>
  </style:master-page>
 </office:master-styles>
</office:document-styles>
"""

CONTENT = f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document-content {NS}>
 <office:automatic-styles>
  <style:style style:name="T1" style:family="text" style:parent-style-name="Strong_20_Emphasis"/>
  <style:style style:name="T2" style:family="text"><style:text-properties fo:font-style="italic"/></style:style>
  <style:style style:name="T3" style:family="text"><style:text-properties style:text-underline-style="solid"/></style:style>
  <style:style style:name="T4" style:family="text"><style:text-properties style:text-line-through-style="solid"/></style:style>
  <style:style style:name="T5" style:family="text"><style:text-properties style:text-position="super 58%"/></style:style>
  <style:style style:name="T6" style:family="text"><style:text-properties style:text-position="-33% 58%"/></style:style>
  <style:style style:name="P1" style:family="paragraph" style:parent-style-name="Standard">
   <style:paragraph-properties fo:text-align="center"/>
  </style:style>
  <text:list-style style:name="L1">
   <text:list-level-style-bullet text:level="1" text:bullet-char="•"/>
   <text:list-level-style-number text:level="2" style:num-format="a" style:num-suffix=")"/>
  </text:list-style>
 </office:automatic-styles>
 <office:body>
  <office:text>
   <text:sequence-decls><text:sequence-decl text:display-outline-level="0" text:name="Illustration"/></text:sequence-decls>
   <text:table-of-content text:name="Table of Contents1">
    <text:table-of-content-source text:outline-level="2"/>
    <text:index-body>
     <text:index-title text:name="Table of Contents1_Head"><text:p text:style-name="Standard">目錄</text:p></text:index-title>
     <text:p text:style-name="Standard"><text:a xlink:type="simple" xlink:href="#__RefHeading__1">壹、目的<text:tab/>2</text:a></text:p>
     <text:p text:style-name="Standard"><text:a xlink:type="simple" xlink:href="#__RefHeading__2">貳、過程<text:tab/>3</text:a></text:p>
    </text:index-body>
   </text:table-of-content>
   <text:h text:style-name="Heading_20_1" text:outline-level="1"><text:number>壹、</text:number>目的</text:h>
   <text:p text:style-name="P1">置中 段落</text:p>
   <text:p text:style-name="Standard">  前導空白被略過，<text:s text:c="2"/>兩個明確空白、<text:span text:style-name="T1">粗體</text:span>、<text:span text:style-name="T2">斜體<text:span text:style-name="T3">底線</text:span></text:span>、<text:span text:style-name="T4">刪除</text:span>、x<text:span text:style-name="T5">2</text:span>、H<text:span text:style-name="T6">2</text:span>O，<text:a xlink:type="simple" xlink:href="https://www.apec.org/">APEC 網站</text:a>。<text:line-break/>第二行<text:tab/>定位<text:bookmark text:name="b1"/>。</text:p>
   <text:p text:style-name="Standard">本次會議由韓國主辦<text:note text:id="ftn1" text:note-class="footnote"><text:note-citation>1</text:note-citation><text:note-body><text:p text:style-name="Standard">資料來源：APEC 秘書處。</text:p></text:note-body></text:note>，結論如下<text:note text:id="edn1" text:note-class="endnote"><text:note-citation>i</text:note-citation><text:note-body><text:p text:style-name="Standard">章末附註。</text:p></text:note-body></text:note>。<office:annotation><dc:creator>審查人</dc:creator><dc:date>2024-03-02T10:00:00</dc:date><text:p>請補充出席人數。</text:p></office:annotation>會議共有多位代表出席。</text:p>
   <text:h text:style-name="Heading_20_2" text:outline-level="2">一、行程</text:h>
   <text:list text:style-name="L1">
    <text:list-item><text:p text:style-name="Standard">第一項</text:p>
     <text:list><text:list-item><text:p text:style-name="Standard">子項 a</text:p></text:list-item><text:list-item><text:p text:style-name="Standard">子項 b</text:p></text:list-item></text:list>
    </text:list-item>
    <text:list-item><text:p text:style-name="Standard">第二項</text:p><text:p text:style-name="Standard">第二項的第二段</text:p></text:list-item>
   </text:list>
   <text:list text:style-name="Numbering_20_123">
    <text:list-item><text:p text:style-name="Standard">編號一</text:p></text:list-item>
    <text:list-item><text:p text:style-name="Standard">編號二</text:p></text:list-item>
   </text:list>
   <table:table table:name="Table1">
    <table:table-column table:number-columns-repeated="3"/>
    <table:table-header-rows>
     <table:table-row><table:table-cell><text:p>日期</text:p></table:table-cell><table:table-cell><text:p>地點</text:p></table:table-cell><table:table-cell><text:p>活動</text:p></table:table-cell></table:table-row>
    </table:table-header-rows>
    <table:table-row><table:table-cell table:number-rows-spanned="2"><text:p>3月4日</text:p></table:table-cell><table:table-cell><text:p>慶州</text:p></table:table-cell><table:table-cell><text:p>開幕</text:p></table:table-cell></table:table-row>
    <table:table-row><table:covered-table-cell/><table:table-cell table:number-columns-spanned="2"><text:p>大會</text:p></table:table-cell><table:covered-table-cell/></table:table-row>
    <table:table-row><table:table-cell table:number-columns-repeated="3"><text:p>同</text:p></table:table-cell></table:table-row>
   </table:table>
   <text:p text:style-name="Standard"><draw:frame draw:name="Image1" text:anchor-type="as-char" svg:width="5.08cm" svg:height="2.54cm"><draw:text-box><text:p text:style-name="Illustration"><draw:frame draw:name="Image2" svg:width="5.08cm" svg:height="2.54cm"><draw:image xlink:href="Pictures/dot.png" xlink:type="simple"/><svg:desc>APEC 會議現場</svg:desc></draw:frame>圖 <text:sequence text:ref-name="refIllustration0" text:name="Illustration" text:formula="ooow:Illustration+1" style:num-format="1">1</text:sequence>：APEC 會議現場</text:p></draw:text-box></draw:frame></text:p>
   <text:section text:name="Section1"><text:p text:style-name="Standard">區段內的段落</text:p></text:section>
   <text:tracked-changes><text:changed-region text:id="c1"><text:deletion><text:p>已刪除的文字</text:p></text:deletion></text:changed-region></text:tracked-changes>
  </office:text>
 </office:body>
</office:document-content>
"""

META = f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document-meta {NS}>
 <office:meta>
  <meta:generator>docnorm make-odt.py</meta:generator>
  <dc:title>ODT 功能範例</dc:title>
  <dc:subject>ODT 讀取</dc:subject>
  <dc:description>說明文字</dc:description>
  <meta:initial-creator>王小明</meta:initial-creator>
  <dc:creator>李大華</dc:creator>
  <meta:creation-date>2024-03-01T09:00:00</meta:creation-date>
  <dc:date>2024-03-02T10:30:00.25</dc:date>
  <meta:keyword>APEC</meta:keyword>
  <meta:keyword>數位</meta:keyword>
  <dc:language>zh-TW</dc:language>
  <meta:document-statistic meta:page-count="2" meta:paragraph-count="12"/>
 </office:meta>
</office:document-meta>
"""

MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">
 <manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
 <manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>
 <manifest:file-entry manifest:full-path="meta.xml" manifest:media-type="text/xml"/>
 <manifest:file-entry manifest:full-path="Pictures/dot.png" manifest:media-type="image/png"/>
</manifest:manifest>
"""

# A 1x1 PNG.
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")


def main(out):
    with zipfile.ZipFile(out, "w") as z:
        # ODF: "mimetype" first and stored, so its bytes open the file.
        info = zipfile.ZipInfo("mimetype", date_time=(2024, 3, 1, 0, 0, 0))
        z.writestr(info, "application/vnd.oasis.opendocument.text", compress_type=zipfile.ZIP_STORED)
        for name, data in (("content.xml", CONTENT), ("styles.xml", STYLES), ("meta.xml", META),
                           ("META-INF/manifest.xml", MANIFEST), ("Pictures/dot.png", PNG)):
            info = zipfile.ZipInfo(name, date_time=(2024, 3, 1, 0, 0, 0))
            z.writestr(info, data.encode("utf-8") if isinstance(data, str) else data,
                       compress_type=zipfile.ZIP_DEFLATED)


if __name__ == "__main__":
    main(sys.argv[1])
