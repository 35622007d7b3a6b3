"""Pass/fail bookkeeping shared by the Python tests: each check prints one
`ok` or `FAIL` line and is counted; summary() prints the totals and returns
the exit status, finish() exits with it."""
import sys

passed = 0
failed = 0


def check(name, cond, detail=""):
    """Counts and prints one check; returns @cond. @detail is shown on failure."""
    global passed, failed
    if cond:
        passed += 1
        print("ok   %s" % name)
    else:
        failed += 1
        print("FAIL %s %s" % (name, str(detail)[:600]))
    return cond


def summary():
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


def finish():
    sys.exit(summary())
