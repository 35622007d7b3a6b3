"""XML records: every one validates against schemas/docnorm-record-v1.xsd
(libxml2's xmllint), carries the same content as the JSON record of the same
input, is byte-for-byte deterministic, and stays valid XML when the text
holds C0 control characters.

  check_xml.py DOCNORM XMLLINT SOURCE_ROOT INPUT...

"Same content" is checked by mapping the JSON record to the XML tree it
should give, with an independent implementation of the rule in
docs/RECORD.md (item names read from core/dn-vocab.c), and comparing that
tree with the parsed XML element by element.
"""
import json
import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

NS = "urn:docnorm:record:1"
XSI_NIL = "{http://www.w3.org/2001/XMLSchema-instance}nil"
C0 = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def item_names(source_root):
    with open(os.path.join(source_root, "core", "dn-vocab.c"), encoding="utf-8") as f:
        src = f.read()
    table = src[src.index("item_names[][2]"):]
    table = table[:table.index("};")]
    return dict(re.findall(r'\{\s*"([^"]+)",\s*"([^"]+)"\s*\}', table))


def scalar(v):
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, str):
        return C0.sub("\ufffd", v)
    return v  # numbers compared as numbers


class Expect:
    def __init__(self, items):
        self.items = items

    def value(self, name, v):
        """(tag, attrs, text, children) for member @name holding @v."""
        if v is None:
            return (name, {XSI_NIL: "true"}, None, [])
        if isinstance(v, dict):
            if name == "body":
                return (name, {}, None, [self.node(v)])
            return (name, {}, None, [self.value(k, x) for k, x in v.items()])
        if isinstance(v, list):
            item = self.items.get(name, "item")
            return (name, {}, None, [self.value(item, x) for x in v])
        return (name, {}, scalar(v), [])

    def node(self, n):
        attrs, kids = {}, []
        for k, x in n.items():
            if k in ("type", "children", "text"):
                continue
            if isinstance(x, (dict, list)):
                continue
            attrs[k] = scalar(x)
        if "text" in n:
            kids.append(self.value("text", n["text"]))
        for k, x in n.items():
            if k != "children" and isinstance(x, (dict, list)):
                kids.append(self.value(k, x))
        for c in n.get("children", []):
            kids.append(self.node(c))
        return (n["type"], attrs, None, kids)


def same_scalar(want, got_text):
    if isinstance(want, (int, float)) and not isinstance(want, bool):
        try:
            return float(got_text) == float(want)
        except (TypeError, ValueError):
            return False
    return (got_text or "") == (want or "")


def compare(want, el, path, errors):
    tag, attrs, text, kids = want
    name = el.tag.replace("{%s}" % NS, "")
    here = "%s/%s" % (path, tag)
    if name != tag:
        errors.append("%s: element <%s>, want <%s>" % (path, name, tag))
        return
    got_attrs = dict(el.attrib)
    if set(got_attrs) != set(attrs):
        errors.append("%s: attributes %s, want %s" % (here, sorted(got_attrs), sorted(attrs)))
    for k, v in attrs.items():
        if k in got_attrs and not same_scalar(v, got_attrs[k]):
            errors.append("%s/@%s: %r, want %r" % (here, k, got_attrs[k], v))
    if kids or text is None:
        if (el.text or "").strip():
            errors.append("%s: unexpected text %r" % (here, el.text[:40]))
    elif not same_scalar(text, el.text):
        errors.append("%s: text %r, want %r" % (here, (el.text or "")[:60], str(text)[:60]))
    children = list(el)
    if len(children) != len(kids):
        errors.append("%s: %d children, want %d" % (here, len(children), len(kids)))
        return
    for i, (w, c) in enumerate(zip(kids, children)):
        compare(w, c, "%s[%d]" % (here, i), errors)
        if len(errors) > 20:
            return


def run(cmd, **kw):
    p = subprocess.run(cmd, capture_output=True, timeout=120, **kw)
    return p


