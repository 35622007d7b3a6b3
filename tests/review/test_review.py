"""The review page, opened in a real browser: headless Chromium loads each
page and dumps the DOM it built; the test checks what a reviewer sees against
the record: the title, every warning (code and message) near the top, the
outline entries and that each links to an anchor in the body, every text of
the body, escaping (text that looks like markup stays text), and that the
page is self-contained (no script, no external resource).

  test_review.py DOCNORM CHROMIUM SAMPLE [ARGS...] [-- SAMPLE [ARGS...]]...

Fails when Chromium is missing.
"""
import base64
import concurrent.futures
import html.parser
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
from dncheck import check, summary  # noqa: E402

DOCNORM, CHROMIUM = sys.argv[1:3]
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class El:
    def __init__(self, tag, attrs, parent):
        self.tag, self.attrs, self.parent, self.kids = tag, dict(attrs), parent, []

    def text(self):
        if self.tag == "br":
            return "\n"
        return "".join(k if isinstance(k, str) else k.text() for k in self.kids)

    def find_all(self, pred):
        out = []
        for k in self.kids:
            if isinstance(k, El):
                if pred(k):
                    out.append(k)
                out.extend(k.find_all(pred))
        return out


class Builder(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = El("#document", [], None)
        self.cur = self.root

    def handle_starttag(self, tag, attrs):
        el = El(tag, attrs, self.cur)
        self.cur.kids.append(el)
        if tag not in VOID:
            self.cur = el

    def handle_endtag(self, tag):
        n = self.cur
        while n is not None and n.tag != tag:
            n = n.parent
        if n is not None and n.parent is not None:
            self.cur = n.parent

    def handle_data(self, data):
        self.cur.kids.append(data)


def parse(text):
    b = Builder()
    b.feed(text)
    return b.root


def norm(s):
    return re.sub(r"\s+", " ", s).strip()


def dump_dom(path):
    env = dict(os.environ, DBUS_SESSION_BUS_ADDRESS="/dev/null")
    profile = tempfile.mkdtemp(prefix="docnorm-chromium-")
    try:
        p = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                            "--disable-component-update", "--disable-sync", "--no-first-run",
                            "--user-data-dir=" + profile, "--dump-dom", "file://" + path],
                           capture_output=True, env=env, timeout=120)
        return p.stdout.decode("utf-8", errors="replace")
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def screenshot(path, png):
    env = dict(os.environ, DBUS_SESSION_BUS_ADDRESS="/dev/null")
    profile = tempfile.mkdtemp(prefix="docnorm-chromium-")
    try:
        subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                        "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
                        "--user-data-dir=" + profile, "--window-size=1000,1400", "--screenshot=" + png,
                        "file://" + path], capture_output=True, env=env, timeout=120)
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def expected_outline(body):
    """(label+title) of sections, nested order; top-level headings otherwise."""
    out = []

    def walk(n, depth):
        for c in n.get("children", []):
            if c["type"] == "section":
                label = c.get("label", "")
                sep = " " if label and ord(label[-1]) < 0x80 else ""
                out.append(norm(label + sep + c.get("title", "(untitled)")))
                walk(c, depth + 1)
            elif c["type"] == "heading" and depth == 0:
                label = c.get("label", "")
                sep = " " if label and ord(label[-1]) < 0x80 else ""
                out.append(norm(label + sep + c.get("text", "(untitled)")))
    walk(body, 0)
    return out


def body_texts(n, out):
    if "text" in n and n["text"].strip() and n["type"] != "raw_text":
        out.append(norm(n["text"]))
    for c in n.get("children", []):
        body_texts(c, out)
    return out


FORM = [("kind", "報告類型"), ("title", "計畫名稱"), ("category", "出國類別"), ("travellers", "出國人員"),
        ("organizations", "服務機關"), ("destinations", "出國地區"), ("period", "出國期間"),
        ("report_date", "報告日期"), ("abstract", "摘要"), ("toc", "目次")]


def body_pages(n, out):
    if n.get("page", 0) > 0:
        out.add(n["page"])
    for c in n.get("children", []):
        body_pages(c, out)
    return out


