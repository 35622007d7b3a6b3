"""The plugin SDK, end to end, as a third party uses it:

  1. installs docnorm into a temporary prefix (its own meson build);
  2. builds examples/reader-csv and examples/writer-plaintext with their plain
     Makefiles, which use nothing but `pkg-config ... docnorm-plugin`, and
     `make install`s them into the plugindir pkg-config reports;
  3. builds two test plugins out of tree the same way (tests/unit/plugins/
     test-plugins.c): one with the older, smaller descriptor a plugin built
     before DnPluginDesc.license exports, one claiming a newer plugin ABI;
  4. runs the *installed* docnorm: `formats` lists the example plugins and the
     older one, refuses the newer one with its reason; `convert` reads a CSV
     with the example reader and writes it with the example writer.

  test_sdk.py SOURCE_ROOT MESON
"""
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
import dnschema  # noqa: E402
from dncheck import check, summary  # noqa: E402

SRC, MESON = sys.argv[1:3]


def run(cmd, env=None, cwd=None, stdin=None):
    proc = subprocess.run(cmd, env=env, cwd=cwd, input=stdin, capture_output=True, timeout=300)
    if proc.returncode != 0:
        print("$ %s\n%s%s" % (" ".join(cmd), proc.stdout.decode(errors="replace"),
                              proc.stderr.decode(errors="replace")))
    return proc


