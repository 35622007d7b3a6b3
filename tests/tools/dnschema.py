"""Validates docnorm records against schemas/ with a real JSON Schema validator.

Used by the golden, CLI and format tests: every record a test produces goes
through validate_record().
"""
import json
import os
import sys

import jsonschema

SCHEMA_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "schemas")
RECORD_SCHEMA = "docnorm-record-v1.schema.json"


def _load_schemas():
    store = {}
    for name in os.listdir(SCHEMA_DIR):
        if name.endswith(".schema.json"):
            with open(os.path.join(SCHEMA_DIR, name), encoding="utf-8") as f:
                schema = json.load(f)
            store[schema["$id"]] = schema
    return store


_STORE = _load_schemas()
_ROOT = next(s for s in _STORE.values() if s["$id"].endswith("/" + RECORD_SCHEMA))
jsonschema.Draft202012Validator.check_schema(_ROOT)


def _validator():
    try:  # jsonschema >= 4.18
        from referencing import Registry, Resource
        registry = Registry().with_resources(
            (uri, Resource.from_contents(s)) for uri, s in _STORE.items())
        return jsonschema.Draft202012Validator(_ROOT, registry=registry)
    except ImportError:  # Debian 12's jsonschema 4.10
        resolver = jsonschema.RefResolver.from_schema(_ROOT, store=_STORE)
        return jsonschema.Draft202012Validator(_ROOT, resolver=resolver)


_VALIDATOR = _validator()


def validation_errors(record):
    """Returns a list of human-readable schema violations (empty when valid)."""
    return ["%s: %s" % ("/".join(str(p) for p in e.absolute_path) or "(root)", e.message)
            for e in sorted(_VALIDATOR.iter_errors(record), key=lambda e: list(e.absolute_path))]


def validate_record(record, what="record"):
    errors = validation_errors(record)
    if errors:
        raise AssertionError("%s does not match the schema:\n  %s" % (what, "\n  ".join(errors[:20])))


if __name__ == "__main__":
    status = 0
    for path in sys.argv[1:]:
        with open(path, encoding="utf-8") as f:
            errs = validation_errors(json.load(f))
        for e in errs:
            print("%s: %s" % (path, e))
        status |= bool(errs)
    sys.exit(status)


# The statuses of a converted input (batch manifest, watch, X-Docnorm-Status).
CONVERTED = ("ok", "notice", "review")


def status_of(record):
    """The status a record's warnings give it: review with a warning, notice
    with a notice, else ok (docs/WARNINGS.md)."""
    severities = {w.get("severity") for w in record.get("warnings", [])}
    return "review" if "warning" in severities else "notice" if "notice" in severities else "ok"
