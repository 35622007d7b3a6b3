"""docnorm watch: files dropped in while it runs and while it is stopped, a
file written slowly in pieces, failures moved aside, SIGTERM, and kill -9
then restart: every input gets exactly one manifest line and one whole
record, nothing half-written.

  test_watch.py DOCNORM TEST_PLUGIN_DIR
"""
import hashlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

from servelib import check, dnschema, env_with, finish, wait_until

DOCNORM = os.path.abspath(sys.argv[1])
PLUGINS = sys.argv[2]


class Watch:
    """`with Watch(inbox, out, [...]) as w:` runs docnorm watch; leaving the
    block kills it and its children whatever happened."""

    def __init__(self, inbox, out, args=()):
        self.argv = [DOCNORM, "watch", inbox, "-o", out] + list(args)
        self.proc = None

    def __enter__(self):
        self.log = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(self.argv, stdout=subprocess.DEVNULL, stderr=self.log,
                                     env=env_with(PLUGINS), start_new_session=True)
        return self

    def __exit__(self, *exc):
        self.kill9()
        return False

    def kill9(self):
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.proc.wait(timeout=30)

    def stderr(self):
        self.log.seek(0)
        return self.log.read().decode("utf-8", "replace")


def manifest(out):
    path = os.path.join(out, "manifest.ndjson")
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as f:
        return [json.loads(l) for l in f.read().split("\n") if l]


def pending(inbox):
    return sorted(n for n in os.listdir(inbox) if os.path.isfile(os.path.join(inbox, n)))


def put(path, data):
    with open(path, "wb") as f:
        f.write(data)


def sha(data):
    return hashlib.sha256(data).hexdigest()


def half_written(out):
    """Temporaries, and records that do not parse."""
    bad = []
    for root, _dirs, files in os.walk(out):
        for f in files:
            p = os.path.join(root, f)
            if f.endswith(".tmp"):
                bad.append(p)
            elif f.endswith(".json"):
                try:
                    with open(p, encoding="utf-8") as fh:
                        json.load(fh)
                except ValueError:
                    bad.append(p)
    return bad


def test_basic(tmp):
    inbox, out = os.path.join(tmp, "inbox"), os.path.join(tmp, "out")
    os.makedirs(inbox)
    before = {"a.txt": b"DNTEST-OK dropped while stopped", "b.dntest": b"DNTEST-CORRUPT",
              "c.txt": b"DNTEST-WARN with a warning", ".hidden.txt": b"DNTEST-OK never taken",
              "d.txt.part": b"DNTEST-OK still downloading"}
    for name, data in before.items():
        put(os.path.join(inbox, name), data)
    with Watch(inbox, out, ["--settle", "0.5", "-j", "2"]) as w:
        check("files there at start are converted",
              wait_until(lambda: len(manifest(out)) == 3, 60), (manifest(out), w.stderr()))
        lines = {os.path.basename(l["path"]): l for l in manifest(out)}
        check("converted ones recorded", lines.get("a.txt", {}).get("status") in dnschema.CONVERTED
              and lines.get("c.txt", {}).get("status") == "review" and lines["c.txt"]["warnings"] >= 1
              and lines["a.txt"]["warnings"] == lines["c.txt"]["warnings"] - 1, lines)
        check("the corrupt one failed with its code", lines.get("b.dntest", {}).get("status") == "failed"
              and lines["b.dntest"]["error"]["code"] == "corrupt", lines)
        check("sha256 of the bytes", lines.get("a.txt", {}).get("sha256") == sha(before["a.txt"]), lines)
        check("converted ones moved to done/", wait_until(
            lambda: sorted(os.listdir(os.path.join(inbox, "done"))) == ["a.txt", "c.txt"], 10),
            os.listdir(os.path.join(inbox, "done")))
        check("the failed one moved to failed/", os.listdir(os.path.join(inbox, "failed")) == ["b.dntest"])
        check("hidden and partial files are left alone",
              pending(inbox) == [".hidden.txt", "d.txt.part"], pending(inbox))
        with open(os.path.join(out, "a.txt.json"), encoding="utf-8") as f:
            rec = json.load(f)
        check("the record is the document's", rec["source"]["sha256"] == sha(before["a.txt"]), rec["source"])

        # The same line batch writes for the same file.
        bdir = os.path.join(tmp, "batch-in")
        os.makedirs(bdir)
        put(os.path.join(bdir, "a.txt"), before["a.txt"])
        subprocess.run([DOCNORM, "batch", os.path.join(bdir, "a.txt"), "-o", os.path.join(tmp, "batch-out"), "-q"],
                       env=env_with(PLUGINS), timeout=60, check=True)
        bline = manifest(os.path.join(tmp, "batch-out"))[0]
        check("manifest lines are batch's", sorted(bline) == sorted(lines["a.txt"])
              and {k: v for k, v in bline.items() if k not in ("path", "output", "seconds")}
              == {k: v for k, v in lines["a.txt"].items() if k not in ("path", "output", "seconds")},
              (bline, lines["a.txt"]))

        # Dropped in while running: written in place, and renamed into place.
        put(os.path.join(inbox, "e.txt"), b"DNTEST-OK dropped while running")
        put(os.path.join(inbox, ".f.tmp"), b"DNTEST-OK renamed into place")
        os.rename(os.path.join(inbox, ".f.tmp"), os.path.join(inbox, "f.txt"))
        check("files dropped in while running are converted",
              wait_until(lambda: len(manifest(out)) == 5 and "f.txt" not in pending(inbox)
                         and "e.txt" not in pending(inbox), 60), (manifest(out), pending(inbox)))

        # The same name again with new bytes: converted again, moved beside the first.
        put(os.path.join(inbox, "a.txt"), b"DNTEST-OK a second version")
        check("a second a.txt is converted and kept as done/a.1.txt",
              wait_until(lambda: os.path.exists(os.path.join(inbox, "done", "a.1.txt")), 60)
              and manifest(out)[-1]["sha256"] == sha(b"DNTEST-OK a second version"), manifest(out)[-1:])

        w.proc.send_signal(signal.SIGTERM)
        check("SIGTERM: exit 0", w.proc.wait(timeout=30) == 0, w.stderr())
    check("nothing half-written", not half_written(out), half_written(out))


