"""The Markdown writer, read back: every sample's record is written as
Markdown, parsed with pandoc's GFM reader, and what pandoc sees must be what
the record holds: the same headings at the same levels, the same paragraph,
list and caption texts (so escaping turned no text into markup), the same
table cells, code blocks, images and link targets. Output is deterministic.

  test_markdown_roundtrip.py DOCNORM PANDOC SAMPLES_DIR... [--raw] [--expected=DIR [--update]]

With --expected, the Markdown must also equal the reviewed DIR/SAMPLE.md
(--update rewrites those; read the diff before committing).
"""
import collections
import json
import os
import re
import subprocess
import sys
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
from dncheck import check, summary  # noqa: E402

DOCNORM, PANDOC = sys.argv[1:3]
rest = sys.argv[3:]


def norm(s):
    return re.sub(r"\s+", " ", s).strip()


# ---- what the record holds ----

def node_text(n):
    """The node's text without note references (the writer replaces them)."""
    text = n.get("text", "")
    cuts = sorted(((m["start"], m["end"]) for m in n.get("marks", []) if "note_ref" in m["marks"]), reverse=True)
    for a, b in cuts:
        text = text[:a] + text[b:]
    return text


def heading_level(n, ancestors):
    level = n.get("level") or sum(1 for a in ancestors if a["type"] == "section")
    if not level:
        level = n.get("hints", {}).get("outline_level", 0)
    return min(max(level, 1), 6)


def with_label(label, text):
    if not label:
        return text
    return label + (" " if ord(label[-1]) < 0x80 and label[-1] != " " else "") + text


def record_view(rec):
    v = {"headings": [], "texts": [], "cells": [], "code": [], "images": [], "links": []}

    def walk(n, ancestors):
        t = n["type"]
        for m in n.get("marks", []):
            if "link" in m["marks"] and "href" in m and "note_ref" not in m["marks"]:
                v["links"].append(m["href"])
        if t == "furniture":
            return
        if t == "heading" and "text" in n:
            v["headings"].append((heading_level(n, ancestors), norm(with_label(n.get("label"), n["text"]))))
        elif t == "section":
            kids = n.get("children", [])
            if (not kids or kids[0]["type"] != "heading") and "title" in n:
                v["headings"].append((min(max(n.get("level", 1), 1), 6), norm(with_label(n.get("label"), n["title"]))))
        elif t == "table":
            for c in n.get("children", []):
                if c["type"] == "caption" and c.get("text"):
                    v["texts"].append(norm(node_text(c)))
                for cell in c.get("children", []) if c["type"] == "table_row" else []:
                    v["cells"].append(norm(collect(cell)))
            return
        elif t == "raw_text":
            v["code"].append(n.get("text", "").rstrip("\n"))
            return
        elif t == "figure":
            v["images"].append((norm(n.get("alt", "")), n.get("image", "")))
        elif t == "toc":
            for e in n.get("children", []):
                v["texts"].append(norm(with_label(e.get("label"), e.get("text", ""))))
            return
        elif t == "footnote":
            v["texts"].append(norm(collect(n)))
            return
        elif t == "comment":
            txt = node_text(n)
            v["texts"].append(norm((n["author"] + ": " if n.get("author") else "") + txt))
        elif "text" in n and n["text"].strip():
            v["texts"].append(norm(node_text(n)))
        for c in n.get("children", []):
            walk(c, ancestors + [n])

    walk(rec["body"], [])
    title = (rec.get("report") or {}).get("title")
    v["title"] = norm(title) if title is not None else None
    return v


def collect(n):
    parts = [node_text(n)] if "text" in n else []
    for c in n.get("children", []):
        parts.append(collect(c))
    return " ".join(p for p in parts if p)


# ---- what pandoc sees ----

def inl_text(inlines, v):
    out = []
    for i in inlines:
        t, c = i["t"], i.get("c")
        if t == "Str":
            out.append(c)
        elif t in ("Space", "SoftBreak", "LineBreak"):
            out.append(" ")
        elif t in ("Emph", "Strong", "Strikeout", "Superscript", "Subscript", "Underline", "SmallCaps"):
            out.append(inl_text(c, v))
        elif t == "Link":
            text = inl_text(c[1], v)
            # GFM turns bare URLs in text into links; those are text here.
            if text != c[2][0] and "mailto:" + text != c[2][0]:
                v["links"].append(urllib.parse.unquote(c[2][0]))
            out.append(text)
        elif t == "Image":
            v["images"].append((norm(inl_text(c[1], v)), urllib.parse.unquote(c[2][0])))
        elif t == "Code":
            out.append(c[1])
        elif t == "Span" or t == "Quoted":
            out.append(inl_text(c[-1], v))
        elif t == "Note":
            for b in c:
                blocks([b], v)
        elif t == "RawInline" and c[1].lower().startswith("<br"):
            out.append(" ")
        # other RawInline (<strong>, <sub>) carries no text
    return "".join(out)


