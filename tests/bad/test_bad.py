"""The malformed-input suite (issue 7): hostile and broken files through the
CLI. Each case must end with its documented exit status (README: 1 failed,
3 I/O, 4 unknown or unsupported format, 5 encrypted) and one line on
stderr, or with a valid record (exit 0) that carries the expected warnings,
within a time bound, with no crash. Run in the sanitizer build (.ci/sanitize)
the same cases check for leaks and memory errors: a sanitizer report changes
the exit status or stderr, so the case fails.

  test_bad.py DOCNORM DATA_DIR EXPECTED_READERS

EXPECTED_READERS (comma-separated) are the readers this build configured;
each must be listed by `docnorm formats`, and every case for it runs. A case
whose reader the build did not configure is reported as SKIP with the
reason; one whose reader is configured but missing FAILS.
"""
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "tools"))
import badfiles  # noqa: E402
import dncheck  # noqa: E402
import dnschema  # noqa: E402
from dncheck import check  # noqa: E402

DOCNORM, DATA, EXPECTED = sys.argv[1], sys.argv[2], [r for r in sys.argv[3].split(",") if r]
# Sanitizers slow everything down and add shadow memory: .ci/sanitize sets
# DN_TEST_SANITIZED=1 and the bounds scale (stated in the output).
SLOW = 4 if os.environ.get("DN_TEST_SANITIZED") else 1
TIME_LIMIT = 60 * SLOW            # seconds for any one case
BIG_RSS_LIMIT = 1536 * 1024 * (2 if SLOW > 1 else 1)   # KiB: 1.5 GiB (3 GiB sanitized)

skipped = 0


def skip(name, why):
    global skipped
    skipped += 1
    print("SKIP %s (%s)" % (name, why))


def run(args, timeout=None, stdin=None):
    env = dict(os.environ)
    env.pop("DOCNORM_PLUGIN_PATH", None)
    t0 = time.monotonic()
    try:
        p = subprocess.run([DOCNORM] + args, capture_output=True, env=env, input=stdin,
                           timeout=timeout or TIME_LIMIT)
    except subprocess.TimeoutExpired:
        return None, time.monotonic() - t0
    return p, time.monotonic() - t0


# ---- which readers are there ----
p, _ = run(["formats"])
readers = []
section = None
for line in p.stdout.decode().splitlines():
    if line.endswith(":") and not line.startswith(" "):
        section = line[:-1]
    elif section == "Readers" and line.startswith("  "):
        readers.append(line.split()[0])
for r in EXPECTED:
    check("reader %s is built and loads" % r, r in readers, "formats lists %s" % readers)


def need(reader, name):
    """True when the case can run; a configured reader that is missing has
    already failed above, so the case is skipped only when unconfigured."""
    if reader in readers:
        return True
    skip(name, "no %s reader in this build" % reader if reader not in EXPECTED
         else "%s reader configured but not loaded: see the failure above" % reader)
    return False


def describe(p, elapsed):
    if p is None:
        return "TIMEOUT after %.1fs" % elapsed
    return "exit %d in %.1fs, stderr %r" % (p.returncode, elapsed, p.stderr.decode(errors="replace")[-600:])


def expect_error(name, path, statuses, fragment=None, args=(), out=None):
    """The conversion fails with one of @statuses, one stderr line naming
    @path (containing @fragment), and no output file."""
    out = out or os.path.join(tmp, "out.json")
    if os.path.exists(out):
        os.unlink(out)
    p, el = run(["convert", path, "-o", out] + list(args))
    if p is None:
        check(name, False, describe(p, el))
        return
    err = p.stderr.decode(errors="replace")
    ok = (p.returncode in statuses and err.count("\n") == 1 and err.startswith("docnorm: %s: " % path)
          and (fragment is None or fragment.lower() in err.lower()) and not os.path.exists(out))
    check(name, ok, describe(p, el))


def convert_record(path, args=()):
    out = os.path.join(tmp, "out.json")
    if os.path.exists(out):
        os.unlink(out)
    p, el = run(["convert", path, "-o", out] + list(args))
    rec = None
    if p is not None and p.returncode == 0:
        try:
            with open(out, encoding="utf-8") as f:
                rec = json.load(f)
            dnschema.validate_record(rec, path)
        except (OSError, ValueError, AssertionError) as e:
            return p, el, None, str(e)[:400]
    return p, el, rec, None


