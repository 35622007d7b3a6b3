"""ODT reader through the CLI.

1. Parity: LibreOffice's ODT export of a DOCX sample gives the same headings
   (labels included) and the same texts as the DOCX itself.
2. Hostile packages (built here with zipfile) end in one clean line with the
   documented exit status, never a crash or a print from a library: a zip
   bomb, a DTD with entities, nesting past the depth limit, an encrypted
   package, a spreadsheet, a package without content.xml, a ".." entry name.

  test_odt_cli.py DOCNORM SOURCE_ROOT
"""
import collections
import json
import os
import re
import subprocess
import sys
import tempfile
import zipfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
import dnschema  # noqa: E402
from dncheck import check, finish  # noqa: E402

DOCNORM, SRC = sys.argv[1:3]


def run(args):
    env = dict(os.environ)
    env.pop("DOCNORM_PLUGIN_PATH", None)
    return subprocess.run([DOCNORM] + args, capture_output=True, env=env, timeout=120)


def view(path):
    p = run(["convert", "--raw", path])
    rec = json.loads(p.stdout)
    dnschema.validate_record(rec, os.path.basename(path))
    heads, texts = [], []

    def walk(n):
        if n["type"] == "heading":
            heads.append((n.get("label"), n.get("text")))
        if n["type"] == "furniture":
            return
        if n.get("text", "").strip():
            texts.append(re.sub(r"\s+", " ", n["text"]).strip())
        for c in n.get("children", []):
            walk(c)
    walk(rec["body"])
    return rec, heads, texts


for stem in ("seed-001-wordnum", "feature-tables", "feature-toc", "feature-comments"):
    rd, hd, td = view(os.path.join(SRC, "samples", "docx", stem + ".docx"))
    ro, ho, to = view(os.path.join(SRC, "samples", "odt", stem + ".odt"))
    check("%s: ODT headings and labels equal the DOCX's (%d)" % (stem, len(hd)), hd == ho, (hd[:4], ho[:4]))
    a, b = collections.Counter(td), collections.Counter(to)
    check("%s: ODT texts equal the DOCX's (%d)" % (stem, len(td)), a == b,
          (list((a - b).elements())[:3], list((b - a).elements())[:3]))

# --images writes each embedded image once, named after the input.
with tempfile.TemporaryDirectory() as tmp:
    p = run(["convert", "--raw", "--images", tmp, os.path.join(SRC, "samples", "odt", "features.odt")])
    rec = json.loads(p.stdout) if p.returncode == 0 else {"body": {}}
    figs = [c for c in rec["body"].get("children", []) if c["type"] == "figure"]
    with zipfile.ZipFile(os.path.join(SRC, "samples", "odt", "features.odt")) as z:
        png = z.read("Pictures/dot.png")
    written = os.path.join(tmp, "features-dot.png")
    check("--images writes the image and records its file name",
          [f.get("image") for f in figs] == ["features-dot.png"] and os.path.exists(written)
          and open(written, "rb").read() == png, (figs, os.listdir(tmp)))

ODF_MIME = b"application/vnd.oasis.opendocument.text"
NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
      'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')


def content(body):
    return ('<?xml version="1.0" encoding="UTF-8"?><office:document-content %s><office:body><office:text>%s'
            '</office:text></office:body></office:document-content>' % (NS, body)).encode()


def package(path, entries, mime=ODF_MIME):
    with zipfile.ZipFile(path, "w") as z:
        if mime is not None:
            z.writestr(zipfile.ZipInfo("mimetype"), mime, compress_type=zipfile.ZIP_STORED)
        for name, data in entries:
            z.writestr(zipfile.ZipInfo(name), data, compress_type=zipfile.ZIP_DEFLATED)


