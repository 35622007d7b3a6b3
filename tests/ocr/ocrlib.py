"""What the OCR tests share: running docnorm, the text of a record, and the
character recall of one text against another."""
import difflib
import json
import os
import subprocess
import sys
import unicodedata

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tools"))
import dnschema  # noqa: E402

failures = []


def check(cond, msg):
    if not cond:
        failures.append(msg)
    return cond


def run(exe, args, env=None):
    p = subprocess.run([exe, *args], capture_output=True, text=True, env=env, timeout=600)
    return p.returncode, p.stdout, p.stderr


def convert(exe, path, *extra, env=None, what=None):
    """(exit status, record or None, stderr). A failure prints one line;
    success prints nothing on stderr (no Tesseract or leptonica chatter)."""
    what = what or os.path.basename(path)
    rc, out, err = run(exe, ["convert", "-t", "json", *extra, path], env=env)
    lines = [ln for ln in err.splitlines() if ln.strip()]
    check(len(lines) == (0 if rc == 0 else 1), f"{what}: unexpected stderr {err!r}")
    record = json.loads(out) if rc == 0 else None
    if record is not None:
        errors = dnschema.validation_errors(record)
        check(not errors, f"{what}: record fails the schema: {errors[:2]}")
    return rc, record, err


def texts(record):
    out = []

    def walk(n):
        if isinstance(n, dict):
            if isinstance(n.get("text"), str):
                out.append(n["text"])
            for k in n.get("children", []):
                walk(k)
    walk(record["body"])
    return out


def squash(text):
    """NFKC (full- and half-width forms alike), whitespace removed: what
    recall is measured on."""
    return unicodedata.normalize("NFKC", "".join(text.split()))


def recall(reference, got):
    """Characters of @reference found, in order, in @got (difflib's
    matching blocks), over the length of @reference."""
    a, b = squash(reference), squash(got)
    sm = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    return sum(m.size for m in sm.get_matching_blocks()) / max(1, len(a))


def finish(name):
    for f in failures:
        print("FAIL:", f)
    print(f"{name}: {len(failures)} failure(s)")
    sys.exit(1 if failures else 0)