def check_one(docnorm, xmllint, xsd, items, path, extra, label):
    failures = []
    pj = run([docnorm, "convert", "-t", "json"] + extra + [path])
    px = run([docnorm, "convert", "-t", "xml"] + extra + [path])
    px2 = run([docnorm, "convert", "-t", "xml"] + extra + [path])
    for p in (pj, px):
        if p.returncode != 0 or p.stderr:
            return ["%s: exit %d: %s" % (label, p.returncode, p.stderr.decode(errors="replace")[:300])]
    if px.stdout != px2.stdout:
        failures.append("%s: two XML runs differ" % label)
    with tempfile.NamedTemporaryFile(suffix=".xml", delete=False) as f:
        f.write(px.stdout)
        xml_path = f.name
    try:
        v = run([xmllint, "--noout", "--nonet", "--schema", xsd, xml_path])
        if v.returncode != 0:
            failures.append("%s: not valid against the XSD:\n%s" % (label, v.stderr.decode(errors="replace")[:1500]))
    finally:
        os.unlink(xml_path)
    record = json.loads(pj.stdout)
    root = ET.fromstring(px.stdout)
    want = ("record", {}, None, [Expect(items).value(k, v) for k, v in record.items()])
    errors = []
    compare(want, root, "", errors)
    failures.extend("%s: %s" % (label, e) for e in errors[:20])
    return failures


def check_xsd_rejects(docnorm, xmllint, xsd, path):
    """The schema is not a rubber stamp: broken records are refused."""
    failures = []
    good = run([docnorm, "convert", "-t", "xml", path]).stdout.decode("utf-8")
    broken = {
        "impossible date": re.sub(r"<start>\d{4}-\d{2}-\d{2}</start>", "<start>2024-13-45</start>", good, count=1),
        "unknown category": re.sub(r"<normalized>[^<]*</normalized>", "<normalized>出差</normalized>", good, count=1),
        "bad section id in the report": re.sub(r"<section_id>s1</section_id>", "<section_id>x1</section_id>", good, count=1),
        "unknown node type": good.replace("<paragraph>", "<para>", 1),
        "missing report member": re.sub(r"<kind>[^<]*</kind>", "", good, count=1),
    }
    for what, text in broken.items():
        if text == good:
            failures.append("negative case %r did not change the record" % what)
            continue
        with tempfile.NamedTemporaryFile(suffix=".xml", delete=False) as f:
            f.write(text.encode("utf-8"))
            p = f.name
        try:
            if run([xmllint, "--noout", "--nonet", "--schema", xsd, p]).returncode == 0:
                failures.append("XSD accepted a record with %s" % what)
        finally:
            os.unlink(p)
    return failures


def main(argv):
    docnorm, xmllint, source_root = argv[1:4]
    inputs = argv[4:]
    xsd = os.path.join(source_root, "schemas", "docnorm-record-v1.xsd")
    items = item_names(source_root)
    failures = []
    for path in inputs:
        failures += check_one(docnorm, xmllint, xsd, items, path, [], os.path.basename(path))
        if os.path.basename(path) in ("feature-images.docx", "feature-report.pdf"):
            # Readers' hints: objects, arrays of numbers, flags.
            failures += check_one(docnorm, xmllint, xsd, items, path, ["--hints"],
                                  os.path.basename(path) + " --hints")
    # Hints (objects, arrays of numbers) and the raw reader tree.
    failures += check_one(docnorm, xmllint, xsd, items, inputs[0], ["--hints"], "hints")
    failures += check_one(docnorm, xmllint, xsd, items, inputs[0], ["--raw"], "raw")
    # C0 controls in the text: JSON escapes them, XML must replace them.
    with tempfile.TemporaryDirectory() as d:
        p = os.path.join(d, "controls.txt")
        with open(p, "w", encoding="utf-8") as f:
            f.write("壹、目的\n\n本次\x01會議\x1f文字，tab\there\uffff。\n\n貳、過程\n\n內容。\n")
        failures += check_one(docnorm, xmllint, xsd, items, p, ["-f", "txt"], "controls")
        x = run([docnorm, "convert", "-f", "txt", "-t", "xml", p]).stdout.decode("utf-8")
        if "\ufffd" not in x or "\x01" in x or "\uffff" in x:
            failures.append("controls: C0 characters not replaced with U+FFFD")
    failures += check_xsd_rejects(docnorm, xmllint, xsd, inputs[0])
    for f in failures:
        print("FAIL " + f)
    if not failures:
        print("ok: %d inputs, XSD-valid, same content as JSON, deterministic" % len(inputs))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
