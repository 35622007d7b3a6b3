"""Minimal raw OOXML (WordprocessingML) package writer for docnorm's samples.

Written by hand rather than with python-docx so that every sample holds
exactly the markup it is meant to exercise (numbering.xml formats, fields,
mc:AlternateContent, Strict namespaces, an unusual main-part name, ...).
Deterministic: fixed zip timestamps, sorted nothing, so re-running gives
byte-identical files.
"""
import zipfile
from xml.sax.saxutils import escape

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
W_STRICT = "http://purl.oclc.org/ooxml/wordprocessingml/main"
R_STRICT = "http://purl.oclc.org/ooxml/officeDocument/relationships"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
RT_STRICT = "http://purl.oclc.org/ooxml/officeDocument/relationships/"
CT_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
CT_WML = "application/vnd.openxmlformats-officedocument.wordprocessingml."

NS_DECL = (
    'xmlns:w="%s" xmlns:r="%s" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:v="urn:schemas-microsoft-com:vml" '
    'xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" '
    'mc:Ignorable="w14"'
) % (W, R)
NS_DECL_STRICT = NS_DECL.replace(W, W_STRICT).replace(R, R_STRICT)

FIXED_DATE = (2025, 1, 1, 0, 0, 0)


def x(s):
    return escape(s, {'"': "&quot;"})


def run(text, bold=False, italic=False, underline=False, rstyle=None):
    """One w:r; tabs in @text become w:tab, newlines w:br."""
    props = ""
    if rstyle:
        props += '<w:rStyle w:val="%s"/>' % rstyle
    if bold:
        props += "<w:b/>"
    if italic:
        props += "<w:i/>"
    if underline:
        props += '<w:u w:val="single"/>'
    out = "<w:r>"
    if props:
        out += "<w:rPr>%s</w:rPr>" % props
    parts = []
    for i, seg in enumerate(text.split("\n")):
        if i:
            parts.append("<w:br/>")
        for j, t in enumerate(seg.split("\t")):
            if j:
                parts.append("<w:tab/>")
            if t:
                parts.append('<w:t xml:space="preserve">%s</w:t>' % x(t))
    return out + "".join(parts) + "</w:r>"


def para(body, style=None, num=None, ilvl=0, extra_ppr=""):
    ppr = ""
    if style:
        ppr += '<w:pStyle w:val="%s"/>' % style
    if num is not None:
        ppr += '<w:numPr><w:ilvl w:val="%d"/><w:numId w:val="%d"/></w:numPr>' % (ilvl, num)
    ppr += extra_ppr
    return "<w:p>%s%s</w:p>" % ("<w:pPr>%s</w:pPr>" % ppr if ppr else "", body)


def lvl(ilvl, fmt, text, start=1, is_lgl=False, restart=None, suff=None, ind=None):
    s = '<w:lvl w:ilvl="%d"><w:start w:val="%d"/><w:numFmt w:val="%s"/>' % (ilvl, start, fmt)
    if restart is not None:
        s += '<w:lvlRestart w:val="%d"/>' % restart
    if is_lgl:
        s += "<w:isLgl/>"
    if suff:
        s += '<w:suff w:val="%s"/>' % suff
    s += '<w:lvlText w:val="%s"/><w:lvlJc w:val="left"/>' % x(text)
    if ind is not None:
        s += '<w:pPr><w:ind w:left="%d" w:hanging="%d"/></w:pPr>' % ind
    return s + "</w:lvl>"


def numbering_xml(abstracts, nums, ns=W):
    """@abstracts: {abstractNumId: [lvl xml]}; @nums: {numId: (abstractId, {ilvl: startOverride})}."""
    out = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:numbering xmlns:w="%s">' % ns]
    for aid, lvls in abstracts.items():
        out.append('<w:abstractNum w:abstractNumId="%d">%s</w:abstractNum>' % (aid, "".join(lvls)))
    for nid, (aid, overrides) in nums.items():
        ov = "".join('<w:lvlOverride w:ilvl="%d"><w:startOverride w:val="%d"/></w:lvlOverride>' % (k, v)
                     for k, v in sorted(overrides.items()))
        out.append('<w:num w:numId="%d"><w:abstractNumId w:val="%d"/>%s</w:num>' % (nid, aid, ov))
    out.append("</w:numbering>")
    return "".join(out)