with tempfile.TemporaryDirectory() as tmp:
    def case(name, entries, status, fragment, mime=ODF_MIME):
        path = os.path.join(tmp, name)
        package(path, entries, mime)
        p = run(["convert", path])
        err = p.stderr.decode()
        check("%s: exit %d, one line with '%s'" % (name, status, fragment),
              p.returncode == status and err.count("\n") == 1 and err.startswith("docnorm: %s: " % path)
              and fragment in err and p.stdout == b"", (p.returncode, err))

    ok = os.path.join(tmp, "minimal.odt")
    package(ok, [("content.xml", content("<text:h text:outline-level='2'>標題</text:h><text:p>本文</text:p>"))])
    p = run(["convert", "--raw", ok])
    rec = json.loads(p.stdout) if p.returncode == 0 else {}
    check("minimal package reads", [(c["type"], c.get("text")) for c in rec.get("body", {}).get("children", [])]
          == [("heading", "標題"), ("paragraph", "本文")], p.stderr)
    check("minimal package: format odt", rec.get("source", {}).get("format") == "odt")

    # A spreadsheet-style table repeats an empty row or cell a million
    # times: kept ODT_MAX_REPEAT (1,000) times, with one warning each.
    TNS = 'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
    tables = ('<table:table %s><table:table-row table:number-rows-repeated="1000000"><table:table-cell>'
              '<text:p>r</text:p></table:table-cell></table:table-row></table:table>'
              '<table:table %s><table:table-row><table:table-cell table:number-columns-repeated="3">'
              '<text:p>c</text:p></table:table-cell><table:table-cell table:number-columns-repeated="2000000"/>'
              '</table:table-row></table:table>') % (TNS, TNS)
    rep = os.path.join(tmp, "repeat.odt")
    package(rep, [("content.xml", content(tables))])
    p = run(["convert", "--raw", rep])
    rec = json.loads(p.stdout) if p.returncode == 0 else {}
    tabs = [c for c in rec.get("body", {}).get("children", []) if c.get("type") == "table"]
    shape = [(len(t.get("children", [])), [len(r.get("children", [])) for r in t.get("children", [])][:1])
             for t in tabs]
    check("repeated rows and cells capped at 1000 (3 repeats kept as 3)",
          shape == [(1000, [1]), (1, [1003])], shape)
    capped = sorted(w.get("message") for w in rec.get("warnings", []) if w.get("code") == "ODT_REPEAT_CAPPED")
    check("one ODT_REPEAT_CAPPED warning per capped row or cell", capped == [
        "a table cell repeated 2000000 times was kept 1000 times",
        "a table row repeated 1000000 times was kept 1000 times"], capped)

    # 20 MB of spaces deflates about 1000:1, past the ratio limit (200).
    case("bomb.odt", [("content.xml", content("") + b" " * (20 * 1024 * 1024))], 1, "ratio")
    laughs = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
              '<office:document-content %s><office:body><office:text><text:p>&lol2;</text:p>'
              '</office:text></office:body></office:document-content>' % NS).encode()
    case("entities.odt", [("content.xml", laughs)], 1, "DTD")
    case("deep.odt", [("content.xml", content("<text:section>" * 5000 + "</text:section>" * 5000))], 1, "deep")
    manifest = ('<?xml version="1.0"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:'
                'xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="content.xml" '
                'manifest:media-type="text/xml"><manifest:encryption-data manifest:checksum="x"/>'
                '</manifest:file-entry></manifest:manifest>').encode()
    case("encrypted.odt", [("META-INF/manifest.xml", manifest), ("content.xml", b"\x8f\x12garbage")], 5,
         "password")
    case("sheet.ods", [("content.xml", content(""))], 4, "spreadsheet",
         mime=b"application/vnd.oasis.opendocument.spreadsheet")
    case("nocontent.odt", [("styles.xml", b"<x/>")], 1, "content.xml")
    case("traversal.odt", [("../evil.xml", b"<x/>"), ("content.xml", content(""))], 1, "..")
    case("broken.odt", [("content.xml", content("<text:p>unclosed")[:-40])], 1, "content.xml")

finish()
