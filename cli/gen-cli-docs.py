#!/usr/bin/env python3
"""Writes docnorm's man page, bash completion or zsh completion from the
built program's own --help, so all three say what --help says.

  gen-cli-docs.py DOCNORM man|bash|zsh OUTPUT

Each command's usage line, summary, options and closing notes (exit status)
come from `docnorm COMMAND --help`; the command list from `docnorm --help`.
The completions ask `docnorm formats` for reader and writer names when they
run, so plugins added later are offered too.
"""
import os
import re
import subprocess
import sys

# Values an option's metavariable stands for, where --help names them in
# prose: offered by the completions.
CHOICES = {"MODE": ["auto", "always", "never"], "LEVEL": ["warning", "notice"]}
# Metavariables completed with file or folder names.
FILES = {"FILE", "PATH"}
DIRS = {"DIR", "OUTDIR", "INBOX"}


def run_help(docnorm, args):
    env = dict(os.environ, LC_ALL="C.UTF-8", COLUMNS="200")
    env.pop("DOCNORM_PLUGIN_PATH", None)
    p = subprocess.run([docnorm] + args, capture_output=True, env=env, timeout=30)
    return p.stdout.decode("utf-8")


def parse_commands(top):
    """(name, one-line summary) of each command in `docnorm --help`."""
    cmds = []
    in_list = False
    for line in top.splitlines():
        if line.strip() == "Commands:":
            in_list = True
        elif in_list and re.match(r"^  \S", line):
            name, summary = line.strip().split(None, 1)
            cmds.append((name, summary.strip()))
        elif in_list and line.strip() == "":
            in_list = False
    return cmds


def parse_command_help(text):
    """The usage line, summary paragraphs, options and closing paragraphs of
    one command's GLib --help."""
    usage, summary, options, notes = "", [], [], []
    part = None
    para = []

    def flush(into):
        if para:
            into.append(" ".join(para))
            para.clear()

    for line in text.splitlines():
        if line == "Usage:":
            part = "usage"
        elif part == "usage" and line.startswith("  "):
            usage = line.strip()
            part = "summary"
        elif line.endswith("Options:") and not line.startswith(" "):
            flush(summary if part == "summary" else notes)
            part = "options"
        elif part == "options" and line.startswith("  "):
            m = re.match(r"^  (?:-(\w), )?--([\w-]+)(?:=(\S+))?\s+(.*)$", line)
            if m and m.group(2) != "help":
                options.append({"short": m.group(1), "long": m.group(2), "arg": m.group(3),
                                "help": m.group(4).strip()})
        elif part == "options" and line.strip() == "":
            part = "after-options"
        elif part in ("summary", "after-options"):
            if line.strip() == "":
                flush(summary if part == "summary" else notes)
            else:
                para.append(line.strip())
    flush(summary if part == "summary" else notes)
    return {"usage": usage, "summary": summary, "options": options, "notes": notes}


def gather(docnorm):
    top = run_help(docnorm, ["--help"])
    version = run_help(docnorm, ["--version"]).split()[1]
    cmds = []
    for name, line in parse_commands(top):
        h = parse_command_help(run_help(docnorm, [name, "--help"]))
        h.update(name=name, line=line)
        cmds.append(h)
    return version, cmds


# ---- man page ----

def roff(text):
    text = text.replace("\\", "\\e").replace("-", "\\-")
    # troff input is ASCII: other characters by their code point.
    text = "".join(ch if ord(ch) < 128 else "\\[u%04X]" % ord(ch) for ch in text)
    return re.sub(r"^([.'])", r"\\&\1", text)