def styles_xml(ns=W, extra="", toc_tabs=False):
    """Built-in heading styles 1-6, TOC 1-3, list paragraph, defaults. With
    @toc_tabs the TOC styles are Word's: indented by level, page numbers at a
    right tab stop with a dot leader."""
    s = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:styles xmlns:w="%s">' % ns,
         '<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:eastAsia="標楷體"/><w:sz w:val="24"/>'
         '<w:lang w:val="en-US" w:eastAsia="zh-TW"/></w:rPr></w:rPrDefault><w:pPrDefault/></w:docDefaults>',
         '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>']
    for i in range(1, 7):
        s.append('<w:style w:type="paragraph" w:styleId="Heading%d"><w:name w:val="heading %d"/>'
                 '<w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:pPr><w:keepNext/>'
                 '<w:outlineLvl w:val="%d"/></w:pPr><w:rPr><w:b/><w:sz w:val="%d"/></w:rPr></w:style>'
                 % (i, i, i - 1, 36 - 2 * i))
    for i in range(1, 4):
        ppr = ""
        if toc_tabs:
            ppr = ('<w:pPr><w:tabs><w:tab w:val="right" w:leader="dot" w:pos="9016"/></w:tabs>'
                   '<w:ind w:left="%d"/></w:pPr>' % (480 * (i - 1)))
        s.append('<w:style w:type="paragraph" w:styleId="TOC%d"><w:name w:val="toc %d"/>'
                 '<w:basedOn w:val="Normal"/>%s</w:style>' % (i, i, ppr))
    s.append('<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/>'
             '<w:basedOn w:val="Normal"/><w:rPr><w:b/><w:sz w:val="40"/></w:rPr></w:style>')
    s.append('<w:style w:type="paragraph" w:styleId="ListParagraph"><w:name w:val="List Paragraph"/>'
             '<w:basedOn w:val="Normal"/></w:style>')
    s.append('<w:style w:type="character" w:styleId="Hyperlink"><w:name w:val="Hyperlink"/>'
             '<w:rPr><w:u w:val="single"/></w:rPr></w:style>')
    s.append('<w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/></w:style>')
    s.append(extra)
    s.append("</w:styles>")
    return "".join(s)


def document_xml(body, ns_decl=NS_DECL, sect=""):
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<w:document %s><w:body>%s%s</w:body></w:document>' % (ns_decl, body, sect))


def part_xml(root, body, ns_decl=NS_DECL):
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<w:%s %s>%s</w:%s>' % (root, ns_decl, body, root))


def core_xml(title="", subject="", creator="", keywords="", description="",
             last_modified_by="", created="", modified=""):
    def el(tag, v, attr=""):
        return "<%s%s>%s</%s>" % (tag, attr, x(v), tag) if v else ""
    dt = ' xsi:type="dcterms:W3CDTF"'
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            + el("dc:title", title) + el("dc:subject", subject) + el("dc:creator", creator)
            + el("cp:keywords", keywords) + el("dc:description", description)
            + el("cp:lastModifiedBy", last_modified_by)
            + el("dcterms:created", created, dt) + el("dcterms:modified", modified, dt)
            + "</cp:coreProperties>")


def app_xml(pages=0, company=""):
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
            '<Application>docnorm make-docx.py</Application>'
            + ("<Pages>%d</Pages>" % pages if pages else "")
            + ("<Company>%s</Company>" % x(company) if company else "")
            + "</Properties>")


class Package:
    """Collects parts and relationships, then writes a .docx."""

    def __init__(self, main="word/document.xml", strict=False):
        self.main = main
        self.strict = strict
        self.parts = {}       # name -> (content type or None, bytes)
        self.rels = {}        # source part -> [(id, type, target, external)]
        self.defaults = {"rels": "application/vnd.openxmlformats-package.relationships+xml",
                         "xml": "application/xml"}
        rt = RT_STRICT if strict else RT
        self.rt = rt
        self.add_rel("", rt + "officeDocument", main)

    def add_rel(self, source, rtype, target, external=False):
        lst = self.rels.setdefault(source, [])
        rid = "rId%d" % (len(lst) + 1)
        lst.append((rid, rtype, target, external))
        return rid

    def add_part(self, name, data, ctype=None):
        if isinstance(data, str):
            data = data.encode("utf-8")
        self.parts[name] = (ctype, data)

    def main_rel(self, rtype, target, external=False):
        """A relationship from the main part; @target relative to its folder."""
        return self.add_rel(self.main, self.rt + rtype, target, external)

    def write(self, path):
        overrides = []
        for name, (ctype, _) in self.parts.items():
            if ctype:
                overrides.append('<Override PartName="/%s" ContentType="%s"/>' % (name, ctype))
        defaults = "".join('<Default Extension="%s" ContentType="%s"/>' % kv for kv in self.defaults.items())
        ct = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
              '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">%s%s</Types>'
              % (defaults, "".join(overrides)))
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            def put(name, data):
                info = zipfile.ZipInfo(name, FIXED_DATE)
                info.compress_type = zipfile.ZIP_DEFLATED
                z.writestr(info, data)
            put("[Content_Types].xml", ct)
            for source, lst in self.rels.items():
                if "/" in source:
                    folder, base = source.rsplit("/", 1)
                    rels_name = "%s/_rels/%s.rels" % (folder, base)
                else:
                    rels_name = "_rels/.rels"
                body = "".join('<Relationship Id="%s" Type="%s" Target="%s"%s/>'
                               % (rid, t, x(tg), ' TargetMode="External"' if ext else "")
                               for rid, t, tg, ext in lst)
                put(rels_name, '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                    '<Relationships xmlns="%s">%s</Relationships>' % (RELS, body))
            for name, (_, data) in self.parts.items():
                put(name, data)


def wml_ct(kind):
    return CT_WML + kind + "+xml"
