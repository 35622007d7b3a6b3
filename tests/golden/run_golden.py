"""Golden tests: converts every sample with the real CLI and compares the
record with a reviewed expected record, byte for byte.

  run_golden.py DOCNORM SAMPLES_DIR EXPECTED_DIR [--args ARG...] [--update]

Each SAMPLE.EXT gives EXPECTED_DIR/SAMPLE.EXT.json. Every record is validated
against the schema first. --update rewrites the expected files; read the diff
before committing them.
"""
import difflib
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
import dnschema  # noqa: E402


def main(argv):
    update = "--update" in argv
    argv = [a for a in argv if a != "--update"]
    docnorm, samples, expected = argv[1:4]
    extra = argv[argv.index("--args") + 1:] if "--args" in argv else []
    names = sorted(n for n in os.listdir(samples) if not n.startswith("."))
    if not names:
        print("no samples in %s" % samples)
        return 1
    failed = 0
    for name in names:
        cmd = [docnorm, "convert", "--pretty"] + extra + [os.path.join(samples, name)]
        proc = subprocess.run(cmd, capture_output=True, timeout=120)
        if proc.returncode != 0:
            print("FAIL %s: exit %d: %s" % (name, proc.returncode, proc.stderr.decode(errors="replace").strip()))
            failed += 1
            continue
        got = proc.stdout.decode("utf-8")
        try:
            dnschema.validate_record(json.loads(got), name)
        except AssertionError as e:
            print("FAIL %s: %s" % (name, e))
            failed += 1
            continue
        exp_path = os.path.join(expected, name + ".json")
        if update:
            with open(exp_path, "w", encoding="utf-8") as f:
                f.write(got)
            print("updated %s" % exp_path)
            continue
        if not os.path.exists(exp_path):
            print("FAIL %s: no expected record %s (review one and add it)" % (name, exp_path))
            failed += 1
            continue
        with open(exp_path, encoding="utf-8") as f:
            want = f.read()
        if got != want:
            diff = difflib.unified_diff(want.splitlines(), got.splitlines(), exp_path, "got", lineterm="", n=2)
            print("FAIL %s: record differs from %s\n%s" % (name, exp_path, "\n".join(list(diff)[:60])))
            failed += 1
            continue
        print("ok   %s" % name)
    print("%d passed, %d failed" % (len(names) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