def test_slow_writer(tmp):
    """Pieces every 0.1 s for 2 s, the file held open: taken only once whole."""
    inbox, out = os.path.join(tmp, "inbox2"), os.path.join(tmp, "out2")
    os.makedirs(inbox)
    with Watch(inbox, out, ["--settle", "3"]) as w:
        time.sleep(0.5)
        whole = b""
        with open(os.path.join(inbox, "slow.txt"), "wb") as f:
            for i in range(20):
                piece = (b"DNTEST-OK " if i == 0 else b"") + b"piece %02d. " % i
                f.write(piece)
                f.flush()
                whole += piece
                time.sleep(0.1)
        check("the slowly written file is converted once",
              wait_until(lambda: len(manifest(out)) == 1 and not pending(inbox), 60), (manifest(out), w.stderr()))
        lines = manifest(out)
        check("... from its whole bytes", lines and lines[0]["sha256"] == sha(whole)
              and lines[0]["bytes"] == len(whole), (lines, len(whole)))


def test_kill_restart(tmp):
    """kill -9 at several moments, restart each time: exactly one line and
    one record per input."""
    inbox, out = os.path.join(tmp, "inbox3"), os.path.join(tmp, "out3")
    os.makedirs(inbox)
    n = 24
    for i in range(n):
        put(os.path.join(inbox, "doc%02d.txt" % i),
            (b"DNTEST-SLOW 150 number %d" % i) if i % 3 else (b"DNTEST-OK number %d" % i))
    put(os.path.join(inbox, "bad.dntest"), b"DNTEST-CRASH")
    total = n + 1
    kills = 0
    for target in (3, 9, 15, 20):
        with Watch(inbox, out, ["--settle", "0.2", "-j", "2", "-q"]) as w:
            wait_until(lambda: len(manifest(out)) >= target or not pending(inbox), 60)
            if w.proc.poll() is None:
                os.killpg(w.proc.pid, signal.SIGKILL)
                kills += 1
            w.proc.wait(timeout=30)
    with Watch(inbox, out, ["--settle", "0.2", "-j", "2", "-q"]) as w:
        check("after %d kills, a restart finishes the inbox" % kills,
              wait_until(lambda: not pending(inbox) and len(manifest(out)) >= total, 120),
              (pending(inbox), len(manifest(out))))
        w.proc.send_signal(signal.SIGTERM)
        w.proc.wait(timeout=30)
    lines = manifest(out)
    paths = [os.path.basename(l["path"]) for l in lines]
    check("exactly one manifest line per input", sorted(paths) == sorted(set(paths)) and len(paths) == total,
          sorted(paths))
    check("each input moved once", len(os.listdir(os.path.join(inbox, "done"))) == n
          and os.listdir(os.path.join(inbox, "failed")) == ["bad.dntest"],
          (os.listdir(os.path.join(inbox, "done")), os.listdir(os.path.join(inbox, "failed"))))
    check("a record for every converted input", all(os.path.exists(os.path.join(out, "doc%02d.txt.json" % i))
                                                   for i in range(n)))
    check("the crash is recorded as failed", [l["status"] for l in lines if l["path"].endswith("bad.dntest")]
          == ["failed"])
    check("nothing half-written after kill -9", not half_written(out), half_written(out))


def test_usage(tmp):
    r = subprocess.run([DOCNORM, "watch", os.path.join(tmp, "missing"), "-o", os.path.join(tmp, "o")],
                       capture_output=True, timeout=30)
    check("missing INBOX: exit 3, one line", r.returncode == 3 and r.stderr.count(b"\n") == 1, r.stderr)
    r = subprocess.run([DOCNORM, "watch", tmp], capture_output=True, timeout=30)
    check("no -o: exit 2", r.returncode == 2 and b"-o OUTDIR" in r.stderr, r.stderr)


with tempfile.TemporaryDirectory() as tmp:
    test_usage(tmp)
    test_basic(tmp)
    test_slow_writer(tmp)
    test_kill_restart(tmp)
finish()