def check_form(name, rec, root):
    report = rec["report"]
    sec = root.find_all(lambda e: e.attrs.get("id") == "report")[0]
    if report is None:
        check(name + ": no report, no form", not sec.find_all(lambda e: "form" in e.attrs.get("class", "")))
        return
    for member, zh in FORM:
        rows = root.find_all(lambda e: e.tag == "tr" and e.attrs.get("id") == "f-" + member)
        check(name + ": form row %s labelled %s" % (member, zh),
              len(rows) == 1 and zh in rows[0].text() and member in rows[0].text(), [r.text()[:80] for r in rows])
        if not rows:
            continue
        row, v = rows[0], report.get(member)
        marked = bool(row.find_all(lambda e: e.attrs.get("class") == "missing"))
        if v is None or v == []:
            check(name + ": missing %s marked" % member, marked)
        elif member in ("period", "report_date"):
            want = norm(v["raw"] + " → " + v["start"] + (" … " + v["end"] if "end" in v else ""))
            check(name + ": %s raw → ISO" % member, want in norm(row.text()), (want, norm(row.text())))
        elif member == "travellers":
            t = root.find_all(lambda e: e.tag == "table" and e.attrs.get("id") == "travellers")
            trs = t[0].find_all(lambda e: e.tag == "tr") if t else []
            got = [[norm(td.text()) for td in tr.find_all(lambda e: e.tag == "td")] for tr in trs[1:]]
            want = [[norm(x.get(k) or "未填 · missing") for k in ("name", "title", "organization")] for x in v]
            check(name + ": travellers table, one row each", got == want, (got[:2], want[:2]))


def check_warning_links(name, rec, root, items, warnings):
    ids = {e.attrs["id"] for e in root.find_all(lambda e: "id" in e.attrs)}
    pages = body_pages(rec["body"], set())
    for item, w in zip(items, warnings):
        links = item.find_all(lambda e: e.tag == "a")
        hrefs = [a.attrs.get("href", "") for a in links]
        check(name + ": %s link resolves" % w["code"], all(h.startswith("#") and h[1:] in ids for h in hrefs), hrefs)
        if w.get("page", 0) in pages:
            check(name + ": %s links to page %d" % (w["code"], w["page"]), hrefs == ["#page-%d" % w["page"]], hrefs)
    anchors = sorted(int(i[5:]) for i in ids if re.match(r"^page-[0-9]+$", i))
    check(name + ": one anchor per page of the body", anchors == sorted(pages), (anchors, sorted(pages)))


