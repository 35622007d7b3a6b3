"""Builders of hostile and broken inputs for the malformed-input suite.

Everything here is generated at test time (or, for the encrypted PDFs, by
make-encrypted-pdf.sh once): small, readable constructions of each attack,
so a reviewer can see exactly what each case contains.
"""
import io
import random
import struct
import zipfile
import zlib


# ---- PDF ----

def pdf(pages_text=("Hello docnorm",), count=None):
    """A minimal valid PDF with one page per string (Helvetica text). An
    empty tuple gives a PDF whose page tree has no pages; @count overrides
    /Count (a lying page tree)."""
    objs = []
    n_pages = len(pages_text)
    first_page = 4
    kids = " ".join("%d 0 R" % (first_page + 2 * i) for i in range(n_pages))
    objs.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objs.append(("<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, n_pages if count is None else count)).encode())
    objs.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    for i, text in enumerate(pages_text):
        content = ("BT /F1 24 Tf 72 700 Td (%s) Tj ET" % text).encode()
        objs.append(("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
                     "/Resources << /Font << /F1 3 0 R >> >> >>" % (first_page + 2 * i + 1)).encode())
        objs.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objs, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref))
    return out.getvalue()


# ---- DOCX ----

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Default Extension="png" ContentType="image/png"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    '</Types>')
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="word/document.xml"/></Relationships>')


def document_xml(body='<w:p><w:r><w:t>出國報告 docnorm</w:t></w:r></w:p>', doctype=""):
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n%s'
            '<w:document xmlns:w="%s" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
            'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
            'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture" '
            'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing">'
            '<w:body>%s</w:body></w:document>' % (doctype, W_NS, body))


