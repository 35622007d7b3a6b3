"""Severities at work in the CLI: the batch status of each input (ok, notice,
review, failed) and its summary line, --fail-on for convert and batch, and
option values attached to short options (-j2, -ofile) as getopt reads them.

Usage: test_status.py DOCNORM SAMPLES_TXT TEST_PLUGIN_DIR
"""
import json
import os
import re
import shutil
import sys
import tempfile

from batchlib import check, dnschema, finish, read_manifest, run

DOCNORM, SAMPLES, PLUGINS = [os.path.abspath(a) for a in sys.argv[1:4]]

# The real reports in samples/txt, and the status each one's record earns
# (docs/WARNINGS.md): seed-003 has nothing above info; seed-001's travellers
# were split with the title lexicon (a notice); seed-000 has a misrecognised
# numbering glyph and a numbering gap, seed-002 is a fragment without a cover
# and seed-004 has a summary sheet but no cover (warnings).
EXPECTED = {
    "seed-000.txt": "review",
    "seed-001.txt": "notice",
    "seed-001.big5.txt": "notice",
    "seed-002.txt": "review",
    "seed-003.txt": "ok",
    "seed-003.utf16le.txt": "ok",
    "seed-004.txt": "review",
}


def summary_of(stderr):
    lines = [l for l in stderr.splitlines() if l.startswith("docnorm batch: ")]
    return lines[-1] if lines else ""


def test_statuses(tmp):
    inbox = os.path.join(tmp, "in")
    os.makedirs(inbox)
    for name in EXPECTED:
        shutil.copy(os.path.join(SAMPLES, name), inbox)
    bad = {"corrupt.dntest": b"DNTEST-CORRUPT", "warn.dntest": b"DNTEST-WARN text"}
    for name, data in bad.items():
        with open(os.path.join(inbox, name), "wb") as f:
            f.write(data)
    out = os.path.join(tmp, "out")
    p = run(DOCNORM, ["batch", inbox, "-o", out, "-j", "2"], plugin_dir=PLUGINS)
    err = p.stderr.decode()
    check("batch with a failure exits 1", p.returncode == 1, (p.returncode, err))
    lines = {os.path.basename(l["path"]): l for l in read_manifest(out)}
    for name, want in EXPECTED.items():
        line = lines.get(name, {})
        with open(os.path.join(out, line.get("output", name)), encoding="utf-8") as f:
            rec = json.load(f)
        check("%s: status %s, as its record's warnings give" % (name, want),
              line.get("status") == want == dnschema.status_of(rec), (line.get("status"), line.get("severities")))
    check("the reader's warning makes review", lines.get("warn.dntest", {}).get("status") == "review",
          lines.get("warn.dntest"))
    check("the corrupt input failed", lines.get("corrupt.dntest", {}).get("status") == "failed",
          lines.get("corrupt.dntest"))
    counts = {s: sum(1 for l in lines.values() if l["status"] == s) for s in ("ok", "notice", "review", "failed")}
    summary = summary_of(err)
    want = "9 inputs: 8 converted (%d ok, %d with notices, %d to review), 1 failed; " % (
        counts["ok"], counts["notice"], counts["review"])
    check("summary counts each status", summary.startswith("docnorm batch: " + want), (want, summary))

    # --fail-on: a failure outranks records to review (1); without failures, 6.
    p = run(DOCNORM, ["batch", inbox, "-o", out, "-q", "--fail-on", "warning"], plugin_dir=PLUGINS)
    check("--fail-on warning with a failure too: exit 1", p.returncode == 1, p.returncode)
    os.unlink(os.path.join(inbox, "corrupt.dntest"))
    p = run(DOCNORM, ["batch", inbox, "-o", out, "-q", "--fail-on", "warning"], plugin_dir=PLUGINS)
    check("batch --fail-on warning: exit 6 when an input needs review", p.returncode == 6,
          (p.returncode, p.stderr))
    notice_only = os.path.join(tmp, "notice-only")
    os.makedirs(notice_only)
    for name in ("seed-001.txt", "seed-003.txt"):
        shutil.copy(os.path.join(SAMPLES, name), notice_only)
    p = run(DOCNORM, ["batch", notice_only, "-o", out + "2", "-q", "--fail-on", "warning"])
    check("batch --fail-on warning: exit 0 with notices only", p.returncode == 0, (p.returncode, p.stderr))
    p = run(DOCNORM, ["batch", notice_only, "-o", out + "2", "-q", "--fail-on", "notice"])
    check("batch --fail-on notice: exit 6 with a notice", p.returncode == 6, (p.returncode, p.stderr))
    p = run(DOCNORM, ["batch", notice_only, "-o", out + "2", "-q"])
    check("batch without --fail-on: exit 0", p.returncode == 0, (p.returncode, p.stderr))
    p = run(DOCNORM, ["batch", notice_only, "-o", out + "2", "--fail-on", "info"])
    check("batch --fail-on info is a usage error", p.returncode == 2
          and p.stderr.decode() == "docnorm: batch: --fail-on: 'info' is not warning or notice\n", p.stderr)


def test_summary_wording(tmp):
    one = os.path.join(tmp, "one")
    os.makedirs(one)
    with open(os.path.join(one, "bad.dntest"), "wb") as f:
        f.write(b"DNTEST-CORRUPT")
    p = run(DOCNORM, ["batch", one, "-o", os.path.join(tmp, "o1")], plugin_dir=PLUGINS)
    summary = summary_of(p.stderr.decode())
    check("one failed input: '1 input: 0 converted, 1 failed'",
          summary.startswith("docnorm batch: 1 input: 0 converted, 1 failed; "), summary)
    shutil.copy(os.path.join(SAMPLES, "seed-003.txt"), one)
    os.unlink(os.path.join(one, "bad.dntest"))
    p = run(DOCNORM, ["batch", one, "-o", os.path.join(tmp, "o2")])
    summary = summary_of(p.stderr.decode())
    check("one good input: '1 input: 1 converted (1 ok, …), 0 failed'",
          summary.startswith("docnorm batch: 1 input: 1 converted (1 ok, 0 with notices, 0 to review), 0 failed; "),
          summary)