def check_page(name, rec, source, dom):
    page = parse(source)
    # Self-contained: nothing to run, nothing to fetch.
    # Pictures of PDF pages are the one image: embedded, inside their details.
    def embedded_picture(e):
        return (e.tag == "img" and e.attrs.get("src", "").startswith("data:image/png;base64,")
                and e.parent.tag == "details" and e.parent.attrs.get("class") == "page-pic")
    bad = page.find_all(lambda e: not embedded_picture(e) and (
                        e.tag in ("script", "link", "img", "iframe", "object", "embed")
                        or "src" in e.attrs or any(k.startswith("on") for k in e.attrs)))
    check(name + ": no script or external resource in the page", not bad, [b.tag for b in bad])
    styles = " ".join(e.text() for e in page.find_all(lambda e: e.tag == "style"))
    check(name + ": CSS fetches nothing", "url(" not in styles and "@import" not in styles)
    hrefs = [e.attrs.get("href", "") for e in page.find_all(lambda e: e.tag == "a")]
    check(name + ": links only to the web, mail or the page itself",
          all(re.match(r"^(https?:|mailto:|#)", h) for h in hrefs), hrefs)

    root = parse(dom)
    check(name + ": browser built a page", bool(root.find_all(lambda e: e.tag == "main")), dom[:300])
    title = norm("".join(e.text() for e in root.find_all(lambda e: e.tag == "title")))
    report = rec["report"] or {}
    doc_title = report.get("title") or rec["metadata"].get("title")
    want_title = norm("Review: %s%s" % (rec["source"]["file_name"], " — " + doc_title if doc_title else ""))
    check(name + ": title", title == want_title, (title, want_title))

    # Warnings: the first section of the page, one item per warning.
    sections = root.find_all(lambda e: e.tag in ("section", "nav", "main") and e.parent.tag == "body")
    check(name + ": warnings come first", sections and sections[0].attrs.get("id") == "warnings",
          [s.attrs.get("id") for s in sections])
    items = root.find_all(lambda e: e.tag == "li" and e.attrs.get("class") == "warning")
    got = [(norm("".join(c.text() for c in i.kids if isinstance(c, El) and c.tag == "code")), norm(i.text())) for i in items]
    # Grouped warning > notice > info, record order within a group.
    rank = {"warning": 0, "notice": 1, "info": 2}
    want = sorted(rec["warnings"], key=lambda w: rank.get(w.get("severity"), 1))
    check(name + ": %d warning(s) listed" % len(want), len(got) == len(want), got)
    sevs = [i.attrs.get("data-severity") for i in items]
    check(name + ": each warning's severity badge, most serious first",
          sevs == [w["severity"] for w in want]
          and all(norm(i.find_all(lambda e: "sev" in e.attrs.get("class", "").split())[0].text()) == s
                  for i, s in zip(items, sevs)), sevs)
    infos = [i for i in items if i.attrs.get("data-severity") == "info"]
    check(name + ": info warnings collapsed",
          all(i.parent.parent.tag == "details" and "open" not in i.parent.parent.attrs for i in infos))
    check(name + ": each warning's code and message shown",
          all(g[0] == w["code"] and norm(w["message"]) in g[1] for g, w in zip(got, want)), (got, want))
    check_warning_links(name, rec, root, items, want)
    check_form(name, rec, root)
    heading = norm(root.find_all(lambda e: e.attrs.get("id") == "warnings")[0].find_all(lambda e: e.tag == "h2")[0].text())
    check(name + ": warning count in the heading", heading == "Warnings (%d)" % len(want), heading)

    # Outline: the record's sections in order, each linked to an anchor.
    nav = root.find_all(lambda e: e.tag == "nav" and e.attrs.get("id") == "outline")[0]
    links = nav.find_all(lambda e: e.tag == "a")
    check(name + ": outline entries", [norm(a.text()) for a in links] == expected_outline(rec["body"]),
          ([norm(a.text()) for a in links][:6], expected_outline(rec["body"])[:6]))
    ids = {e.attrs["id"] for e in root.find_all(lambda e: "id" in e.attrs)}
    check(name + ": every outline entry links to an anchor in the body",
          all(a.attrs.get("href", "").startswith("#") and a.attrs["href"][1:] in ids for a in links))

    # Body: every text of the record is shown, as text.
    main = root.find_all(lambda e: e.tag == "main")[0]
    shown = norm(main.text())
    missing = [t for t in body_texts(rec["body"], []) if t not in shown]
    check(name + ": every body text shown (%d)" % len(body_texts(rec["body"], [])), not missing, missing[:3])
    # Metadata table: every member, with its value.
    meta = root.find_all(lambda e: e.attrs.get("id") == "metadata")[0]
    mt = norm(meta.text())
    check(name + ": metadata table", all(k in mt and norm(str(v)) in mt for k, v in rec["metadata"].items()
                                         if isinstance(v, str)), mt[:200])
    check_page_pictures(name, rec, page)
    return root


def check_page_pictures(name, rec, page):
    """A PDF's pages as pictures: one per page, in page order, each closed
    until opened and placed before the page's first block, a PNG of the size
    its attributes give. Other formats have none."""
    pics = page.find_all(lambda e: e.tag == "details" and e.attrs.get("class") == "page-pic")
    pages = rec["source"].get("pages") or 0
    if rec["source"]["format"] != "pdf" or "--page-images 0" in name:
        check(name + ": no page pictures", not pics, len(pics))
        return
    check(name + ": one picture per page (%d)" % pages,
          [p.attrs.get("id") for p in pics] == ["pic-%d" % n for n in range(1, pages + 1)],
          [p.attrs.get("id") for p in pics])
    check(name + ": pictures closed until opened", all("open" not in p.attrs for p in pics))
    ok = []
    for p in pics:
        img = p.find_all(lambda e: e.tag == "img")[0]
        png = base64.b64decode(img.attrs["src"].split(",", 1)[1])
        w, h = struct.unpack(">II", png[16:24])
        ok.append(png[:8] == b"\x89PNG\r\n\x1a\n" and (str(w), str(h)) == (img.attrs.get("width"), img.attrs.get("height"))
                  and img.attrs.get("loading") == "lazy" and 500 < w < 2000)
    check(name + ": each picture a PNG of its stated size", pics and all(ok), ok)
    # Document order: pic-N before the body's anchor page-N (the page's text).
    order = [e.attrs["id"] for e in page.find_all(lambda e: e.attrs.get("id", "").startswith(("pic-", "page-")))]
    misplaced = [i for i in order if i.startswith("page-") and ("pic-" + i[5:]) in order
                 and order.index("pic-" + i[5:]) > order.index(i)]
    check(name + ": each picture before its page's text", not misplaced, misplaced)


