#!/usr/bin/env python3
"""The PDF reader's split (plugins/pdf/dn-pdf-backend.h): the front module
docnorm-pdf.so links no poppler and loads pdf-backend.so from its own folder
on the first PDF read.

  test_pdf_lazy.py DOCNORM BUILD_PDF_PLUGIN_DIR SAMPLES_ROOT

Checks, with the built docnorm:
  - a PDF and a non-PDF (DOCX when that plugin is built, else plain text)
    convert;
  - under LD_DEBUG=files, libpoppler is loaded for the PDF and is not for
    the non-PDF input;
  - `formats` lists pdf without loading libpoppler;
  - in a plugin folder of its own (as installed: both modules side by side,
    found through DOCNORM_PLUGIN_PATH, which takes precedence over the build
    tree's), the front finds the backend next to itself;
  - with the backend missing or broken, `formats` still lists pdf and a PDF
    conversion fails with one line naming the backend's path; batch records
    the error code "plugin".
Standard library only.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
from dncheck import check, finish  # noqa: E402

EXE, PDF_DIR, SAMPLES = sys.argv[1:4]
FRONT = os.path.join(PDF_DIR, "docnorm-pdf.so")
BACKEND = os.path.join(PDF_DIR, "pdf-backend.so")
PDF = os.path.join(SAMPLES, "pdf", "seed-001.pdf")
DOCX = os.path.join(SAMPLES, "docx", "seed-001-manual.docx")
TXT = os.path.join(SAMPLES, "txt", "seed-001.txt")


def run(args, env_extra=None):
    env = dict(os.environ)
    env.pop("LD_DEBUG", None)
    env.pop("DOCNORM_PLUGIN_PATH", None)
    env.update(env_extra or {})
    return subprocess.run([EXE] + args, env=env, capture_output=True, text=True,
                          errors="replace", timeout=60)


def loaded_files(args, env_extra=None):
    """The objects the dynamic linker mapped for one run (LD_DEBUG=files)."""
    env = dict(env_extra or {})
    env["LD_DEBUG"] = "files"
    r = run(args, env)
    names = set()
    for line in r.stderr.splitlines():
        line = line.strip()
        if "file=" in line and "generating link map" in line:
            names.add(os.path.basename(line.split("file=", 1)[1].split(" ", 1)[0]))
    return r, names


def converts(path, env_extra=None, tag=""):
    r = run(["convert", "--raw", path], env_extra)
    ok = r.returncode == 0
    if ok:
        try:
            rec = json.loads(r.stdout)
            ok = isinstance(rec, dict) and len(r.stdout) > 200
        except ValueError:
            ok = False
    check("%s converts%s" % (os.path.basename(path), tag), ok,
          "rc %d: %s" % (r.returncode, r.stderr.strip()[:300]))


def has_poppler(names):
    return any(n.startswith("libpoppler") for n in names)


other = DOCX if os.path.exists(os.path.join(os.path.dirname(PDF_DIR), "docx", "docnorm-docx.so")) else TXT

# Built tree.
converts(PDF)
converts(other)
r, names = loaded_files(["convert", "--raw", other, "-o", os.devnull])
check("%s: rc 0 under LD_DEBUG" % os.path.basename(other), r.returncode == 0, r.stderr[-300:])
check("%s: no libpoppler loaded" % os.path.basename(other), not has_poppler(names),
      sorted(n for n in names if "poppler" in n))
check("%s: no pdf-backend.so loaded" % os.path.basename(other), "pdf-backend.so" not in names)
r, names = loaded_files(["convert", "--raw", PDF, "-o", os.devnull])
check("pdf: rc 0 under LD_DEBUG", r.returncode == 0, r.stderr[-300:])
check("pdf: pdf-backend.so loaded", "pdf-backend.so" in names, sorted(names))
check("pdf: libpoppler loaded", has_poppler(names), sorted(names))
r, names = loaded_files(["formats"])
check("formats: lists pdf", r.returncode == 0 and any(l.split()[:1] == ["pdf"] for l in r.stdout.splitlines()))
check("formats: the front module is loaded", "docnorm-pdf.so" in names, sorted(names))
check("formats: no libpoppler loaded", not has_poppler(names))

with tempfile.TemporaryDirectory() as tmp:
    # As installed: both modules in one plugin folder.
    inst = os.path.join(tmp, "plugins")
    os.mkdir(inst)
    shutil.copy(FRONT, inst)
    shutil.copy(BACKEND, inst)
    env = {"DOCNORM_PLUGIN_PATH": inst}
    r = run(["formats"], env)
    check("own folder: formats lists pdf from it", os.path.join(inst, "docnorm-pdf.so") in r.stdout, r.stdout[-500:])
    r, names = loaded_files(["convert", "--raw", PDF, "-o", os.devnull], env)
    check("own folder: pdf converts", r.returncode == 0, r.stderr[-300:])
    maps = [l for l in r.stderr.splitlines() if "generating link map" in l and "pdf-backend.so" in l]
    check("own folder: the backend beside the front is the one loaded",
          len(maps) == 1 and os.path.join(inst, "pdf-backend.so") in maps[0], maps)

    # Backend missing, then not a shared object.
    os.remove(os.path.join(inst, "pdf-backend.so"))
    for what in ("missing", "broken"):
        r = run(["formats"], env)
        check("backend %s: formats lists pdf" % what,
              os.path.join(inst, "docnorm-pdf.so") in r.stdout, r.stdout[-500:])
        r = run(["convert", "--raw", PDF, "-o", os.devnull], env)
        lines = [l for l in r.stderr.splitlines() if l.strip()]
        check("backend %s: pdf fails with exit 1" % what, r.returncode == 1, "rc %d" % r.returncode)
        check("backend %s: one line naming the backend's path" % what,
              len(lines) == 1 and os.path.join(inst, "pdf-backend.so") in lines[0], lines)
        converts(other, env, " (backend %s)" % what)
        out = os.path.join(tmp, "out-" + what)
        r = run(["batch", "-j", "1", PDF, "-o", out], env)
        try:
            with open(os.path.join(out, "manifest.ndjson"), encoding="utf-8") as f:
                manifest = f.read()
        except OSError:
            manifest = ""
        check("backend %s: batch records the code plugin" % what, '"plugin"' in manifest, manifest[:300])
        with open(os.path.join(inst, "pdf-backend.so"), "wb") as f:
            f.write(b"not an ELF file\n")

finish()