def codes(rec):
    return [w["code"] for w in rec.get("warnings", [])]


def expect_record(name, path, warning=None, args=(), fmt=None, text=None):
    """A valid record (exit 0, schema-valid), with @warning among its
    warnings, read by reader @fmt, containing @text somewhere."""
    p, el, rec, why = convert_record(path, args)
    ok = rec is not None
    if ok and warning is not None:
        ok, why = warning in codes(rec), "warnings %s" % codes(rec)
    if ok and fmt is not None:
        ok, why = rec["source"]["format"] == fmt, "format %s" % rec["source"]["format"]
    if ok and text is not None:
        ok, why = text in json.dumps(rec, ensure_ascii=False), "text %r not in record" % text
    check(name, ok, why or describe(p, el))
    return rec


def expect_error_or_warned(name, path, statuses, args=(), forbid=None):
    """Either a documented failure, or a record that says (in warnings)
    something was wrong; never a silent success. @forbid must not occur in
    the record (e.g. the content of a file an entity pointed at)."""
    p, el, rec, why = convert_record(path, args)
    if p is None:
        check(name, False, describe(p, el))
    elif p.returncode == 0:
        ok = rec is not None and len(codes(rec)) > 0
        if ok and forbid is not None:
            ok = forbid not in json.dumps(rec, ensure_ascii=False)
            why = "forbidden content %r in the record" % forbid
        check(name + " (record with warnings %s)" % (codes(rec) if rec else None), ok,
              why or "exit 0 without warnings")
    else:
        err = p.stderr.decode(errors="replace")
        check(name + " (exit %d)" % p.returncode, p.returncode in statuses and err.count("\n") == 1
              and err.startswith("docnorm: %s: " % path), describe(p, el))


def write(name, data):
    path = os.path.join(tmp, name)
    with open(path, "wb") as f:
        f.write(data)
    return path


