"""docnorm batch over real hostile documents for the pdf or docx reader: a
corrupt PDF, an encrypted PDF, a zip-bomb DOCX, a corrupt DOCX, next to a
good document. Exits 77 (meson: SKIP) when the reader is not in the build.

  test_hostile.py DOCNORM pdf|docx [PLUGIN_DIR]

PLUGIN_DIR (optional) goes into DOCNORM_PLUGIN_PATH, to try a reader built
elsewhere.
"""
import io
import os
import sys
import tempfile
import zipfile

from batchlib import check, dnschema, finish, leftovers, read_manifest, run

DOCNORM = os.path.abspath(sys.argv[1])
FORMAT = sys.argv[2]
PLUGIN_DIR = sys.argv[3] if len(sys.argv) > 3 else None


def pdf(objects, trailer_extra=b""):
    """A PDF with correct xref offsets. @objects are the bodies of objects
    1..n; object 1 is the catalog."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += (b"trailer\n<< /Size %d /Root 1 0 R " % (len(objects) + 1)) + trailer_extra + b">>\n"
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def good_pdf():
    content = b"BT /F1 12 Tf 72 720 Td (Report on a visit to Tokyo) Tj ET"
    return pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ])


def encrypted_pdf():
    """Standard security handler, RC4 40-bit, with /O and /U that no empty
    user password matches: a reader must ask for a password."""
    body = good_pdf()
    enc = (b"/Encrypt << /Filter /Standard /V 1 /R 2 /Length 40 /P -44 "
           b"/O <" + b"11" * 32 + b"> /U <" + b"22" * 32 + b"> >> "
           b"/ID [<0123456789abcdef0123456789abcdef> <0123456789abcdef0123456789abcdef>] ")
    # Re-emit with the encryption dictionary in the trailer.
    objs = body.split(b" obj\n")[1:]
    objs = [o.split(b"\nendobj\n")[0] for o in objs]
    return pdf(objs, enc)


def docx(document_xml, extra=()):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                   '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                   '<Default Extension="xml" ContentType="application/xml"/>'
                   '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
                   '</Types>')
        z.writestr("_rels/.rels",
                   '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
                   '</Relationships>')
        z.writestr("word/document.xml", document_xml)
        for name, data in extra:
            z.writestr(name, data)
    return buf.getvalue()


W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def cases(fmt):
    if fmt == "pdf":
        return {
            "good.pdf": (good_pdf(), "ok", None),
            "corrupt.pdf": (b"%PDF-1.7\n" + bytes((i * 7919) % 251 for i in range(20000)), "failed", "corrupt"),
            "encrypted.pdf": (encrypted_pdf(), "failed", "encrypted"),
        }
    GOOD_DOCX = docx('<?xml version="1.0" encoding="UTF-8"?><w:document %s><w:body><w:p><w:r><w:t>Report on a visit'
                     ' to Tokyo</w:t></w:r></w:p></w:body></w:document>' % W)
    # 64 MiB of spaces inside one text run: about 64 KiB compressed, far past
    # any sane expansion ratio.
    BOMB_DOCX = docx(('<?xml version="1.0" encoding="UTF-8"?><w:document %s><w:body><w:p><w:r><w:t>' % W)
                     + " " * (64 * 1024 * 1024) + "</w:t></w:r></w:p></w:body></w:document>")
    return {
        "good.docx": (GOOD_DOCX, "ok", None),
        "bomb.docx": (BOMB_DOCX, "failed", "limit"),
        # A well-formed package whose main part is not well-formed XML.
        "corrupt.docx": (docx('<?xml version="1.0"?><w:document %s><w:body><w:p><w:r><w:t>cut' % W),
                         "failed", "corrupt"),
    }


formats = run(DOCNORM, ["formats"], plugin_dir=PLUGIN_DIR).stdout.decode()
if not any(line.split()[:1] == [FORMAT] for line in formats.splitlines()):
    print("SKIP: no %s reader in this build (docnorm formats lists: %r)" % (FORMAT, formats))
    sys.exit(77)

CASES = cases(FORMAT)
with tempfile.TemporaryDirectory() as tmp:
    os.chdir(tmp)
    os.makedirs("in")
    for name, (data, _s, _c) in CASES.items():
        with open(os.path.join("in", name), "wb") as f:
            f.write(data)
    p = run(DOCNORM, ["batch", "in", "-o", "out", "-j", "2", "--timeout", "20", "--max-memory", "1024"],
            plugin_dir=PLUGIN_DIR)
    err = p.stderr.decode()
    check("exit 1: some failed", p.returncode == 1, (p.returncode, err))
    lines = {l["path"]: l for l in read_manifest("out")}
    for name, (_data, status, code) in CASES.items():
        line = lines.get(os.path.join("in", name), {})
        rec = os.path.isfile(os.path.join("out", "in", name + ".json"))
        if status == "ok":
            check("%s converted" % name, line.get("status") in dnschema.CONVERTED and rec
                  and line.get("reader") == FORMAT, line)
        else:
            check("%s failed as %s" % (name, code), line.get("status") == "failed" and not rec
                  and line.get("error", {}).get("code") == code, line)
    check("no partial files", leftovers("out") == [], leftovers("out"))

finish()