def main():
    tmp = tempfile.mkdtemp(prefix="docnorm-sdk-")
    try:
        return in_tmp(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def in_tmp(tmp):
    prefix = os.path.join(tmp, "prefix")
    build = os.path.join(tmp, "build")
    env = dict(os.environ)
    for var in ("DOCNORM_PLUGIN_PATH", "PKG_CONFIG_PATH", "DESTDIR", "MESON_BUILD_ROOT", "MESON_SOURCE_ROOT"):
        env.pop(var, None)

    # 1. A separate, small build installed into the temporary prefix: only
    # what the SDK needs (PDF and DOCX readers and the tests are off).
    setup = [MESON, "setup", build, SRC, "--prefix=" + prefix, "--buildtype=plain",
             "-Dtests=disabled", "-Dpdf=disabled", "-Ddocx=disabled"]
    for cmd in (setup, [MESON, "compile", "-C", build], [MESON, "install", "-C", build, "--quiet"]):
        if run(cmd, env=env).returncode != 0:
            check("install docnorm into a temporary prefix", False)
            return 1
    pcs = glob.glob(os.path.join(prefix, "**", "pkgconfig", "docnorm-plugin.pc"), recursive=True)
    check("docnorm-plugin.pc installed", len(pcs) == 1, pcs)
    if len(pcs) != 1:
        return 1
    env["PKG_CONFIG_PATH"] = os.path.dirname(pcs[0])
    libdir = os.path.dirname(os.path.dirname(pcs[0]))
    # No LD_LIBRARY_PATH: the installed docnorm finds its library through
    # its install rpath, and plugins resolve against the loaded library.
    env.pop("LD_LIBRARY_PATH", None)
    docnorm = os.path.join(prefix, "bin", "docnorm")

    p = run(["pkg-config", "--variable=plugindir", "docnorm-plugin"], env=env)
    plugindir = p.stdout.decode().strip()
    check("plugindir is the installed plugin folder",
          plugindir == os.path.join(libdir, "docnorm", "plugins")
          and os.path.exists(os.path.join(plugindir, "docnorm-txt.so")), plugindir)
    p = run(["pkg-config", "--cflags", "docnorm-plugin"], env=env)
    check("cflags point into the prefix", ("-I" + os.path.join(prefix, "include", "docnorm")) in p.stdout.decode(),
          p.stdout)
    for h in ("docnorm.h", "dn-plugin.h", "dn-node.h", "dn-record.h"):
        check("header %s installed" % h, os.path.exists(os.path.join(prefix, "include", "docnorm", h)))

    # 2. The examples, copied away from the source tree, with their Makefiles.
    examples = os.path.join(tmp, "examples")
    shutil.copytree(os.path.join(SRC, "examples"), examples)
    for ex, module in (("reader-csv", "docnorm-csv.so"), ("writer-plaintext", "docnorm-plaintext.so")):
        d = os.path.join(examples, ex)
        run(["make", "-C", d, "clean"], env=env)  # a module a developer built in the source tree
        p = run(["make", "-C", d, "CFLAGS=-O2 -Wall -Wextra -Werror"], env=env)
        check("example %s builds warning-free with pkg-config" % ex, p.returncode == 0)
        p = run(["make", "-C", d, "install"], env=env)
        check("example %s installs into plugindir" % ex,
              p.returncode == 0 and os.path.exists(os.path.join(plugindir, module)))

    # 3. ABI: the same out-of-tree recipe, on the registry's test plugins.
    flags = run(["pkg-config", "--cflags", "--libs", "docnorm-plugin"], env=env).stdout.decode().split()
    test_plugins = os.path.join(SRC, "tests", "unit", "plugins", "test-plugins.c")
    cc = env.get("CC", "cc")
    for ident, mode in (("older", "TEST_OLDER_DESC"), ("newer", "TEST_WRONG_ABI")):
        out = os.path.join(plugindir, "docnorm-%s.so" % ident)
        cmd = [cc, "-std=c11", "-fPIC", "-shared", "-fvisibility=hidden", "-Wall", "-Wextra", "-Werror",
               "-Wno-unused-parameter", "-D" + mode, "-DFAKE_SCORE=100", '-DFAKE_NAME="%s"' % ident,
               '-DFAKE_EXT="fake"', "-DPLUGIN_IDENT=" + ident, "-o", out, test_plugins] + flags
        check("test plugin %s builds out of tree" % ident, run(cmd, env=env).returncode == 0)

    # 4. The installed docnorm finds them all in its own plugin folder.
    p = run([docnorm, "formats"], env=env)
    out = p.stdout.decode()
    readers = out.split("Writers:")[0]
    writers = out.split("Writers:")[1].split("Refused:")[0] if "Writers:" in out else ""
    refused = out.split("Refused:")[1] if "Refused:" in out else ""
    check("formats: example reader loaded from plugindir",
          "\n  csv " in readers and os.path.join(plugindir, "docnorm-csv.so") in readers, out)
    check("formats: example writer loaded", "\n  plaintext " in writers, out)
    check("formats: shows a plugin's license", "[MIT] " + os.path.join(plugindir, "docnorm-csv.so") in readers, out)
    older_line = [l for l in readers.splitlines() if l.startswith("  older ")]
    check("formats: older, smaller descriptor still loads, with no license shown",
          len(older_line) == 1 and "[" not in older_line[0], out)
    check("formats: newer ABI refused with the reason",
          "docnorm-newer.so: built for plugin ABI %d, this docnorm speaks ABI %d" % (2, 1) in refused
          and "newer" not in readers, out)

    csv = os.path.join(tmp, "visits.csv")
    with open(csv, "w", encoding="utf-8", newline="") as f:
        f.write('city,days,note\r\n"Taipei, TW",3,"said ""hi"""\r\n東京,4,\r\n')
    p = run([docnorm, "convert", "--raw", csv], env=env)
    check("convert with the example reader", p.returncode == 0, p.stderr)
    if p.returncode == 0:
        rec = json.loads(p.stdout)
        dnschema.validate_record(rec, "visits.csv")
        check("record names the example reader", rec["source"]["reader"]["name"] == "csv", rec["source"])
        rows = [[c.get("text") for c in r["children"]] for r in rec["body"]["children"][0]["children"]]
        check("CSV quoting read faithfully",
              rows == [["city", "days", "note"], ["Taipei, TW", "3", 'said "hi"'], ["東京", "4", ""]], rows)
    out_txt = os.path.join(tmp, "visits.text")
    p = run([docnorm, "convert", "--raw", csv, "-o", out_txt], env=env)
    text = open(out_txt, encoding="utf-8").read() if p.returncode == 0 else ""
    check("example writer chosen by the output's extension and writes the table",
          text == 'city | days | note\nTaipei, TW | 3 | said "hi"\n東京 | 4 | \n', repr(text))
    p = run([docnorm, "convert", "--raw", "-", "-t", "json"], env=env, stdin=b"FAKE input")
    check("older plugin reads", p.returncode == 0 and b"fake reader was here" in p.stdout, p.stderr)

    return summary()


if __name__ == "__main__":
    sys.exit(main())