def docx(document=None, extra=(), doc_rels=None):
    """A minimal DOCX: content types, package rels, word/document.xml and
    @extra (name, bytes) entries; @doc_rels is word/_rels/document.xml.rels."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", ROOT_RELS)
        z.writestr("word/document.xml", document if document is not None else document_xml())
        if doc_rels is not None:
            z.writestr("word/_rels/document.xml.rels", doc_rels)
        for name, data in extra:
            z.writestr(zipfile.ZipInfo(name), data)
    return buf.getvalue()


def raw_zip(entries):
    """A zip written by hand from (name, raw deflate data, crc, uncompressed
    size) tuples, so one precompressed stream can be stored many times
    without compressing it again."""
    out = io.BytesIO()
    central = []
    for name, comp, crc, size in entries:
        nb = name.encode()
        off = out.tell()
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(comp), size, len(nb), 0))
        out.write(nb)
        out.write(comp)
        central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x21, crc, len(comp),
                                   size, len(nb), 0, 0, 0, 0, 0, off) + nb)
    cd_off = out.tell()
    for c in central:
        out.write(c)
    cd_len = out.tell() - cd_off
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), cd_len, cd_off, 0))
    return out.getvalue()


def deflate(data):
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


def zip_entry(name, data):
    return (name, deflate(data), zlib.crc32(data), len(data))


def docx_bomb_ratio(mb=24):
    """One document.xml that inflates @mb MiB at a ratio near 1000:1 (a
    valid document padded with whitespace): over the ratio limit, under
    the per-entry size limit."""
    doc = document_xml().encode()
    pad = b" " * (mb * 1024 * 1024)
    data = doc.replace(b"<w:body>", b"<w:body>" + pad, 1)
    return raw_zip([zip_entry("[Content_Types].xml", CONTENT_TYPES.encode()),
                    zip_entry("_rels/.rels", ROOT_RELS.encode()),
                    zip_entry("word/document.xml", data)])


def moderate_block(size, seed=7):
    """@size bytes that deflate at a ratio of roughly 100:1: zeros with a
    random byte every 600 positions."""
    rnd = random.Random(seed)
    b = bytearray(size)
    for i in range(0, size, 600):
        b[i] = rnd.randrange(1, 256)
    return bytes(b)


def docx_bomb_total(entries=100, mb=12):
    """A valid small DOCX plus @entries padding parts of @mb MiB each, every
    one under the ratio and per-entry limits, together past the 1 GiB total
    limit. The compressed block is made once and stored @entries times."""
    block = moderate_block(mb * 1024 * 1024)
    name, comp, crc, size = zip_entry("x", block)
    parts = [zip_entry("[Content_Types].xml", CONTENT_TYPES.encode()),
             zip_entry("_rels/.rels", ROOT_RELS.encode()),
             zip_entry("word/document.xml", document_xml().encode())]
    parts += [("word/media/pad%03d.bin" % i, comp, crc, size) for i in range(entries)]
    return raw_zip(parts), size / len(comp), entries * size


def xxe_document(secret_path):
    doctype = '<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file://%s">]>' % secret_path
    return document_xml('<w:p><w:r><w:t>before &xxe; after</w:t></w:r></w:p>', doctype)


def billion_laughs_document(levels=10):
    ents = ['<!ENTITY lol0 "lol">']
    for i in range(1, levels):
        ents.append('<!ENTITY lol%d "%s">' % (i, ("&lol%d;" % (i - 1)) * 10))
    doctype = "<!DOCTYPE w:document [%s]>" % "".join(ents)
    return document_xml('<w:p><w:r><w:t>&lol%d;</w:t></w:r></w:p>' % (levels - 1), doctype)


def deep_document(levels=100000):
    """word/document.xml with element nesting @levels deep (structured
    document tags, which Word itself nests)."""
    pairs = levels // 2
    inner = '<w:p><w:r><w:t>deep</w:t></w:r></w:p>'
    return document_xml("<w:sdt><w:sdtContent>" * pairs + inner + "</w:sdtContent></w:sdt>" * pairs)


# ---- OLE compound files (encrypted Office documents, legacy .doc) ----

def cfb(streams):
    """A minimal compound file (CFB v3, 512-byte sectors) holding @streams,
    (name, bytes) pairs each padded to at least 4096 bytes so all live in
    regular sectors (no mini stream)."""
    SEC = 512
    ENDOFCHAIN, FREESECT, FATSECT = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD
    data_secs = []   # list of (start sector, n sectors, padded bytes)
    next_sec = 0
    payload = b""
    for name, data in streams:
        data = data + b"\0" * max(0, 4096 - len(data))
        n = (len(data) + SEC - 1) // SEC
        data_secs.append((next_sec, n, len(data)))
        payload += data + b"\0" * (n * SEC - len(data))
        next_sec += n
    dir_sec = next_sec
    n_dir_entries = 1 + len(streams)
    n_dir_secs = (n_dir_entries * 128 + SEC - 1) // SEC
    fat_sec = dir_sec + n_dir_secs
    total = fat_sec + 1
    assert total <= SEC // 4, "one FAT sector is enough for these small files"
    fat = []
    for start, n, _ in data_secs:
        fat += [start + i + 1 for i in range(n - 1)] + [ENDOFCHAIN]
    fat += [dir_sec + i + 1 for i in range(n_dir_secs - 1)] + [ENDOFCHAIN]
    fat += [FATSECT]
    fat += [FREESECT] * (SEC // 4 - len(fat))

    def dirent(name, etype, left, right, child, start, size):
        nm = name.encode("utf-16-le") + b"\0\0"
        # name, its length, type, colour (black), siblings, child, CLSID,
        # state bits, two timestamps, first sector, size: 128 bytes.
        return (nm + b"\0" * (64 - len(nm)) + struct.pack("<HBBIII", len(nm), etype, 1, left, right, child)
                + b"\0" * 16 + b"\0" * 4 + b"\0" * 16 + struct.pack("<IQ", start, size))
    NOSTREAM = 0xFFFFFFFF
    # Root's child is the first stream; further streams hang as right siblings
    # (a degenerate but valid red-black tree: all black).
    entries = [dirent("Root Entry", 5, NOSTREAM, NOSTREAM, 1 if streams else NOSTREAM, ENDOFCHAIN, 0)]
    for i, ((name, _), (start, _, size)) in enumerate(zip(streams, data_secs)):
        right = i + 2 if i + 1 < len(streams) else NOSTREAM
        entries.append(dirent(name, 2, NOSTREAM, right, NOSTREAM, start, size))
    dir_bytes = b"".join(entries)
    dir_bytes += b"\0" * (n_dir_secs * SEC - len(dir_bytes))
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16 + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
              + b"\0" * 6 + struct.pack("<IIIIIIIII", 0, 1, dir_sec, 0, 4096, ENDOFCHAIN, 0, ENDOFCHAIN, 0))
    difat = [fat_sec] + [FREESECT] * 108
    header += struct.pack("<109I", *difat)
    assert len(header) == 512
    return header + payload + dir_bytes + struct.pack("<128I", *fat)


def encrypted_docx():
    """What Word writes for a password-protected .docx: an OLE container with
    EncryptionInfo (agile encryption, XML descriptor) and EncryptedPackage."""
    info = struct.pack("<HHI", 4, 4, 0x40) + (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
        b'<encryption xmlns="http://schemas.microsoft.com/office/2006/encryption">'
        b'<keyData saltSize="16" blockSize="16" keyBits="256" hashSize="64" cipherAlgorithm="AES" '
        b'cipherChaining="ChainingModeCBC" hashAlgorithm="SHA512" saltValue="AAAAAAAAAAAAAAAAAAAAAA=="/>'
        b'</encryption>')
    package = struct.pack("<Q", 1234) + bytes(random.Random(3).randrange(256) for _ in range(1248))
    return cfb([("EncryptionInfo", info), ("EncryptedPackage", package)])


def legacy_doc():
    """An OLE container with a WordDocument stream: a Word 97-2003 .doc."""
    return cfb([("WordDocument", b"\xec\xa5\xc1\x00" + b"\0" * 508), ("1Table", b"\0" * 512)])


# ---- ODT ----

ODT_MIME = b"application/vnd.oasis.opendocument.text"
ODT_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
    '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    '</manifest:manifest>')


def odt_content(body='<text:p>出國報告 docnorm</text:p>', doctype=""):
    return ('<?xml version="1.0" encoding="UTF-8"?>\n%s'
            '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
            'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
            '<office:body><office:text>%s</office:text></office:body></office:document-content>' % (doctype, body))


def odt(content=None, extra=()):
    """A minimal ODT: mimetype first and stored, manifest, content.xml."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("mimetype"), ODT_MIME, compress_type=zipfile.ZIP_STORED)
        z.writestr("META-INF/manifest.xml", ODT_MANIFEST)
        z.writestr("content.xml", content if content is not None else odt_content())
        for name, data in extra:
            z.writestr(zipfile.ZipInfo(name), data)
    return buf.getvalue()

