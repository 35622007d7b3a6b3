"""Determinism (issue 7): the same input gives byte-identical records.

Every sample under samples/ (every format a reader is built for) is
converted twice, in separate processes (so pointer-keyed hash tables and the
address-space layout differ) and under different environments the record
must not depend on: time zone, locale, working directory. All samples go
through the JSON writer with --hints (the richest record); the first seed
sample of each format goes through every other writer too (a writer is a
pure function of the record, and the writer fuzz harnesses check that it
writes the same document the same way twice). A sample that fails (the
damaged and encrypted ones) must fail the same way both times. When
`docnorm batch` exists, a batch with -j 1 and one with -j 2 over the same
inputs must give the same record files, byte for byte.

  test_determinism.py DOCNORM SAMPLES_DIR
"""
import concurrent.futures
import filecmp
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
from dncheck import check, finish  # noqa: E402

DOCNORM, SAMPLES = os.path.abspath(sys.argv[1]), sys.argv[2]


def env_a():
    e = dict(os.environ)
    e.pop("DOCNORM_PLUGIN_PATH", None)
    e.update(TZ="UTC", LC_ALL="C", LANG="C")
    return e


def env_b():
    e = env_a()
    e.update(TZ="Asia/Taipei", LC_ALL="C.UTF-8", LANG="C.UTF-8")
    return e


def list_section(title):
    p = subprocess.run([DOCNORM, "formats"], capture_output=True, env=env_a(), timeout=60)
    names, section = [], None
    for line in p.stdout.decode().splitlines():
        if line.endswith(":") and not line.startswith(" "):
            section = line[:-1]
        elif section == title and line.startswith("  "):
            names.append(line.split()[0])
    return names


writers = list_section("Writers")
readers = list_section("Readers")
check("at least the json writer", "json" in writers, str(writers))
def fmt_of(path):
    """samples/pdf/bad/x.pdf -> pdf: the first folder under samples/."""
    return os.path.relpath(path, SAMPLES).split(os.sep)[0]


inputs = sorted(os.path.join(r, f) for r, _, fs in os.walk(SAMPLES) for f in fs
                if not f.startswith(".") and fmt_of(os.path.join(r, f)) in readers)
check("samples found for the built readers", len(inputs) > 0, "readers %s" % readers)


def convert(path, writer, extra, env, cwd):
    p = subprocess.run([DOCNORM, "convert", path, "-t", writer, "-o", "-"] + extra, capture_output=True,
                       env=env, cwd=cwd, timeout=300)
    return p.returncode, p.stdout, p.stderr


with tempfile.TemporaryDirectory() as tmp:
    jobs = [(path, "json", ["--hints"]) for path in inputs]
    firsts = {}
    for path in inputs:
        fmt = fmt_of(path)
        if os.path.basename(path).startswith("seed-"):
            firsts.setdefault(fmt, path)
    for path in sorted(firsts.values()):
        for writer in writers:
            jobs.append((path, writer, []))
            if writer != "json":
                jobs.append((path, writer, ["--hints", "--pretty"]))

    def one(job):
        path, writer, extra = job
        a = convert(os.path.abspath(path), writer, extra, env_a(), os.getcwd())
        b = convert(os.path.abspath(path), writer, extra, env_b(), tmp)
        return job, a, b

    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        for (path, writer, extra), a, b in pool.map(one, jobs):
            name = "%s -> %s %s" % (os.path.relpath(path, SAMPLES), writer, " ".join(extra))
            if a[0] != 0:
                # A damaged or encrypted sample: the same failure both times.
                check("same failure twice: " + name, a == b and a[0] in (1, 4, 5) and not a[1],
                      "exit %d / %d: %r / %r" % (a[0], b[0], a[2][:200], b[2][:200]))
                continue
            same = a == b
            detail = ""
            if not same:
                i = next((k for k in range(min(len(a[1]), len(b[1]))) if a[1][k] != b[1][k]),
                         min(len(a[1]), len(b[1])))
                detail = "first difference at byte %d: %r vs %r" % (i, a[1][max(0, i - 60):i + 60],
                                                                     b[1][max(0, i - 60):i + 60])
            check("identical twice: " + name, same and len(a[1]) > 0, detail)

    # Batch: -j 1 and -j 2 give the same record files.
    help_p = subprocess.run([DOCNORM, "batch", "--help"], capture_output=True, env=env_a(), timeout=60)
    if help_p.returncode != 0:
        print("SKIP batch -j 1 vs -j 2 (no batch command in this build)")
    else:
        outs = {}
        for j in ("1", "2"):
            out = os.path.join(tmp, "batch-j" + j)
            p = subprocess.run([DOCNORM, "batch", "-j", j, "-o", out, SAMPLES], capture_output=True,
                               env=env_a(), timeout=600)
            check("batch -j %s runs" % j, p.returncode in (0, 1), p.stderr.decode(errors="replace")[:300])
            outs[j] = out
        records = sorted(os.path.relpath(os.path.join(r, f), outs["1"]) for r, _, fs in os.walk(outs["1"])
                         for f in fs if not f.startswith("manifest"))
        check("batch wrote records", len(records) >= len(inputs) // 2, "%d records" % len(records))
        for rel in records:
            other = os.path.join(outs["2"], rel)
            check("batch -j1 = -j2: " + rel, os.path.exists(other) and
                  filecmp.cmp(os.path.join(outs["1"], rel), other, shallow=False))
        others = sorted(os.path.relpath(os.path.join(r, f), outs["2"]) for r, _, fs in os.walk(outs["2"])
                        for f in fs if not f.startswith("manifest"))
        check("batch -j2 wrote no extra files", others == records, str(set(others) ^ set(records)))

finish()
