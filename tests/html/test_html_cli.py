"""HTML reader through the CLI: probing beats the extension, hostile input
ends in one clean line, parse errors become a warning and nothing is printed.

  test_html_cli.py DOCNORM
"""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
import dnschema  # noqa: E402
from dncheck import check, finish  # noqa: E402

DOCNORM = sys.argv[1]


def convert(path):
    env = dict(os.environ)
    env.pop("DOCNORM_PLUGIN_PATH", None)
    return subprocess.run([DOCNORM, "convert", "--raw", path], capture_output=True, env=env, timeout=60)


with tempfile.TemporaryDirectory() as tmp:
    def write(name, data):
        path = os.path.join(tmp, name)
        with open(path, "wb") as f:
            f.write(data)
        return path

    # An HTML page saved as .txt is still read as HTML.
    p = convert(write("page.txt", b"<!DOCTYPE html><title>T</title><h2>Head</h2><p>Body</p>"))
    rec = json.loads(p.stdout) if p.returncode == 0 else {}
    check("probe beats the extension", rec.get("source", {}).get("format") == "html", p.stderr)
    if rec:
        dnschema.validate_record(rec, "page.txt")
        kids = rec["body"].get("children", [])
        check("heading and paragraph", [(k["type"], k.get("text")) for k in kids]
              == [("heading", "Head"), ("paragraph", "Body")], kids)

    # Text that only mentions a tag stays text.
    p = convert(write("notes.html", "Use <html> to start a page.\n".encode()))
    rec = json.loads(p.stdout) if p.returncode == 0 else {}
    check("text mentioning <html> is not HTML", rec.get("source", {}).get("format") == "txt", p.stdout[:200])

    # Tag soup: repaired, one warning, nothing on stderr.
    p = convert(write("soup.html", b"<html><body><p>a <b>b</i> <table><tr><td>c</p></zz> &bogus;</body>"))
    rec = json.loads(p.stdout) if p.returncode == 0 else {}
    codes = [w["code"] for w in rec.get("warnings", [])]
    check("tag soup converts with HTML_PARSE_ERRORS and a silent stderr",
          p.returncode == 0 and codes == ["HTML_PARSE_ERRORS"] and p.stderr == b"", (codes, p.stderr))
    if rec:
        dnschema.validate_record(rec, "soup.html")

    # 100 000 nested elements: a limit error in one line, exit status 1.
    deep = b"<html><body>" + b"<div>" * 100000 + b"x" + b"</div>" * 100000 + b"</body></html>"
    path = write("deep.html", deep)
    p = convert(path)
    err = p.stderr.decode()
    check("deep nesting is refused cleanly",
          p.returncode == 1 and err.count("\n") == 1 and err.startswith("docnorm: %s: " % path)
          and "nested" in err and p.stdout == b"", (p.returncode, err))

    # Binary junk after a doctype: still a record or a clean error, never a crash.
    p = convert(write("junk.html", b"<!DOCTYPE html>" + bytes(range(256)) * 64))
    check("binary junk after a doctype does not crash", p.returncode in (0, 1) and p.returncode >= 0,
          p.returncode)
    if p.returncode == 0:
        dnschema.validate_record(json.loads(p.stdout), "junk.html")

finish()
