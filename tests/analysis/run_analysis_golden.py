"""Golden tests for analysis: converts each seed report (samples/txt) with
the real CLI and compares what analysis made of it with a reviewed expected
file:

  {"report": <the record's report member>,
   "sections": [[id, level, label, title, canonical_part], ...],
   "warning_codes": [sorted, unique]}

  run_analysis_golden.py DOCNORM SAMPLES_DIR EXPECTED_DIR [--pattern REGEX] [--update]

Samples are the files in SAMPLES_DIR whose name matches REGEX (default: the
text seeds, seed-NNN.txt); SAMPLE.EXT is compared with EXPECTED_DIR/SAMPLE.json.

Also checks, for every seed:
  - the record validates against schemas/ (dnschema);
  - no two Han characters are separated by a space in the body text analysis
    produced (cover and summary-sheet grids excepted: there a space separates
    columns), nor in the title and abstract;
  - when the report has a TOC, every entry is matched to a section or
    named in a TOC_ENTRY_UNMATCHED warning (front-matter entries such as
    圖目錄 excepted), and every top-level section is listed or named in a
    HEADING_NOT_IN_TOC warning;
  - the other encodings of a seed (seed-001.big5.txt, …) give the same
    report and section tree as the UTF-8 file.
--update rewrites the expected files; read the diff before committing.
"""
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
import dnschema  # noqa: E402

HAN = r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"
HAN_SPACE_HAN = re.compile(HAN + r" " + HAN)
FRONT_MATTER_TITLES = {"圖目錄", "表目錄", "摘要", "目錄", "目次", "圖次", "表次"}


def convert(docnorm, path):
    p = subprocess.run([docnorm, "convert", path], capture_output=True, timeout=120)
    if p.returncode != 0:
        raise AssertionError("%s: exit %d: %s" % (path, p.returncode, p.stderr.decode(errors="replace")))
    if p.stderr:
        raise AssertionError("%s: printed on stderr: %s" % (path, p.stderr.decode(errors="replace")))
    return json.loads(p.stdout)


def sections(node, out):
    if node.get("type") == "section" and "id" in node:
        out.append([node["id"], node.get("level"), node.get("label"), node.get("title"),
                    node.get("canonical_part")])
    for c in node.get("children", []):
        sections(c, out)
    return out


def body_texts(node, skip=False):
    """Texts outside the cover and summary-sheet grids."""
    if node.get("type") == "section" and node.get("canonical_part") in ("cover", "summary_sheet"):
        skip = True
    if not skip and "text" in node and node.get("type") != "furniture":
        yield node["text"]
    for c in node.get("children", []):
        yield from body_texts(c, skip)


def summary(record):
    return {
        "report": record["report"],
        "sections": sections(record["body"], []),
        "warning_codes": sorted({w["code"] for w in record["warnings"]}),
    }


def check_invariants(name, record):
    problems = []
    texts = list(body_texts(record["body"]))
    rep = record["report"]
    if rep.get("title"):
        texts.append(rep["title"])
    if rep.get("abstract"):
        texts.extend(rep["abstract"]["paragraphs"])
    for t in texts:
        m = HAN_SPACE_HAN.search(t)
        if m:
            problems.append("Han–space–Han %r in %r" % (m.group(0), t[:60]))
    toc = rep.get("toc")
    if toc:
        # Every entry is matched to a section or warned for, with its title
        # in the warning; unlabelled entries that name front matter (圖目錄,
        # 摘要 …) need neither.
        unmatched = [w["message"] for w in record["warnings"] if w["code"] == "TOC_ENTRY_UNMATCHED"]
        not_in_toc = [w["message"] for w in record["warnings"] if w["code"] == "HEADING_NOT_IN_TOC"]
        for e in toc["entries"]:
            if e.get("section_id") is not None:
                continue
            if e["label"] is None and re.sub(r"\s", "", e["title"]) in FRONT_MATTER_TITLES:
                continue
            if not any(("'%s%s'" % (e["label"] or "", e["title"])) in m for m in unmatched):
                problems.append("TOC entry %r has no section and no TOC_ENTRY_UNMATCHED warning" % e["raw"])
        listed = {e.get("section_id") for e in toc["entries"]}
        for s in sections(record["body"], []):
            if s[1] == 1 and s[0] not in listed and not any(("'%s%s'" % (s[2], s[3])) in m for m in not_in_toc):
                problems.append("top-level section %s %s%s neither in the TOC nor warned for" % (s[0], s[2], s[3]))
    for p in problems:
        print("FAIL %s: %s" % (name, p))
    return len(problems)


def main(argv):
    update = "--update" in argv
    argv = [a for a in argv if a != "--update"]
    pattern = r"seed-\d+\.txt"
    if "--pattern" in argv:
        i = argv.index("--pattern")
        pattern = argv[i + 1]
        del argv[i:i + 2]
    docnorm, samples, expected = argv[1:4]
    names = sorted(n for n in os.listdir(samples) if re.fullmatch(pattern, n))
    if not names:
        print("no seed samples in %s" % samples)
        return 1
    failed = 0
    for name in names:
        record = convert(docnorm, os.path.join(samples, name))
        try:
            dnschema.validate_record(record, name)
        except AssertionError as e:
            print("FAIL %s" % e)
            failed += 1
            continue
        failed += check_invariants(name, record)
        got = summary(record)
        stem = os.path.splitext(name)[0]
        exp_path = os.path.join(expected, stem + ".json")
        text = json.dumps(got, ensure_ascii=False, indent=1) + "\n"
        if update:
            with open(exp_path, "w", encoding="utf-8") as f:
                f.write(text)
            print("updated %s" % exp_path)
        else:
            with open(exp_path, encoding="utf-8") as f:
                want = json.load(f)
            if want != got:
                failed += 1
                for key in ("report", "sections", "warning_codes"):
                    if want.get(key) != got.get(key):
                        print("FAIL %s: %s differs from %s" % (name, key, exp_path))
                        if key == "report":
                            for k in sorted(set(want[key]) | set(got[key])):
                                if want[key].get(k) != got[key].get(k):
                                    print("  report.%s:\n    want %s\n    got  %s" % (
                                        k, json.dumps(want[key].get(k), ensure_ascii=False)[:300],
                                        json.dumps(got[key].get(k), ensure_ascii=False)[:300]))
                        else:
                            print("  want %s\n  got  %s" % (
                                json.dumps(want.get(key), ensure_ascii=False)[:600],
                                json.dumps(got.get(key), ensure_ascii=False)[:600]))
            else:
                print("ok %s" % name)
        # Other encodings of the same seed must analyse the same.
        for other in sorted(os.listdir(samples)):
            if other.startswith(stem + ".") and other != name:
                o = summary(convert(docnorm, os.path.join(samples, other)))
                if o["report"] != got["report"] or o["sections"] != got["sections"]:
                    print("FAIL %s: report or sections differ from %s" % (other, name))
                    failed += 1
                else:
                    print("ok %s (same as %s)" % (other, name))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