def man(version, cmds):
    out = [
        '.TH DOCNORM 1 "" "docnorm %s" "User Commands"' % version,
        ".SH NAME",
        "docnorm \\- turn reports (PDF, DOCX, ODT, HTML, text, scans) into structured, validated records",
        ".SH SYNOPSIS",
    ]
    for c in cmds:
        out += [".B docnorm %s" % c["name"], roff(c["usage"].split(" ", 2)[2].split(" — ")[0]), ".br"]
    out += [
        ".SH DESCRIPTION",
        "docnorm reads a document with a reader plugin, analyses it as a report (title, category, "
        "travellers, dates, abstract, the numbered section tree, tables, figures) and writes one "
        "record with a writer plugin (JSON, XML, Markdown, an HTML review page). "
        "Every failure prints one line on standard error: docnorm: PATH: reason.",
        ".SH COMMANDS",
    ]
    for c in cmds:
        out += [".SS docnorm %s" % c["name"], roff(c["line"][0].upper() + c["line"][1:]) + "."]
        for p in c["summary"]:
            out += [".PP", roff(p)]
        for o in c["options"]:
            names = ("\\fB\\-%s\\fR, " % o["short"] if o["short"] else "") + "\\fB\\-\\-%s\\fR" % roff(o["long"])
            if o["arg"]:
                names += "=\\fI%s\\fR" % roff(o["arg"])
            out += [".TP", names, roff(o["help"])]
        for p in c["notes"]:
            out += [".PP", roff(p)]
    out += [
        ".SH EXIT STATUS",
        "0 converted; 1 conversion failed; 2 usage; 3 input or output; 4 unknown or unsupported format; "
        "5 encrypted; 6 converted, but a record reaches the \\-\\-fail\\-on level. Each command above "
        "says which it uses.",
        ".SH ENVIRONMENT",
        ".TP",
        ".B DOCNORM_PLUGIN_PATH",
        "Colon-separated folders searched for plugins before the installed plugin folder.",
        ".TP",
        ".B NO_COLOR",
        "When set and not empty, batch prints no colour.",
        ".SH SEE ALSO",
        "The README and docs/ of the docnorm sources: docs/RECORD.md (the record), "
        "docs/WARNINGS.md (warning codes and severities), docs/SCALING.md (batch), "
        "docs/SERVING.md (serve and watch), docs/PLUGINS.md (writing a plugin).",
    ]
    return "\n".join(out) + "\n"


# ---- completions ----

def positional(c):
    """What the command's arguments are: 'dir' (watch's INBOX), 'file', or
    None when it takes none (formats, serve)."""
    args = c["usage"].split(" — ")[0].split("]", 1)[-1].split()
    return None if not args else "dir" if args[0] == "INBOX" else "file"


def option_words(c):
    words = []
    for o in c["options"]:
        if o["short"]:
            words.append("-" + o["short"])
        words.append("--" + o["long"])
    return words


def value_kind(cmd, o):
    """What completes an option's value: a list of words, 'file', 'dir',
    'writer', 'reader', or None (free text)."""
    arg = o["arg"]
    if arg is None:
        return None
    if arg in CHOICES:
        return CHOICES[arg]
    if arg in FILES:
        return "file"
    if arg in DIRS:
        return "dir"
    if arg == "FORMAT":
        return "reader" if o["long"] == "from" else "writer"
    return None


def bash(cmds):
    out = [
        "# bash completion for docnorm (generated from docnorm --help by cli/gen-cli-docs.py)",
        "",
        "_docnorm_formats()",
        "{",
        "    # Names under one heading of 'docnorm formats' (Readers: or Writers:).",
        "    docnorm formats 2>/dev/null | awk -v want=\"$1\" '/^[A-Z]/ { on = ($0 == want) } "
        "on && /^  [a-z]/ { print $1 }'",
        "}",
        "",
        "_docnorm()",
        "{",
        "    local cur prev cmd",
        "    cur=${COMP_WORDS[COMP_CWORD]}",
        "    prev=${COMP_WORDS[COMP_CWORD-1]}",
        "    if [[ $COMP_CWORD -eq 1 ]]; then",
        "        COMPREPLY=($(compgen -W '%s --help --version' -- \"$cur\"))" % " ".join(c["name"] for c in cmds),
        "        return",
        "    fi",
        "    cmd=${COMP_WORDS[1]}",
        "    case \"$cmd\" in",
    ]
    for c in cmds:
        out.append("    %s)" % c["name"])
        cases = {}
        for o in c["options"]:
            kind = value_kind(c, o)
            if kind is None and o["arg"] is None:
                continue
            names = (["-" + o["short"]] if o["short"] else []) + ["--" + o["long"]]
            if isinstance(kind, list):
                action = "COMPREPLY=($(compgen -W '%s' -- \"$cur\"))" % " ".join(kind)
            elif kind == "file":
                action = "COMPREPLY=($(compgen -f -- \"$cur\"))"
            elif kind == "dir":
                action = "COMPREPLY=($(compgen -d -- \"$cur\"))"
            elif kind in ("writer", "reader"):
                action = "COMPREPLY=($(compgen -W \"$(_docnorm_formats %s)\" -- \"$cur\"))" % (
                    "Writers:" if kind == "writer" else "Readers:")
            else:
                action = "COMPREPLY=()"
            cases.setdefault(action, []).extend(names)
        if cases:
            out.append("        case \"$prev\" in")
            for action, names in cases.items():
                out.append("            %s) %s; return ;;" % ("|".join(names), action))
            out.append("        esac")
        words = " ".join(option_words(c) + ["--help"])
        rest = {"file": "COMPREPLY=($(compgen -f -- \"$cur\"))", "dir": "COMPREPLY=($(compgen -d -- \"$cur\"))",
                None: "COMPREPLY=()"}[positional(c)]
        out += [
            "        if [[ $cur == -* ]]; then",
            "            COMPREPLY=($(compgen -W '%s' -- \"$cur\"))" % words,
            "        else",
            "            " + rest,
            "        fi",
            "        ;;",
        ]
    out += ["    esac", "}", "complete -o filenames -F _docnorm docnorm", ""]
    return "\n".join(out)