def main():
    if not shutil.which(CHROMIUM):
        print("FAIL chromium not found: install it (sh .ci/install-deps)")
        return 1
    groups, cur = [], []
    for a in sys.argv[3:]:
        if a == "--":
            groups.append(cur)
            cur = []
        else:
            cur.append(a)
    if cur:
        groups.append(cur)
    tmp = tempfile.mkdtemp(prefix="docnorm-review-")
    try:
        # Hostile text: markup in the text and a script link stay inert.
        hostile = os.path.join(tmp, "hostile.html")
        with open(hostile, "w", encoding="utf-8") as f:
            f.write('<!DOCTYPE html><title>x</title></title><script>alert(1)</script></title>'
                    '<p>&lt;/main&gt;&lt;script&gt;alert(2)&lt;/script&gt; &amp;amp; '
                    '<a href="javascript:alert(3)">js link</a> <a href="https://example.org/">web</a></p>')
        groups.append([hostile, "--raw"])
        env = dict(os.environ)
        env.pop("DOCNORM_PLUGIN_PATH", None)
        jobs = []
        for i, g in enumerate(groups):
            path, args = g[0], g[1:]
            out = os.path.join(tmp, "page%d.html" % i)
            rec = subprocess.run([DOCNORM, "convert"] + args + [path], capture_output=True, env=env, timeout=120)
            p = subprocess.run([DOCNORM, "convert", "-t", "review", "-o", out] + args + [path], capture_output=True,
                               env=env, timeout=120)
            name = os.path.basename(path) + (" " + " ".join(args) if args else "")
            if rec.returncode != 0 or p.returncode != 0:
                check(name + ": converts", False, (rec.stderr, p.stderr))
                continue
            p2 = subprocess.run([DOCNORM, "convert", "-t", "review"] + args + [path], capture_output=True, env=env,
                                timeout=120)
            check(name + ": deterministic, and -o FILE.html picks the same writer",
                  p2.stdout == open(out, "rb").read())
            jobs.append((name, json.loads(rec.stdout), out))
        # Chromium instances start slowly; run them side by side.
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, len(jobs))) as pool:
            doms = list(pool.map(lambda j: dump_dom(j[2]), jobs))
        # A screenshot of the first page: the browser painted something.
        if jobs:
            png = os.path.join(tmp, "shot.png")
            screenshot(jobs[0][2], png)
            data = open(png, "rb").read() if os.path.exists(png) else b""
            check(jobs[0][0] + ": screenshot is a PNG of plausible size (%d bytes)" % len(data),
                  data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20000, len(data))
        for (name, rec, out), dom in zip(jobs, doms):
            root = check_page(name, rec, open(out, encoding="utf-8").read(), dom)
            if name.startswith("hostile"):
                scripts = root.find_all(lambda e: e.tag == "script")
                check(name + ": no script element came from the text", not scripts)
                main_text = norm(root.find_all(lambda e: e.tag == "main")[0].text())
                check(name + ": markup in the text shown as text",
                      "</main><script>alert(2)</script> &amp;" in main_text, main_text)
                js = root.find_all(lambda e: e.tag == "a" and "javascript" in e.attrs.get("href", ""))
                web = root.find_all(lambda e: e.tag == "a" and e.attrs.get("href") == "https://example.org/")
                check(name + ": javascript: link not clickable, web link is", not js and len(web) == 1)
                kept = root.find_all(lambda e: e.attrs.get("class") == "badlink")
                check(name + ": the refused target is kept, on hover",
                      len(kept) == 1 and kept[0].attrs.get("title") == "javascript:alert(3)" and kept[0].text() == "js link")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return summary()


if __name__ == "__main__":
    sys.exit(main())
