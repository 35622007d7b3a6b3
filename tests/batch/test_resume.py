"""docnorm batch interrupted (kill -9, SIGTERM) and resumed: --resume
finishes the set without redoing finished work and without losing any;
children die with their parent; no partial files are left.

  test_resume.py DOCNORM SAMPLES_DIR DNTEST_PLUGIN_DIR
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from batchlib import (check, env_with, finish, key, leftovers, processes_mentioning, read_manifest,
                      run, sha256_file)

DOCNORM, SAMPLES, PLUGINS = [os.path.abspath(a) for a in sys.argv[1:4]]
SAMPLE_NAMES = sorted(n for n in os.listdir(SAMPLES) if n.endswith(".txt"))
N_SLOW = 16


def make_inputs(root):
    """The samples plus N_SLOW test documents that take 150 ms each, so a
    kill lands mid-batch."""
    os.makedirs(os.path.join(root, "slow"))
    for name in SAMPLE_NAMES:
        shutil.copy(os.path.join(SAMPLES, name), root)
    for i in range(N_SLOW):
        with open(os.path.join(root, "slow", "s%02d.dntest" % i), "wb") as f:
            f.write(b"DNTEST-SLOW 150 document %d" % i)
    return len(SAMPLE_NAMES) + N_SLOW


def complete_lines(outdir):
    try:
        with open(os.path.join(outdir, "manifest.ndjson"), "rb") as f:
            return f.read().count(b"\n")
    except OSError:
        return 0


def start_and_interrupt(args, outdir, sig, after_lines):
    proc = subprocess.Popen([DOCNORM] + args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            env=env_with(PLUGINS))
    deadline = time.monotonic() + 30
    while complete_lines(outdir) < after_lines and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.01)
    running = proc.poll() is None
    proc.send_signal(sig)
    _out, err = proc.communicate(timeout=30)
    return running, proc.returncode, err.decode()


def wait_no_processes(text, seconds=5):
    deadline = time.monotonic() + seconds
    while processes_mentioning(text) and time.monotonic() < deadline:
        time.sleep(0.05)
    return processes_mentioning(text)


def records(outdir):
    found = {}
    for root, _dirs, files in os.walk(outdir):
        for f in files:
            if f.endswith(".json"):
                p = os.path.join(root, f)
                st = os.stat(p)
                found[os.path.relpath(p, outdir)] = (st.st_ino, st.st_mtime_ns)
    return found


def check_complete(outdir, inputs_root, total, label):
    lines = read_manifest(outdir)
    check("%s: manifest lines all parse" % label, all(l is not None for l in lines), lines)
    lines = [l for l in lines if l is not None]
    check("%s: one manifest line per input" % label,
          len(lines) == total and len({key(l) for l in lines}) == total, "%d lines for %d inputs" % (len(lines), total))
    bad = []
    for l in lines:
        rec = os.path.join(outdir, l["output"])
        if l["status"] == "failed" or not os.path.isfile(rec):
            bad.append(l)
            continue
        with open(rec, encoding="utf-8") as f:
            if json.load(f)["source"]["sha256"] != sha256_file(l["path"]) or l["sha256"] != sha256_file(l["path"]):
                bad.append(l)
    check("%s: every input has its record, for its bytes" % label, bad == [], bad)
    check("%s: no partial files" % label, leftovers(outdir) == [], leftovers(outdir))


with tempfile.TemporaryDirectory() as tmp:
    os.chdir(tmp)
    total = make_inputs(os.path.join(tmp, "in"))

    # kill -9 mid-batch, a torn manifest line, a stale temporary; then --resume.
    running, rc, _err = start_and_interrupt(["batch", "in", "-o", "out", "-j", "2", "--timeout", "10"],
                                            "out", signal.SIGKILL, 5)
    check("kill -9 landed mid-batch", running and rc == -signal.SIGKILL, rc)
    stray = wait_no_processes(os.path.join(tmp, "in"))
    check("children die with a killed parent", stray == [], stray)
    before = read_manifest("out")
    done_before = records("out")
    check("some but not all records written before the kill", 0 < len(done_before) < total, len(done_before))
    check("manifest lines whole after kill -9", all(l is not None for l in before), before)
    with open(os.path.join("out", "manifest.ndjson"), "ab") as f:
        f.write(b'{"path":"in/slow/s00.dntest","sta')   # a torn last line
    stale = os.path.join("out", "in", "slow", ".s15.dntest.json.AbC123.tmp")
    os.makedirs(os.path.dirname(stale), exist_ok=True)
    with open(stale, "w") as f:
        f.write('{"half":')

    p = run(DOCNORM, ["batch", "in", "-o", "out", "-j", "2", "--resume"], plugin_dir=PLUGINS)
    err = p.stderr.decode()
    check("resume after kill -9 exits 0", p.returncode == 0, (p.returncode, err))
    check_complete("out", "in", total, "after kill -9")
    after = records("out")
    redone = [r for r, v in done_before.items() if after.get(r) != v]
    check("finished records were not redone", redone == [], redone)
    check("summary counts the skipped ones", ("; %d already done, skipped;" % len(done_before)) in err, err)
    again = records("out")
    p = run(DOCNORM, ["batch", "in", "-o", "out", "--resume", "-q"], plugin_dir=PLUGINS)
    check("a second resume does nothing", p.returncode == 0 and records("out") == again and
          len(read_manifest("out")) == total, p.stderr)

    # SIGTERM: stops cleanly (children killed, nothing partial), then resume.
    running, rc, err = start_and_interrupt(["batch", "in", "-o", "out2", "-j", "2"], "out2", signal.SIGTERM, 4)
    check("SIGTERM stops the batch with status 143", running and rc == 143, (rc, err))
    check("SIGTERM: says how to finish", "interrupted by SIGTERM" in err and "--resume" in err, err)
    check("SIGTERM: no child left", processes_mentioning(os.path.join(tmp, "in")) == [])
    check("SIGTERM: no partial files", leftovers("out2") == [], leftovers("out2"))
    check("SIGTERM: manifest whole", all(l is not None for l in read_manifest("out2")))
    done_before = records("out2")
    p = run(DOCNORM, ["batch", "in", "-o", "out2", "--resume"], plugin_dir=PLUGINS)
    check("resume after SIGTERM exits 0", p.returncode == 0, p.stderr)
    check_complete("out2", "in", total, "after SIGTERM")
    after = records("out2")
    check("SIGTERM: finished records were not redone",
          [r for r, v in done_before.items() if after.get(r) != v] == [])

    # Ctrl-C: the same clean stop, status 130.
    running, rc, err = start_and_interrupt(["batch", "in", "-o", "out4", "-j", "2"], "out4", signal.SIGINT, 3)
    check("SIGINT stops the batch with status 130", running and rc == 130 and "interrupted by SIGINT" in err,
          (rc, err))
    check("SIGINT: no child left, no partial files",
          processes_mentioning(os.path.join(tmp, "in")) == [] and leftovers("out4") == [])
    p = run(DOCNORM, ["batch", "in", "-o", "out4", "--resume", "-q"], plugin_dir=PLUGINS)
    check("resume after SIGINT exits 0", p.returncode == 0, p.stderr)
    check_complete("out4", "in", total, "after SIGINT")

    # What resume redoes: changed bytes, an older schema; not failures,
    # unless --retry-failed.
    os.makedirs("in3")
    for name in SAMPLE_NAMES[:3]:
        shutil.copy(os.path.join(SAMPLES, name), "in3")
    with open(os.path.join("in3", "crash.dntest"), "wb") as f:
        f.write(b"DNTEST-CRASH")
    p = run(DOCNORM, ["batch", "in3", "-o", "out3"], plugin_dir=PLUGINS)
    check("set with a crash exits 1", p.returncode == 1, p.stderr)
    first = records("out3")
    changed = os.path.join("in3", SAMPLE_NAMES[0])
    with open(changed, "ab") as f:
        f.write("\n追加的一段。\n".encode())
    old_schema = os.path.join("out3", "in3", SAMPLE_NAMES[1] + ".json")
    with open(old_schema, encoding="utf-8") as f:
        rec = json.load(f)
    rec["schema_version"] = "0.9"
    with open(old_schema, "w", encoding="utf-8") as f:
        json.dump(rec, f, ensure_ascii=False)
    first = records("out3")
    p = run(DOCNORM, ["batch", "in3", "-o", "out3", "--resume"], plugin_dir=PLUGINS)
    err = p.stderr.decode()
    second = records("out3")
    lines = {l["path"]: l for l in read_manifest("out3")}
    rel = lambda n: os.path.join("in3", n + ".json")
    check("resume redoes an input whose bytes changed",
          second[rel(SAMPLE_NAMES[0])] != first[rel(SAMPLE_NAMES[0])]
          and lines[changed]["sha256"] == sha256_file(changed), lines.get(changed))
    check("resume redoes a record of another schema version",
          second[rel(SAMPLE_NAMES[1])] != first[rel(SAMPLE_NAMES[1])])
    check("resume keeps an unchanged record", second[rel(SAMPLE_NAMES[2])] == first[rel(SAMPLE_NAMES[2])])
    crash = lines.get(os.path.join("in3", "crash.dntest"), {})
    check("resume keeps a recorded failure without retrying it",
          p.returncode == 1 and "crash.dntest" not in err and crash.get("status") == "failed"
          and "SIGSEGV" in crash.get("error", {}).get("message", ""), (p.returncode, err, crash))
    check("resume: one manifest line per input", len(read_manifest("out3")) == 4)
    p = run(DOCNORM, ["batch", "in3", "-o", "out3", "--resume", "--retry-failed"], plugin_dir=PLUGINS)
    err = p.stderr.decode()
    check("--retry-failed tries the failure again", p.returncode == 1 and "docnorm: in3/crash.dntest: crashed" in err
          and "; 3 already done, skipped;" in err, err)

finish()
