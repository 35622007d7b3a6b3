"""docnorm convert --ndjson, and the GNU parallel and xargs -P examples of
docs/SCALING.md, run as written there.

  test_ndjson.py DOCNORM SAMPLES_DIR SCALING_MD
"""
import collections
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

from batchlib import check, dnschema, finish, run, sha256_file

DOCNORM, SAMPLES, SCALING = [os.path.abspath(a) for a in sys.argv[1:4]]
SAMPLE_NAMES = sorted(n for n in os.listdir(SAMPLES) if n.endswith(".txt"))


def tested_blocks(path):
    """The sh blocks that follow a '<!-- tested: ... -->' marker."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    return re.findall(r"<!-- tested:[^>]*-->\s*```sh\n(.*?)```", text, re.S)


def check_stream(label, path, inputs, failing):
    """One line per input; a valid record for the bytes of each good input,
    an error object naming each failing one."""
    with open(path, encoding="utf-8") as f:
        raw = f.read()
    lines = raw.split("\n")
    check("%s: ends with a newline, one line per input" % label,
          raw.endswith("\n") and len(lines) - 1 == len(inputs), "%d lines for %d inputs" % (len(lines) - 1, len(inputs)))
    parsed = []
    for l in lines[:-1]:
        try:
            parsed.append(json.loads(l))
        except ValueError:
            parsed.append(None)
    check("%s: every line is JSON" % label, all(p is not None for p in parsed))
    recs = [p for p in parsed if p and "schema_version" in p]
    errors = [p for p in parsed if p and "error" in p and "schema_version" not in p]
    want = collections.Counter(sha256_file(i) for i in inputs if i not in failing)
    got = collections.Counter(r["source"]["sha256"] for r in recs)
    check("%s: a record for the bytes of each good input" % label, want == got, (want, got))
    bad = [e for r in recs for e in dnschema.validation_errors(r)]
    check("%s: records validate" % label, bad == [], bad[:3])
    check("%s: error objects name the failing paths" % label,
          sorted(e["path"] for e in errors) == sorted(failing) and all(e["error"]["code"] for e in errors), errors)


with tempfile.TemporaryDirectory() as tmp:
    os.chdir(tmp)
    # Plain --ndjson: order kept, failures in the stream and on stderr.
    listed = [os.path.join(SAMPLES, n) for n in SAMPLE_NAMES[:3]] + ["missing.txt", tmp]
    p = run(DOCNORM, ["convert", "--ndjson"], stdin=("\n".join(listed) + "\n\n").encode())
    out = p.stdout.decode().split("\n")
    err = p.stderr.decode().splitlines()
    check("--ndjson: exit 1 when a path failed", p.returncode == 1, p.returncode)
    check("--ndjson: one line per path, in order", len(out) == 6 and out[-1] == ""
          and [json.loads(l).get("source", {}).get("sha256") for l in out[:3]] == [sha256_file(x) for x in listed[:3]],
          out)
    miss = json.loads(out[3]) if len(out) > 3 else {}
    check("--ndjson: error object for a missing path",
          miss == {"path": "missing.txt", "error": {"code": "io", "message": "cannot open: No such file or directory"}}, miss)
    check("--ndjson: error object for a folder", json.loads(out[4])["error"]["code"] == "io" if len(out) > 4 else False)
    check("--ndjson: one stderr line per failure",
          err == ["docnorm: missing.txt: cannot open: No such file or directory",
                  "docnorm: %s: is a directory, not a file" % tmp], err)
    p = run(DOCNORM, ["convert", "--ndjson"], stdin=b"\n".join(x.encode() for x in listed[:2]))
    check("--ndjson: all good, last line without newline, exit 0",
          p.returncode == 0 and p.stdout.count(b"\n") == 2 and p.stderr == b"", (p.returncode, p.stderr))
    for args, what in ((["convert", "--ndjson", "x.txt"], "an INPUT"), (["convert", "--ndjson", "--pretty"], "--pretty"),
                       (["convert", "--ndjson", "-o", "f.json"], "-o FILE")):
        p = run(DOCNORM, args, stdin=b"")
        check("--ndjson with %s is a usage error" % what, p.returncode == 2 and p.stderr.count(b"\n") == 1, p.stderr)

    # The documented examples: 5 copies of every sample in a tree, plus one
    # empty file that fails.
    inputs = []
    for c in range(5):
        folder = os.path.join("reports", "box%d" % c)
        os.makedirs(folder)
        for n in SAMPLE_NAMES:
            shutil.copy(os.path.join(SAMPLES, n), folder)
            inputs.append(os.path.join(folder, n))
    open(os.path.join("reports", "empty.txt"), "w").close()
    inputs.append(os.path.join("reports", "empty.txt"))
    bindir = os.path.join(tmp, "bin")
    os.makedirs(bindir)
    os.symlink(DOCNORM, os.path.join(bindir, "docnorm"))
    env = dict(os.environ, PATH=bindir + os.pathsep + os.environ["PATH"], HOME=tmp)
    env.pop("DOCNORM_PLUGIN_PATH", None)

    blocks = tested_blocks(SCALING)
    check("SCALING.md has the parallel and xargs examples",
          len(blocks) == 2 and "parallel" in blocks[0] and "xargs" in blocks[1], blocks)
    if shutil.which("parallel") is None:
        check("GNU parallel is installed (apt-get install parallel)", False)
    for label, block in zip(("parallel", "xargs"), blocks):
        if os.path.exists("records.ndjson"):
            os.unlink("records.ndjson")
        p = subprocess.run(["sh", "-c", block], capture_output=True, env=env, timeout=120)
        stderr = p.stderr.decode()
        check("%s example: only the empty file reported" % label,
              stderr == "docnorm: reports/empty.txt: file is empty\n" and p.returncode != 0, (p.returncode, stderr))
        check_stream("%s example" % label, "records.ndjson", inputs, [os.path.join("reports", "empty.txt")])

finish()
