"""The man page and the shell completions built from --help: every option of
every command is in each; the man page formats without a troff warning; the
bash completion, run as bash runs it, offers commands, options, and the
values of options (writers from `docnorm formats`, --fail-on levels, --ocr
modes); the zsh one parses.

Usage: test_cli_docs.py DOCNORM MAN_PAGE BASH_COMPLETION ZSH_COMPLETION
"""
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
from dncheck import check, finish  # noqa: E402

DOCNORM, MAN, BASH, ZSH = [os.path.abspath(a) for a in sys.argv[1:5]]
ENV = dict(os.environ, LC_ALL="C.UTF-8", PATH=os.path.dirname(DOCNORM) + os.pathsep + os.environ["PATH"])


def help_of(args):
    return subprocess.run([DOCNORM] + args, capture_output=True, env=ENV, timeout=30).stdout.decode()


def commands():
    top = help_of(["--help"])
    block = top.split("Commands:", 1)[1].split("\n\n", 1)[0]
    return [l.split()[0] for l in block.splitlines() if l.strip()]


def options_of(cmd):
    return re.findall(r"^  (?:-\w, )?--([\w-]+)", help_of([cmd, "--help"]), re.M)


def complete(words):
    """COMPREPLY of the bash completion for the command line @words, the
    last word being the one completed."""
    script = 'source "%s"; COMP_WORDS=(%s); COMP_CWORD=%d; _docnorm; printf "%%s\\n" "${COMPREPLY[@]}"' % (
        BASH, " ".join("'%s'" % w for w in words), len(words) - 1)
    p = subprocess.run(["bash", "--norc", "-c", script], capture_output=True, env=ENV, timeout=30)
    return [l for l in p.stdout.decode().splitlines() if l]


def main():
    cmds = commands()
    check("--help lists the five commands", set(cmds) >= {"convert", "batch", "formats", "serve", "watch"}, cmds)
    man = open(MAN, encoding="ascii").read()
    bash = open(BASH, encoding="utf-8").read()
    zsh = open(ZSH, encoding="utf-8").read()
    for cmd in cmds:
        opts = [o for o in options_of(cmd) if o != "help"]
        check("%s: man page has a section" % cmd, ".SS docnorm %s" % cmd in man)
        missing = [o for o in opts if "\\-\\-" + o.replace("-", "\\-") not in man]
        check("%s: man page lists its %d options" % (cmd, len(opts)), not missing, missing)
        missing = [o for o in opts if "--" + o not in bash]
        check("%s: bash completion lists its options" % cmd, not missing, missing)
        missing = [o for o in opts if "'--%s" % o not in zsh and ",--%s" % o not in zsh]
        check("%s: zsh completion lists its options" % cmd, not missing, missing)
    check("man page: the exit statuses, 6 included", "6 converted" in man and ".SH EXIT STATUS" in man)

    groff = shutil.which("groff")
    if check("groff is installed (.ci/install-deps: groff-base)", groff is not None):
        p = subprocess.run([groff, "-man", "-Tutf8", "-ww", "-z", MAN], capture_output=True, timeout=30)
        check("man page formats without a troff warning", p.returncode == 0 and p.stderr == b"", p.stderr[:400])
        p = subprocess.run([groff, "-man", "-Tutf8", MAN], capture_output=True, timeout=30)
        text = re.sub(r".\x08", "", p.stdout.decode("utf-8", "replace"))
        check("man page shows the batch options as --help words them",
              "Convert N documents at a time" in text and "--fail-on" in text, text[:300])

    check("bash: commands", complete(["docnorm", "ba"]) == ["batch"], complete(["docnorm", "ba"]))
    check("bash: options of batch", set(complete(["docnorm", "batch", "--fa"])) == {"--fail-on"},
          complete(["docnorm", "batch", "--fa"]))
    check("bash: --fail-on levels", complete(["docnorm", "convert", "--fail-on", ""]) == ["warning", "notice"],
          complete(["docnorm", "convert", "--fail-on", ""]))
    check("bash: --ocr modes", set(complete(["docnorm", "batch", "--ocr", "a"])) == {"auto", "always"},
          complete(["docnorm", "batch", "--ocr", "a"]))
    writers = set(re.findall(r"^  (\w+) ", help_of(["formats"]).split("Writers:")[1].split("\n\n")[0].split(
        "OCR engines:")[0], re.M))
    got = set(complete(["docnorm", "convert", "-t", ""]))
    check("bash: -t offers the writers docnorm formats lists", got == writers and "json" in got, (got, writers))
    check("bash: formats takes no arguments", complete(["docnorm", "formats", ""]) == [])

    zsh_bin = shutil.which("zsh")
    if check("zsh is installed (.ci/install-deps)", zsh_bin is not None):
        p = subprocess.run([zsh_bin, "-n", ZSH], capture_output=True, timeout=30)
        check("zsh completion parses", p.returncode == 0, p.stderr)
    check("zsh completion is a #compdef file", zsh.startswith("#compdef docnorm\n"))
    finish()


main()