tmp = tempfile.mkdtemp(prefix="docnorm-bad-")
try:
    # ---- any format ----
    expect_error("empty file", write("empty.txt", b""), [1], "empty")
    expect_error("empty file named .pdf", write("empty.pdf", b""), [1], "empty")
    expect_record("one printable byte", write("one.txt", b"x"), text="x")
    expect_error("one byte that no reader claims", write("one.bin", b"\xff"), [4], "unknown format")
    noise = bytes((i * 7919 + (i >> 3) * 31) & 0xFF for i in range(64 * 1024))
    expect_error("binary noise named .txt", write("noise.txt", noise), [4], "unknown format")
    expect_error("binary noise forced through the text reader", write("noise2.txt", noise), [1],
                 args=["--from", "txt"])

    # ---- text ----
    bad_utf8 = "出國報告 第一段。\n".encode() * 200 + b"\xff\xfe broken \xc3\x28 here\n" + "結束。\n".encode()
    expect_record("a few invalid UTF-8 bytes are replaced and reported", write("bad-utf8.txt", bad_utf8),
                  warning="INVALID_BYTES", text="結束")
    junk = bytes(0x80 + (i * 37 % 0x7f) for i in range(4096))
    expect_error("invalid UTF-8 throughout: no reader claims it", write("junk-utf8.txt", junk), [4])
    expect_error("invalid UTF-8 throughout forced as text", write("junk-utf8-forced.txt", junk), [1],
                 "UTF-8", args=["--from", "txt"])
    expect_record("lone UTF-16 surrogates are replaced", write("surrogates.txt",
                  b"\xff\xfe" + "出國報告\n".encode("utf-16-le") + b"\x00\xd8A\x00\n\x00"),
                  warning="INVALID_BYTES")

    # A 100 MB single-line text file: converts, or fails with the input
    # limit, in bounded time and memory (peak RSS of the child measured by a
    # fresh interpreter so other cases do not count).
    big = os.path.join(tmp, "big.txt")
    unit = "出國報告測試 one long line without any break ".encode()
    with open(big, "wb") as f:
        n = 100 * 1024 * 1024 // len(unit)
        f.write(unit * n)
    probe = ("import resource, subprocess, sys\n"
             "p = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=%d)\n"
             "print(p.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
             "sys.stdout.flush()\nsys.stderr.write(p.stderr.decode(errors='replace'))\n" % (TIME_LIMIT * 3))
    t0 = time.monotonic()
    try:
        q = subprocess.run([sys.executable, "-c", probe, DOCNORM, "convert", big, "-o", os.path.join(tmp, "big.json")],
                           capture_output=True, timeout=TIME_LIMIT * 3 + 30)
        el = time.monotonic() - t0
        status, rss = (int(x) for x in q.stdout.split())
        detail = "exit %d, %.1f s, peak RSS %d MiB (bound %d MiB), stderr %r" % (
            status, el, rss // 1024, BIG_RSS_LIMIT // 1024, q.stderr.decode()[-300:])
        print("     100 MB single line: %s" % detail)
        ok = status == 0 or (status == 1 and "limit" in q.stderr.decode())
        if status == 0:
            with open(os.path.join(tmp, "big.json"), "rb") as f:
                f.seek(0, 2)
                ok = ok and f.tell() > 100 * 1024 * 1024
        check("100 MB single-line text converts within bounds", ok and rss < BIG_RSS_LIMIT, detail)
    except (subprocess.TimeoutExpired, ValueError) as e:
        check("100 MB single-line text converts within bounds", False, "no result: %s" % e)
    for f in ("big.txt", "big.json"):
        if os.path.exists(os.path.join(tmp, f)):
            os.unlink(os.path.join(tmp, f))

    # ---- PDF ----
    if need("pdf", "PDF cases"):
        good = badfiles.pdf(("Hello docnorm", "Second page"))
        expect_record("minimal PDF (control)", write("good.pdf", good), fmt="pdf", text="Hello docnorm")
        expect_error_or_warned("truncated PDF (half)", write("truncated.pdf", good[:len(good) // 2]), [1])
        expect_error_or_warned("truncated PDF (header only)", write("header.pdf", good[:20]), [1, 4])
        expect_error_or_warned("PDF with no pages", write("nopages.pdf", badfiles.pdf(())), [1])
        expect_error_or_warned("PDF whose page tree lies about its count",
                               write("liar.pdf", badfiles.pdf(("One",), count=1000000)), [1])
        for kind in ("rc4", "aes256"):
            enc = os.path.join(DATA, "encrypted-%s.pdf" % kind)
            expect_error("encrypted PDF (%s) without a password" % kind, enc, [5], "password")
            expect_error("encrypted PDF (%s) with a wrong password" % kind, enc, [5], args=["--password", "nope"])
            expect_record("encrypted PDF (%s) with its password" % kind, enc, args=["--password", "secret"],
                          text="Hello encrypted docnorm")
        expect_record("PDF with only an owner password opens", os.path.join(DATA, "owner-only-aes256.pdf"),
                      text="Hello encrypted docnorm")

    # ---- DOCX ----
    if need("docx", "DOCX cases"):
        good = badfiles.docx()
        expect_record("minimal DOCX (control)", write("good.docx", good), fmt="docx", text="docnorm")
        expect_error("truncated DOCX (half)", write("truncated.docx", good[:len(good) // 2]), [1, 4])
        expect_error("truncated DOCX (zip header only)", write("header.docx", good[:30]), [1, 4])
        expect_record("a .pdf that is really a DOCX reads as DOCX", write("really-docx.pdf", good), fmt="docx")
        expect_error("encrypted DOCX (OLE with EncryptionInfo)", write("encrypted.docx", badfiles.encrypted_docx()),
                     [5], "encrypted")
        expect_error("legacy Word .doc is refused as unsupported", write("legacy.doc", badfiles.legacy_doc()), [4])
        expect_error("legacy .doc named .docx", write("legacy.docx", badfiles.legacy_doc()), [4])

        # Zip bombs: a huge ratio, and a total past the limit in many
        # moderate entries (each under the ratio and entry limits).
        bomb = badfiles.docx_bomb_ratio()
        print("     ratio bomb: %d bytes inflating to %d MiB" % (len(bomb), 24))
        expect_error("zip bomb by ratio", write("bomb-ratio.docx", bomb), [1], "ratio")
        bomb, ratio, total = badfiles.docx_bomb_total()
        print("     total bomb: %d bytes, per-entry ratio %.0f:1, %d MiB in all" % (len(bomb), ratio, total >> 20))
        check("total bomb entries are under the ratio limit (fixture)", ratio < 200)
        expect_error("zip bomb by total size", write("bomb-total.docx", bomb), [1], "inflates")

        # XML attacks in word/document.xml.
        secret = write("secret.txt", b"TOP-SECRET-7f3a")
        expect_error_or_warned("DOCX with an external entity (XXE)",
                               write("xxe.docx", badfiles.docx(badfiles.xxe_document(secret))), [1],
                               forbid="TOP-SECRET-7f3a")
        p, el, rec, why = convert_record(write("laughs.docx", badfiles.docx(badfiles.billion_laughs_document())))
        check("billion laughs: refused or not expanded, quickly",
              p is not None and el < 10 * SLOW and (p.returncode == 1 or (
                  rec is not None and json.dumps(rec).count("lol") < 1000)), why or describe(p, el))
        expect_error_or_warned("XML nested 100,000 levels deep",
                               write("deep.docx", badfiles.docx(badfiles.deep_document())), [1])

        # Entry names that climb out of the package: refused, and nothing is
        # written outside the images folder.
        images = os.path.join(tmp, "images")
        rels = ('<?xml version="1.0" encoding="UTF-8"?><Relationships '
                'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                '<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                'relationships/image" Target="../../../../escape.png"/></Relationships>')
        drawing = ('<w:p><w:r><w:drawing><wp:inline><wp:docPr id="1" name="p"/><a:graphic><a:graphicData>'
                   '<pic:pic><pic:blipFill><a:blip r:embed="rId9"/></pic:blipFill></pic:pic>'
                   '</a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>')
        png = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
        evil = badfiles.docx(badfiles.document_xml(drawing), doc_rels=rels,
                             extra=[("../../../../escape.png", png), ("/abs/escape.png", png),
                                    ("word/../../escape.png", png)])
        expect_error_or_warned("zip entries named ../ and /abs", write("slip.docx", evil), [1],
                               args=["--images", images])
        escaped = [os.path.join(r, f) for r, _, fs in os.walk(os.path.dirname(tmp)) for f in fs
                   if f == "escape.png" and not os.path.join(r, f).startswith(images + os.sep)]
        check("no file written outside the images folder", not escaped, str(escaped))

    # ---- ODT (shares the DOCX reader's zip and XML guards) ----
    if need("odt", "ODT cases"):
        good = badfiles.odt()
        expect_record("minimal ODT (control)", write("good.odt", good), fmt="odt", text="docnorm")
        expect_error("truncated ODT (half)", write("truncated.odt", good[:len(good) // 2]), [1, 4])
        expect_record("a .docx that is really an ODT reads as ODT", write("really-odt.docx", good), fmt="odt")
        secret = write("secret-odt.txt", b"TOP-SECRET-ODT-91c2")
        expect_error_or_warned("ODT with an external entity (XXE)", write("xxe.odt", badfiles.odt(
            badfiles.odt_content('<text:p>before &xxe; after</text:p>',
                                 '<!DOCTYPE office:document-content [<!ENTITY xxe SYSTEM "file://%s">]>' % secret))),
            [1], forbid="TOP-SECRET-ODT-91c2")
        expect_error_or_warned("ODT nested 100,000 levels deep", write("deep.odt", badfiles.odt(
            badfiles.odt_content("<text:section>" * 100000 + "<text:p>deep</text:p>" + "</text:section>" * 100000))),
            [1])
        # The ratio bomb without a stored mimetype is no longer recognisably
        # ODT; keep the mimetype and bomb content.xml.
        bomb_body = badfiles.odt_content().replace("<office:text>", "<office:text>" + " " * (24 << 20), 1)
        expect_error("ODT zip bomb by ratio", write("bomb.odt", badfiles.odt(bomb_body)), [1], "ratio")

    # ---- HTML ----
    if "html" in readers:
        secret = write("secret-html.txt", b"TOP-SECRET-HTML-5d0e")
        p, el, rec, why = convert_record(write("xxe.html", (
            '<!DOCTYPE html [<!ENTITY xxe SYSTEM "file://%s">]><html><body><p>a &xxe; b</p></body></html>'
            % secret).encode()))
        check("HTML with an external entity does not read the file",
              p is not None and (p.returncode != 0 or (rec is not None and "TOP-SECRET-HTML" not in json.dumps(rec))),
              why or describe(p, el))
        expect_error_or_warned("HTML nested 100,000 levels deep",
                               write("deep.html", b"<html><body>" + b"<div>" * 100000 + b"deep" + b"</div>" * 100000),
                               [1])
finally:
    shutil.rmtree(tmp, ignore_errors=True)

print("%d skipped" % skipped)
dncheck.finish()
