#!/usr/bin/env python3
"""Every warning code the code base emits is documented in docs/WARNINGS.md.

Scans the C sources of core/, plugins/ and the test reader for the code
argument of every dn_document_add_warning call (a literal or a ternary of
literals) and for `.code =` assignments (the core's WARNINGS_TRUNCATED), and
collects their UPPER_SNAKE string literals.
Usage: check-warning-codes-documented.py SOURCE_ROOT
"""
import pathlib
import re
import sys

root = pathlib.Path(sys.argv[1])
doc = (root / "docs" / "WARNINGS.md").read_text(encoding="utf-8")
documented = set(re.findall(r"^\| `([A-Z][A-Z0-9_]+)` \|", doc, re.M))

dirs = [root / "core", root / "plugins", root / "tests" / "batch" / "plugins"]
literal = re.compile(r'"([A-Z][A-Z0-9_]{3,})"')
call = re.compile(r"\bdn_document_add_warning\s*\(")
assign = re.compile(r"\.code\s*=([^;]*);")


def code_argument(text, start):
    """The second argument of the call whose '(' ends at @start."""
    depth, args, arg, i = 0, [], "", start
    while i < len(text):
        c = text[i]
        if c == '"':  # skip a string literal whole (commas inside)
            j = i + 1
            while text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            arg += text[i:j + 1]
            i = j + 1
            continue
        if c in "([{":
            depth += 1
        elif c in ")]}":
            if depth == 0:
                break
            depth -= 1
        if c == "," and depth == 0:
            args.append(arg)
            arg = ""
        else:
            arg += c
        i += 1
    args.append(arg)
    return args[1] if len(args) > 1 else ""


emitted = {}
for d in dirs:
    for path in sorted(d.rglob("*.c")):
        text = path.read_text(encoding="utf-8")
        # Comments could quote a code that is not emitted.
        text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
        pieces = [code_argument(text, m.end()) for m in call.finditer(text)]
        pieces += [m.group(1) for m in assign.finditer(text)]
        for piece in pieces:
            for code in literal.findall(piece):
                emitted.setdefault(code, str(path.relative_to(root)))

missing = sorted(c for c in emitted if c not in documented)
for code in missing:
    print(f"{code} (emitted in {emitted[code]}) is not in docs/WARNINGS.md")
# The scan must find the codes it is meant to find, or it proves nothing.
for expected in ("WARNINGS_TRUNCATED", "HEADING_WRAP_DUP_CHAR", "FRAGMENT", "DNTEST_WARNING"):
    if expected not in emitted:
        print(f"the scan did not find {expected}: it is broken")
        missing.append(expected)
print(f"{len(emitted)} emitted codes, {len(documented)} documented")
sys.exit(1 if missing else 0)
