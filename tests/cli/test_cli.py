"""CLI behaviour: errors are one line with the documented exit status, the
plugin path is honoured, output is atomic, every sample's record validates.

  test_cli.py DOCNORM SAMPLES_DIR GOOD_PLUGIN_DIR WRONGABI_PLUGIN_DIR
"""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
import dnschema  # noqa: E402
from dncheck import check, finish  # noqa: E402

DOCNORM, SAMPLES, GOOD_DIR, WRONGABI_DIR = sys.argv[1:5]


def run(args, stdin=None, env=None):
    full_env = dict(os.environ)
    full_env.pop("DOCNORM_PLUGIN_PATH", None)
    full_env.update(env or {})
    return subprocess.run([DOCNORM] + args, input=stdin, capture_output=True, env=full_env, timeout=60)


def one_line_error(proc, path, status, fragment):
    err = proc.stderr.decode()
    return (proc.returncode == status and err.count("\n") == 1 and err.startswith("docnorm: %s: " % path)
            and fragment in err and proc.stdout == b""), "exit %d stderr %r" % (proc.returncode, err)


with tempfile.TemporaryDirectory() as tmp:
    missing = os.path.join(tmp, "missing.txt")
    check("missing file", *one_line_error(run(["convert", missing]), missing, 3, "No such file"))
    check("directory input", *one_line_error(run(["convert", tmp]), tmp, 3, "is a directory"))
    noise = os.path.join(tmp, "noise.txt")
    with open(noise, "wb") as f:
        f.write(bytes(range(256)) * 8)
    check("unknown format", *one_line_error(run(["convert", noise]), noise, 4, "unknown format"))
    empty = os.path.join(tmp, "empty.txt")
    open(empty, "wb").close()
    check("empty file", *one_line_error(run(["convert", empty]), empty, 1, "empty"))
    p = run(["convert", "--to", "nope", os.path.join(SAMPLES, "seed-001.txt")])
    check("unknown writer", *one_line_error(p, "convert", 2, "no writer named 'nope'"))
    p = run(["convert", "--from", "nope", os.path.join(SAMPLES, "seed-001.txt")])
    check("unknown reader", *one_line_error(p, os.path.join(SAMPLES, "seed-001.txt"), 4, "no reader named"))
    p = run(["convert", "--bogus"])
    check("unknown option", *one_line_error(p, "convert", 2, "--bogus"))
    p = run(["convert"])
    check("no input", *one_line_error(p, "convert", 2, "no INPUT"))
    p = run(["frobnicate"])
    check("unknown command", *one_line_error(p, "frobnicate", 2, "unknown command"))
    # stdio output (formats) is flushed and checked before docnorm leaves
    # through _exit(): a full disk is an I/O error, not a silent success.
    if os.path.exists("/dev/full"):
        with open("/dev/full", "wb") as full:
            p = subprocess.run([DOCNORM, "formats"], stdout=full, stderr=subprocess.PIPE, timeout=60)
        err = p.stderr.decode()
        check("formats to a full disk fails", p.returncode == 3 and err.count("\n") == 1
              and err.startswith("docnorm: standard output: cannot write: "), "exit %d %r" % (p.returncode, err))
    big = os.path.join(tmp, "big.txt")
    with open(big, "wb") as f:
        f.write(b"a" * (2 * 1024 * 1024))
    p = run(["convert", "--max-input-mb", "1", big])
    check("input size limit", *one_line_error(p, big, 1, "limit"))
    seed = os.path.join(SAMPLES, "seed-001.txt")
    p = run(["convert", "--limit", "max_nodes=3", seed])
    check("--limit sets a reader limit", *one_line_error(p, seed, 1, "more than 3 paragraphs"))
    p = run(["convert", "--limit", "max_nodez=3", seed])
    check("--limit with an unknown name", *one_line_error(p, "convert", 2, "--limit: 'max_nodez=3'"))

    # Output is all or nothing: a failed conversion leaves the old file alone
    # and no temporary file behind; a good one replaces it whole.
    out = os.path.join(tmp, "out.json")
    with open(out, "w") as f:
        f.write("previous")
    run(["convert", noise, "-o", out])
    check("failed conversion keeps old output", open(out).read() == "previous")
    p = run(["convert", os.path.join(SAMPLES, "seed-001.txt"), "-o", out])
    rec = json.load(open(out))
    check("output replaced", p.returncode == 0 and rec["source"]["file_name"] == "seed-001.txt")
    check("no temporary files left", sorted(os.listdir(tmp)) == sorted(
        ["noise.txt", "empty.txt", "big.txt", "out.json"]), str(os.listdir(tmp)))
    unwritable = os.path.join(tmp, "no-such-dir", "x.json")
    p = run(["convert", os.path.join(SAMPLES, "seed-001.txt"), "-o", unwritable])
    check("unwritable output", *one_line_error(p, unwritable, 3, "cannot create output"))

    # Standard input and output.
    data = open(os.path.join(SAMPLES, "seed-002.txt"), "rb").read()
    p = run(["convert", "-", "-o", "-"], stdin=data)
    rec = json.loads(p.stdout)
    check("stdin to stdout", p.returncode == 0 and rec["source"]["file_name"] == "-"
          and rec["source"]["bytes"] == len(data))

    # A plugin folder named in DOCNORM_PLUGIN_PATH is used; a wrong-ABI
    # plugin there is refused with its reason, and the rest still works.
    fake = os.path.join(tmp, "x.fake")
    with open(fake, "wb") as f:
        f.write(b"FAKE document")
    env = {"DOCNORM_PLUGIN_PATH": WRONGABI_DIR + ":" + GOOD_DIR}
    p = run(["convert", fake], env=env)
    rec = json.loads(p.stdout or b"{}")
    check("plugin from DOCNORM_PLUGIN_PATH converts", p.returncode == 0
          and rec.get("source", {}).get("reader", {}).get("name") == "fake", p.stderr)
    p = run(["convert", fake])
    check("without the path the plugin is absent (the text reader takes the file)",
          p.returncode == 0 and json.loads(p.stdout)["source"]["reader"]["name"] == "txt")
    p = run(["formats"], env=env)
    out_text = p.stdout.decode()
    check("formats lists readers and writers", p.returncode == 0 and "\n  txt " in out_text
          and "\n  json " in out_text and "\n  fake " in out_text, out_text)
    check("formats lists refused plugin with reason",
          "Refused:" in out_text and "docnorm-future.so: built for plugin ABI 2" in out_text, out_text)

    # The plugin cache: after one run has seen every module, a conversion
    # loads only the reader and the writer it uses, and gives the same record.
    # (--from names the reader: plain text is never certain enough from its
    # bytes to spare probing the other readers; tests/unit/test-registry.c
    # covers that choice.)
    cache_env = {"DOCNORM_PLUGIN_CACHE": os.path.join(tmp, "cache", "plugins.cache")}
    sample = os.path.join(SAMPLES, "seed-001.txt")

    def modules_loaded(args):
        p = run(args, env=dict(cache_env, LD_DEBUG="files"))
        return p, {os.path.basename(l.split("file=", 1)[1].split(" ", 1)[0])
                   for l in p.stderr.decode().splitlines() if "dynamically loaded by" in l}

    cold, cold_mods = modules_loaded(["convert", "--raw", "--from", "txt", sample])
    check("cold cache: every plugin module is loaded", "docnorm-txt.so" in cold_mods
          and "docnorm-json.so" in cold_mods and len(cold_mods) >= 3, sorted(cold_mods))
    check("cold cache: the cache file is written", os.path.exists(cache_env["DOCNORM_PLUGIN_CACHE"]))
    warm, warm_mods = modules_loaded(["convert", "--raw", "--from", "txt", sample])
    check("warm cache: only the txt reader and json writer are loaded",
          warm_mods == {"docnorm-txt.so", "docnorm-json.so"}, sorted(warm_mods))
    check("warm cache: the same record", warm.returncode == 0 and warm.stdout == cold.stdout)
    p = run(["formats"], env=cache_env)
    check("warm cache: formats still lists every plugin", p.returncode == 0
          and p.stdout == run(["formats"], env={"DOCNORM_PLUGIN_CACHE": ""}).stdout, p.stdout.decode())

    # Version and help.
    p = run(["--version"])
    check("--version", p.returncode == 0 and p.stdout.startswith(b"docnorm "))
    for cmd in (["--help"], ["convert", "--help"], ["formats", "--help"]):
        p = run(cmd)
        check("help: %s" % " ".join(cmd), p.returncode == 0 and b"Usage" in p.stdout, p.stderr)

    # Every sample converts (analysis on) to a record that validates.
    for name in sorted(os.listdir(SAMPLES)):
        p = run(["convert", os.path.join(SAMPLES, name)])
        try:
            dnschema.validate_record(json.loads(p.stdout), name)
            check("sample validates: %s" % name, p.returncode == 0)
        except (AssertionError, ValueError) as e:
            check("sample validates: %s" % name, False, str(e)[:500])

finish()
