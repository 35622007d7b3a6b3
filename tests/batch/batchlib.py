"""Helpers the batch tests share: running docnorm, checks, manifest reading."""
import hashlib
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
import dnschema  # noqa: E402,F401
from dncheck import check, finish  # noqa: E402,F401

# In the sanitizer build (.ci/sanitize sets DN_TEST_SANITIZED) AddressSanitizer
# would catch the crash test's SIGSEGV, report it and abort (SIGABRT); the
# tests check that the batch names the real signal, so let it through.
if os.environ.get("DN_TEST_SANITIZED"):
    os.environ["ASAN_OPTIONS"] = os.environ.get("ASAN_OPTIONS", "") + ":handle_segv=0"


def env_with(plugin_dir=None, **extra):
    env = dict(os.environ)
    env.pop("DOCNORM_PLUGIN_PATH", None)
    env.pop("NO_COLOR", None)
    # meson test sets MALLOC_PERTURB_, which makes glibc fill every block it
    # hands out: the test reader's out-of-memory case would then write its
    # whole address space and, on a busy machine, hit the 2 s timeout first.
    env.pop("MALLOC_PERTURB_", None)
    if plugin_dir:
        env["DOCNORM_PLUGIN_PATH"] = plugin_dir
    env.update(extra)
    return env


def run(docnorm, args, plugin_dir=None, stdin=None, timeout=90, **extra):
    return subprocess.run([docnorm] + args, input=stdin, capture_output=True,
                          env=env_with(plugin_dir, **extra), timeout=timeout)


def sha256_file(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def read_manifest(outdir):
    """Lines of OUTDIR/manifest.ndjson, each parsed (a line that does not
    parse is returned as None)."""
    lines = []
    with open(os.path.join(outdir, "manifest.ndjson"), encoding="utf-8") as f:
        for raw in f.read().split("\n"):
            if raw == "":
                continue
            try:
                lines.append(json.loads(raw))
            except ValueError:
                lines.append(None)
    return lines


def key(line):
    return (line["path"], line.get("member"))


def leftovers(outdir):
    """Temporary files (partial records) anywhere under OUTDIR."""
    found = []
    for root, _dirs, files in os.walk(outdir):
        found += [os.path.join(root, f) for f in files if f.endswith(".tmp") or ".XXXXXX" in f]
    return found


def processes_mentioning(text):
    """PIDs whose command line contains @text (batch children share their
    parent's command line: they are forked, not executed)."""
    pids = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            with open("/proc/%s/cmdline" % pid, "rb") as f:
                cmd = f.read()
            with open("/proc/%s/stat" % pid, "rb") as f:
                state = f.read().split(b")")[-1].split()[0]
        except OSError:
            continue
        if text.encode() in cmd and state != b"Z":
            pids.append(int(pid))
    return pids