def blocks(bs, v, in_cell=False):
    for b in bs:
        t, c = b["t"], b.get("c")
        if t in ("Para", "Plain"):
            if len(c) == 1 and c[0]["t"] == "Image":
                inl_text(c, v)
                continue
            text = norm(inl_text(c, v))
            if text:
                v["cells" if in_cell else "texts"].append(text)
        elif t == "Header":
            v["headings"].append((c[0], norm(inl_text(c[2], v))))
        elif t == "BulletList":
            for item in c:
                blocks(item, v)
        elif t == "OrderedList":
            for item in c[1]:
                blocks(item, v)
        elif t in ("BlockQuote", "Div"):
            blocks(c if t == "BlockQuote" else c[1], v)
        elif t == "CodeBlock":
            v["code"].append(c[1])
        elif t == "Table":
            head, bodies = c[3], c[4]
            rows = head[1] + [r for body in bodies for r in body[2] + body[3]]
            for ri, row in enumerate(rows):
                for cell in row[1]:
                    sub = {"headings": [], "texts": [], "cells": [], "code": [], "images": [], "links": []}
                    blocks(cell[4], sub, in_cell=True)
                    v["cells"].append(norm(" ".join(sub["cells"])))
                    v["links"].extend(sub["links"])
        elif t == "HorizontalRule":
            pass
        else:
            v["texts"].append("<unexpected block %s>" % t)


def pandoc_view(md):
    # Without bare-URL autolinking: pandoc 2.17's version of it swallows a
    # hard line break after "。" that follows a link (its commonmark reader
    # does not), and turning URLs in text into links is not the writer's.
    # The writer opens with a YAML metadata block holding the report's title.
    proc = subprocess.run([PANDOC, "-f", "gfm-autolink_bare_uris+yaml_metadata_block", "-t", "json"], input=md,
                          capture_output=True, timeout=60)
    ast = json.loads(proc.stdout)
    v = {"headings": [], "texts": [], "cells": [], "code": [], "images": [], "links": []}
    blocks(ast["blocks"], v)
    title = ast["meta"].get("title")
    v["title"] = norm(inl_text(title["c"], {"images": [], "links": []})) if title is not None else None
    return v


def compare(name, rec_v, md_v):
    check("%s: title" % name, rec_v["title"] == md_v["title"], "\n  record %r\n  pandoc %r" % (rec_v["title"], md_v["title"]))
    for key in ("headings", "code", "images"):
        check("%s: %s" % (name, key), rec_v[key] == md_v[key], "\n  record %r\n  pandoc %r" % (rec_v[key][:8], md_v[key][:8]))
    for key in ("texts", "cells", "links"):
        # Cells GFM needs where a span covers the slot are empty.
        a = collections.Counter(x for x in rec_v[key] if key != "cells" or x)
        b = collections.Counter(x for x in md_v[key] if key != "cells" or x)
        check("%s: %s (%d)" % (name, key, len(rec_v[key])), a == b,
              "\n  only in record %r\n  only in pandoc %r" % (list((a - b).elements())[:5], list((b - a).elements())[:5]))


def main():
    env = dict(os.environ)
    env.pop("DOCNORM_PLUGIN_PATH", None)
    expected = next((a.split("=", 1)[1] for a in rest if a.startswith("--expected=")), None)
    update = "--update" in rest
    args = [a for a in rest if a.startswith("--") and not a.startswith("--expected=") and a != "--update"]
    for d in [a for a in rest if not a.startswith("--")]:
        for name in sorted(os.listdir(d)):
            path = os.path.join(d, name)
            label = "%s %s" % (" ".join(args), name) if args else name
            rec = subprocess.run([DOCNORM, "convert", "--hints"] + args + [path], capture_output=True, env=env, timeout=120)
            md = subprocess.run([DOCNORM, "convert", "-t", "markdown"] + args + [path], capture_output=True,
                                env=env, timeout=120)
            if rec.returncode != 0 or md.returncode != 0:
                check(label + ": converts", False, (rec.stderr, md.stderr))
                continue
            if name == sorted(os.listdir(d))[0]:
                # Once per folder: the suite shares two cores.
                md2 = subprocess.run([DOCNORM, "convert", "-t", "markdown"] + args + [path], capture_output=True,
                                     env=env, timeout=120)
                check(label + ": deterministic", md.stdout == md2.stdout)
            if expected is not None:
                exp_path = os.path.join(expected, name + ".md")
                if update:
                    with open(exp_path, "wb") as f:
                        f.write(md.stdout)
                want = open(exp_path, "rb").read() if os.path.exists(exp_path) else None
                check(label + ": equals reviewed " + os.path.basename(exp_path), md.stdout == want,
                      "(missing)" if want is None else "")
            check(label + ": no trailing blanks, ends in one newline",
                  not re.search(rb"[ \t]\n", md.stdout) and (md.stdout == b"" or md.stdout.endswith(b"\n")))
            compare(label, record_view(json.loads(rec.stdout)), pandoc_view(md.stdout))
    return summary()


if __name__ == "__main__":
    sys.exit(main())