def test_convert_fail_on(tmp):
    review = os.path.join(SAMPLES, "seed-002.txt")
    notice = os.path.join(SAMPLES, "seed-001.txt")
    ok = os.path.join(SAMPLES, "seed-003.txt")
    p = run(DOCNORM, ["convert", review, "-o", os.path.join(tmp, "r.json"), "--fail-on", "warning"])
    err = p.stderr.decode()
    check("convert --fail-on warning: exit 6 and the record written", p.returncode == 6
          and os.path.isfile(os.path.join(tmp, "r.json")), (p.returncode, err))
    check("convert --fail-on: one line naming the codes",
          re.fullmatch(r"docnorm: %s: needs review: 2 warnings at or above warning \((NO_COVER, FRAGMENT|"
                       r"FRAGMENT, NO_COVER)\)\n" % re.escape(review), err) is not None, err)
    p = run(DOCNORM, ["convert", notice, "-o", os.path.join(tmp, "n.json"), "--fail-on", "warning"])
    check("convert --fail-on warning: exit 0 with a notice only", p.returncode == 0 and p.stderr == b"",
          (p.returncode, p.stderr))
    p = run(DOCNORM, ["convert", notice, "-o", os.path.join(tmp, "n.json"), "--fail-on", "notice"])
    check("convert --fail-on notice: exit 6 with a notice", p.returncode == 6
          and b"needs review: 1 warning at or above notice (TRAVELLER_SPLIT_HEURISTIC)" in p.stderr,
          (p.returncode, p.stderr))
    p = run(DOCNORM, ["convert", ok, "-o", os.path.join(tmp, "o.json"), "--fail-on", "notice"])
    check("convert --fail-on notice: exit 0 with info only", p.returncode == 0, (p.returncode, p.stderr))
    p = run(DOCNORM, ["convert", ok, "--fail-on", "loud"])
    check("convert --fail-on with a bad level: exit 2", p.returncode == 2 and p.stdout == b""
          and p.stderr == b"docnorm: convert: --fail-on: 'loud' is not warning or notice\n", p.stderr)
    paths = ("%s\n%s\n" % (ok, review)).encode()
    p = run(DOCNORM, ["convert", "--ndjson", "--fail-on", "warning"], stdin=paths)
    check("convert --ndjson --fail-on: both records, exit 6", p.returncode == 6
          and len(p.stdout.splitlines()) == 2, (p.returncode, p.stderr))
    paths = ("%s\n/nonexistent/x.txt\n%s\n" % (review, ok)).encode()
    p = run(DOCNORM, ["convert", "--ndjson", "--fail-on", "warning"], stdin=paths)
    check("convert --ndjson --fail-on: a failure outranks review (exit 1)", p.returncode == 1, p.returncode)


def test_attached_values(tmp):
    inbox = os.path.join(tmp, "att")
    os.makedirs(inbox)
    for name in ("seed-001.txt", "seed-003.txt"):
        shutil.copy(os.path.join(SAMPLES, name), inbox)
    p = run(DOCNORM, ["batch", "-j2", inbox, "-o", os.path.join(tmp, "a1")])
    check("batch -j2 works as -j 2", p.returncode == 0 and len(read_manifest(os.path.join(tmp, "a1"))) == 2,
          (p.returncode, p.stderr))
    p = run(DOCNORM, ["batch", "-qj1", "-o" + os.path.join(tmp, "a2"), inbox])
    check("batch -qj1 -oDIR: flags clustered before a value, and -oDIR",
          p.returncode == 0 and p.stderr == b"" and len(read_manifest(os.path.join(tmp, "a2"))) == 2,
          (p.returncode, p.stderr))
    p = run(DOCNORM, ["batch", "-j", "2x", inbox, "-o", os.path.join(tmp, "a3")])
    check("batch -j 2x is still a usage error", p.returncode == 2 and b"2x" in p.stderr, p.stderr)
    p = run(DOCNORM, ["batch", "-jx", inbox, "-o", os.path.join(tmp, "a3")])
    check("batch -jx is a usage error naming the value", p.returncode == 2 and b"x" in p.stderr, p.stderr)
    out = os.path.join(tmp, "c.md")
    p = run(DOCNORM, ["convert", "-tmarkdown", "-o" + out, os.path.join(inbox, "seed-003.txt")])
    check("convert -tmarkdown -oFILE", p.returncode == 0 and os.path.isfile(out)
          and not open(out, encoding="utf-8").read().startswith("{"), (p.returncode, p.stderr))
    # A value that looks like an attached option stays the value it is.
    os.chdir(tmp)
    p = run(DOCNORM, ["batch", inbox, "-o", "-j2", "-q"])
    check("-o -j2: '-j2' is -o's value (an output folder named -j2)",
          p.returncode == 0 and os.path.isfile(os.path.join(tmp, "-j2", "manifest.ndjson")), (p.returncode, p.stderr))
    p = run(DOCNORM, ["serve", "-j0x", "--listen", "127.0.0.1:1"])
    check("serve -j0x: usage error", p.returncode == 2, (p.returncode, p.stderr))


def main():
    with tempfile.TemporaryDirectory() as tmp:
        test_statuses(tmp)
        test_summary_wording(tmp)
        test_convert_fail_on(tmp)
        test_attached_values(tmp)
    finish()


main()