def zsh_quote(text):
    return text.replace("'", "'\\''").replace("[", "\\[").replace("]", "\\]")


def zsh(cmds):
    out = [
        "#compdef docnorm",
        "# zsh completion for docnorm (generated from docnorm --help by cli/gen-cli-docs.py)",
        "",
        "_docnorm_formats() {",
        "  local -a names",
        "  names=(${(f)\"$(docnorm formats 2>/dev/null | awk -v want=\"$1\" "
        "'/^[A-Z]/ { on = ($0 == want) } on && /^  [a-z]/ { print $1 }')\"})",
        "  _describe -t formats format names",
        "}",
        "",
        "_docnorm() {",
        "  local -a commands",
        "  commands=(",
    ]
    for c in cmds:
        out.append("    '%s:%s'" % (c["name"], zsh_quote(c["line"])))
    out += [
        "  )",
        "  if (( CURRENT == 2 )); then",
        "    _describe -t commands command commands",
        "    return",
        "  fi",
        "  local cmd=$words[2]",
        "  shift words; (( CURRENT-- ))",
        "  case $cmd in",
    ]
    for c in cmds:
        out.append("  %s)" % c["name"])
        out.append("    _arguments -s" + (" \\" if c["options"] or positional(c) else ""))
        for o in c["options"]:
            kind = value_kind(c, o)
            desc = zsh_quote(o["help"])
            action = ""
            if o["arg"] is not None:
                if isinstance(kind, list):
                    action = ":%s:(%s)" % (o["arg"].lower(), " ".join(kind))
                elif kind == "file":
                    action = ":file:_files"
                elif kind == "dir":
                    action = ":folder:_files -/"
                elif kind in ("writer", "reader"):
                    action = ":format:_docnorm_formats %s" % ("Writers:" if kind == "writer" else "Readers:")
                else:
                    action = ":%s: " % o["arg"].lower().replace(":", "\\:")
            eq = "=" if o["arg"] is not None else ""
            if o["short"]:
                out.append("      '(-%s --%s)'{-%s,--%s%s}'[%s]%s' \\" % (
                    o["short"], o["long"], o["short"], o["long"], eq, desc, action))
            else:
                out.append("      '--%s%s[%s]%s' \\" % (o["long"], eq, desc, action))
        specs = out[-len(c["options"]):] if c["options"] else []
        rest = {"file": "'*:input:_files'", "dir": "'1:inbox:_files -/'", None: None}[positional(c)]
        if rest is not None:
            out.append("      " + rest)
        elif specs:
            out[-1] = out[-1][:-2]   # no continuation after the last option
        out.append("    ;;")
    out += ["  esac", "}", "", '_docnorm "$@"', ""]
    return "\n".join(out)


def main():
    docnorm, kind, output = sys.argv[1:4]
    version, cmds = gather(docnorm)
    if not cmds or not any(c["options"] for c in cmds):
        sys.exit("gen-cli-docs.py: no commands or options found in %s --help" % docnorm)
    text = {"man": lambda: man(version, cmds), "bash": lambda: bash(cmds), "zsh": lambda: zsh(cmds)}[kind]()
    with open(output, "w", encoding="utf-8") as f:
        f.write(text)


main()
