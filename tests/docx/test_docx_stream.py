#!/usr/bin/env python3
"""The DOCX main part read as it streams in, end to end through the CLI.

  test_docx_stream.py DOCNORM

The packages are built at test time with samples/tools/ooxml.py, the builder
of the committed feature samples, in a temporary folder. The body is read
block by block while it is inflated and parsed, so these check what that
must not change: a body cut off part-way fails with the message libxml2
gives for the whole part and writes nothing; a DTD and the depth limit are
still refused; headers, whose references come last, still lead the record.
Expectations are written by hand.
"""
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tools"))
sys.path.insert(0, os.path.join(HERE, "..", "..", "samples", "tools"))
import ooxml  # noqa: E402
from dncheck import check, finish  # noqa: E402
from ooxml import para, run, wml_ct  # noqa: E402

DOCNORM = sys.argv[1]
BLOCKS = para(run("一")) + para(run("二")) + "<w:tbl><w:tr><w:tc>" + para(run("格")) + "</w:tc></w:tr></w:tbl>"


def build(path, document, parts=()):
    """Writes a package whose main part is @document (the text as given) and
    @parts, (name, xml, relationship type) triples related from it."""
    pkg = ooxml.Package()
    for name, data, rtype in parts:
        pkg.add_part("word/" + name, data, wml_ct(rtype))
        pkg.main_rel(rtype, name)
    pkg.add_part(pkg.main, document, ooxml.CT_MAIN)
    pkg.write(path)
    return path


def convert(path, *args):
    return subprocess.run([DOCNORM, "convert", "--raw", *args, path], capture_output=True, text=True)


def expect_error(name, path, words, *args):
    """Exit 1, one line on stderr holding @words, no record anywhere."""
    out = os.path.join(os.path.dirname(path), "record.json")
    r = convert(path, "-o", out, *args)
    check(name, r.returncode == 1 and r.stderr.endswith(": " + words + "\n") and r.stderr.count("\n") == 1
          and r.stdout == "" and not os.path.exists(out), "exit %d, stderr %r" % (r.returncode, r.stderr))


with tempfile.TemporaryDirectory() as tmp:
    whole = ooxml.document_xml(BLOCKS + para(run("三")))
    cut = whole[:whole.index("三") + 1]
    expect_error("a body cut off after three blocks fails as a whole-part parse did, leaving no record",
                 build(os.path.join(tmp, "cut.docx"), cut),
                 "word/document.xml: malformed XML: Premature end of data in tag t line 2")

    dtd = ooxml.document_xml(BLOCKS + para(run("&x;"))).replace(
        "?>\n", '?>\n<!DOCTYPE w:document [<!ENTITY x "TOP-SECRET">]>', 1)
    expect_error("a DTD in the main part is refused",
                 build(os.path.join(tmp, "dtd.docx"), dtd),
                 "word/document.xml: XML part declares a DTD (refused: package parts never carry one)")

    # document 1, body 2, (sdt, sdtContent) x 3 up to 8, p 9
    deep = ooxml.document_xml(BLOCKS + "<w:sdt><w:sdtContent>" * 3 + para(run("深"))
                              + "</w:sdtContent></w:sdt>" * 3)
    expect_error("the depth limit holds in the body, after some blocks",
                 build(os.path.join(tmp, "deep.docx"), deep),
                 "word/document.xml: XML nested deeper than 8 elements", "--limit", "max_xml_depth=8")

    # The sectPr naming the header is the body's last child.
    sect = ('<w:sectPr><w:headerReference w:type="default" r:id="rId1"/>'
            '<w:footerReference w:type="default" r:id="rId2"/></w:sectPr>')
    path = build(os.path.join(tmp, "headers.docx"), ooxml.document_xml(BLOCKS + para(run("三")), sect=sect),
                 [("header1.xml", ooxml.part_xml("hdr", para(run("出國報告"))), "header"),
                  ("footer1.xml", ooxml.part_xml("ftr", para(run("頁尾"))), "footer")])
    r = convert(path)
    top = json.loads(r.stdout)["body"]["children"] if r.returncode == 0 else []
    got = [(n["type"], n.get("role"), n.get("text") or "".join(c.get("text", "") for c in n.get("children", [])))
           for n in top]
    check("the header precedes the body text when the sectPr naming it is the last body child",
          got == [("furniture", "header", "出國報告"), ("paragraph", None, "一"), ("paragraph", None, "二"),
                  ("table", None, ""), ("paragraph", None, "三"), ("furniture", "footer", "頁尾")],
          "%d %s %r" % (r.returncode, r.stderr, got))

finish()
