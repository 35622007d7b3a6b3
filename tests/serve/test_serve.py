"""docnorm serve against the real server on 127.0.0.1 and a free port: every
sample format by PUT and by multipart, each Accept type, ?to= ?raw= ?hints=,
every error status, a hanging and a crashing plugin, a full queue, the
token, drain on SIGTERM, and a bounded load test with no failure and no
leaked process or descriptor.

  test_serve.py DOCNORM SAMPLES_DIR TEST_PLUGIN_DIR BAD_DATA_DIR
"""
import concurrent.futures
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

from servelib import Server, check, children_of, dnschema, env_with, error_of, finish, multipart, wait_until

DOCNORM = os.path.abspath(sys.argv[1])
SAMPLES = sys.argv[2]
PLUGINS = sys.argv[3]
BAD = sys.argv[4]

SAMPLE = {
    "txt": "txt/seed-000.txt",
    "pdf": "pdf/feature-report.pdf",
    "docx": "docx/seed-000-wordnum.docx",
    "odt": "odt/features.odt",
    "html": "html/report-000.html",
}


def cli(path, *args):
    """The record `docnorm convert` writes for @path (as bytes)."""
    r = subprocess.run([DOCNORM, "convert", path] + list(args), capture_output=True,
                       env=env_with(PLUGINS), timeout=120)
    assert r.returncode == 0, r.stderr
    return r.stdout


def read(path):
    with open(path, "rb") as f:
        return f.read()


def test_formats_and_writers(s):
    status, formats = s.json("/formats")
    check("GET /formats", status == 200 and any(r["name"] == "txt" for r in formats["readers"])
          and any(w["name"] == "json" for w in formats["writers"]), formats)
    readers = {r["name"] for r in formats["readers"]}
    for fmt, rel in SAMPLE.items():
        if fmt not in readers:
            print("skip %s: reader not built" % fmt)
            continue
        path = os.path.join(SAMPLES, rel)
        name = os.path.basename(path)
        want = cli(path)
        status, headers, body = s.convert(read(path), "?name=" + name)
        check("%s by PUT: 200 and the CLI's record" % fmt, status == 200 and body == want,
              (status, body[:200]))
        check("%s by PUT: application/json" % fmt, headers.get("content-type") == "application/json", headers)
        check("%s by PUT: X-Docnorm-Status" % fmt,
              headers.get("x-docnorm-status") == dnschema.status_of(json.loads(want))
              and int(headers.get("x-docnorm-warnings", "-1")) == len(json.loads(want)["warnings"]), headers)
        form, ctype = multipart(name, read(path))
        status, _, body = s.request("POST", "/convert", form, {"Content-Type": ctype})
        check("%s by multipart POST: the CLI's record" % fmt, status == 200 and body == want, (status, body[:200]))

    # Each Accept type gives the writer's output, as the CLI's -t does.
    path = os.path.join(SAMPLES, SAMPLE["txt"])
    data = read(path)
    q = "?name=" + os.path.basename(path)
    for accept, writer, ctype in (("application/json", "json", "application/json"),
                                  ("application/xml", "xml", "application/xml"),
                                  ("text/xml", "xml", "application/xml"),
                                  ("text/markdown", "markdown", "text/markdown; charset=utf-8"),
                                  ("text/html", "review", "text/html; charset=utf-8"),
                                  ("text/plain;q=0.1, text/markdown;q=0.9", "markdown", "text/markdown; charset=utf-8"),
                                  ("*/*", "json", "application/json")):
        status, headers, body = s.convert(data, q, {"Accept": accept})
        check("Accept: %s gives %s" % (accept, writer),
              status == 200 and body == cli(path, "-t", writer) and headers.get("content-type") == ctype,
              (status, headers.get("content-type"), body[:100]))
    status, _, body = s.convert(data, q + "&to=xml", {"Accept": "application/json"})
    check("?to=xml wins over Accept", status == 200 and body == cli(path, "-t", "xml"), (status, body[:100]))
    status, _, body = s.convert(data, q + "&raw=1")
    check("?raw=1 is convert --raw", status == 200 and body == cli(path, "--raw")
          and json.loads(body)["report"] is None, (status, body[:100]))
    status, _, body = s.convert(data, q + "&hints=1")
    check("?hints=1 is convert --hints", status == 200 and body == cli(path, "--hints"), (status, body[:100]))
    status, _, body = s.convert(data, q + "&pretty=1&hints=0")
    check("?pretty=1 is convert --pretty", status == 200 and body == cli(path, "--pretty"), (status, body[:100]))
    status, _, body = s.convert(data)
    check("no name: recorded as 'upload'", status == 200 and json.loads(body)["source"]["file_name"] == "upload",
          body[:200])
    status, _, body = s.convert(data, headers={"Content-Disposition": 'attachment; filename="../../x/r.txt"'})
    check("Content-Disposition names the file, without its folders",
          status == 200 and json.loads(body)["source"]["file_name"] == "r.txt", body[:200])

    status, ver = s.json("/version")
    check("GET /version", status == 200 and ver["schema_version"] == json.loads(body)["schema_version"]
          and ver["docnorm"] in subprocess.run([DOCNORM, "--version"], capture_output=True).stdout.decode(), ver)
    status, health = s.json("/health")
    check("GET /health", status == 200 and health["status"] == "ready" and health["workers"] == 2
          and health["busy"] == 0 and health["queued"] == 0, health)


def test_errors(s, formats):
    def expect(name, result, status, code):
        st, headers, body = result
        got = error_of(body)
        check("%s: %d %s" % (name, status, code), st == status and got[0] == code
              and headers.get("content-type") == "application/json", (st, got))
        return got

    expect("unknown format", s.convert(b"\x00\x01\x02\x03 binary junk \xff\xfe" * 50), 415, "unknown_format")
    expect("corrupt", s.convert(b"DNTEST-CORRUPT"), 422, "corrupt")
    expect("undecodable", s.convert(b"DNTEST-OK \xff\xfe\xfd"), 422, "encoding")
    expect("encrypted test input", s.convert(b"DNTEST-ENCRYPTED"), 423, "encrypted")
    if "pdf" in formats:
        pdf = read(os.path.join(BAD, "encrypted-aes256.pdf"))
        expect("encrypted PDF without a password", s.convert(pdf), 423, "encrypted")
        _, msg = expect("encrypted PDF, wrong password", s.convert(pdf, headers={"X-Docnorm-Password": "nope"}),
                        423, "encrypted")
        check("wrong password says so", "wrong password" in msg, msg)
        st, _, body = s.convert(pdf, "?name=e.pdf", {"X-Docnorm-Password": "secret"})
        check("encrypted PDF with its password: 200", st == 200 and
              "Hello encrypted docnorm" in body.decode("utf-8", "replace"), (st, body[:200]))
    expect("a plugin that hangs", s.convert(b"DNTEST-HANG"), 504, "timeout")
    _, msg = expect("a plugin that crashes", s.convert(b"DNTEST-CRASH"), 500, "failed")
    check("the crash is named", "SIGSEGV" in msg, msg)
    expect("a plugin that exits", s.convert(b"DNTEST-EXIT"), 500, "failed")
    st, _, body = s.convert(b"DNTEST-OK still serving")
    check("after the hang and the crash the server still converts", st == 200, (st, body[:200]))

    big = b"DNTEST-OK " + b"x" * (1024 * 1024 + 10)
    expect("oversized upload (Content-Length)", s.convert(big), 413, "limit")
    expect("oversized upload (chunked)", s.convert(big, chunked=True), 413, "limit")
    st, _, _ = s.convert(b"DNTEST-OK small and chunked", chunked=True)
    check("a chunked upload under the limit converts", st == 200, st)
    expect("empty body", s.convert(b""), 400, "usage")
    expect("unknown writer", s.convert(b"DNTEST-OK", "?to=nosuch"), 400, "usage")
    expect("unknown reader", s.convert(b"DNTEST-OK", "?from=nosuch"), 400, "usage")
    expect("unknown parameter", s.convert(b"DNTEST-OK", "?colour=red"), 400, "usage")
    expect("bad flag", s.convert(b"DNTEST-OK", "?raw=maybe"), 400, "usage")
    expect("unacceptable Accept", s.convert(b"DNTEST-OK", headers={"Accept": "image/png"}), 406, "usage")
    expect("multipart without parts", s.request("POST", "/convert", b"--x--\r\n",
                                                {"Content-Type": "multipart/form-data; boundary=x"}), 400, "usage")
    expect("GET /convert", s.request("GET", "/convert"), 405, "usage")
    expect("POST /health", s.request("POST", "/health", b"x"), 405, "usage")
    expect("unknown path", s.request("GET", "/nothing-here"), 404, "not_found")

    st, _, text = s.request("GET", "/metrics")
    text = text.decode()
    check("GET /metrics is Prometheus text", st == 200 and "# TYPE docnorm_conversion_duration_seconds histogram" in text
          and 'docnorm_documents_failed_total{code="timeout"} 1' in text
          and 'docnorm_documents_failed_total{code="corrupt"} 1' in text
          and "docnorm_queue_length 0" in text
          and 'docnorm_http_responses_total{code="413"} 2' in text, text[-1500:])
    inf = [l for l in text.splitlines() if l.startswith('docnorm_conversion_duration_seconds_bucket{le="+Inf"}')]
    count = [l for l in text.splitlines() if l.startswith("docnorm_conversion_duration_seconds_count")]
    check("histogram +Inf equals the count", inf and count and inf[0].split()[-1] == count[0].split()[-1],
          (inf, count))


def test_queue_full():
    with Server(DOCNORM, ["-j", "1", "--queue", "1", "--timeout", "30"], PLUGINS) as s:
        pool = concurrent.futures.ThreadPoolExecutor(4)
        slow = [pool.submit(s.convert, b"DNTEST-SLOW 2500") for _ in range(2)]
        check("one running and one waiting",
              wait_until(lambda: s.json("/health")[1]["busy"] == 1 and s.json("/health")[1]["queued"] == 1, 20))
        st, headers, body = s.convert(b"DNTEST-OK third")
        check("queue full: 429 queue_full with Retry-After",
              st == 429 and error_of(body)[0] == "queue_full" and headers.get("retry-after") == "1", (st, body))
        check("the two admitted ones convert", all(f.result(timeout=60)[0] == 200 for f in slow))
        st, _, _ = s.convert(b"DNTEST-OK after")
        check("once the queue drains, requests are taken again", st == 200, st)
        pool.shutdown()


def test_token():
    with tempfile.TemporaryDirectory() as tmp:
        tf = os.path.join(tmp, "token")
        with open(tf, "w") as f:
            f.write("s3cret-token\n")
        with Server(DOCNORM, ["--token-file", tf], PLUGINS) as s:
            st, headers, body = s.convert(b"DNTEST-OK")
            check("no token: 401 with WWW-Authenticate", st == 401 and error_of(body)[0] == "unauthorized"
                  and headers.get("www-authenticate", "").startswith("Bearer"), (st, body))
            st, _, _ = s.convert(b"DNTEST-OK", headers={"Authorization": "Bearer s3cret-tokex"})
            check("wrong token: 401", st == 401, st)
            st, _, _ = s.request("GET", "/metrics", headers={"Authorization": "Bearer s3cret"})
            check("a prefix of the token: 401", st == 401, st)
            st, _, _ = s.convert(b"DNTEST-OK", headers={"Authorization": "Bearer s3cret-token"})
            check("right token: 200", st == 200, st)
            st, _, _ = s.request("GET", "/health")
            check("/health needs no token", st == 200, st)
        r = subprocess.run([DOCNORM, "serve", "--listen", "0.0.0.0:0"], capture_output=True, timeout=30,
                           env=env_with(PLUGINS))
        check("non-loopback address without a token: refused, exit 2",
              r.returncode == 2 and b"without --token-file" in r.stderr, (r.returncode, r.stderr))
        empty = os.path.join(tmp, "empty")
        open(empty, "w").close()
        r = subprocess.run([DOCNORM, "serve", "--listen", "127.0.0.1:0", "--token-file", empty],
                           capture_output=True, timeout=30, env=env_with(PLUGINS))
        check("empty token file: refused", r.returncode == 2 and empty.encode() in r.stderr, r.stderr)
        r = subprocess.run([DOCNORM, "serve", "--listen", "example.org:80"], capture_output=True, timeout=30,
                           env=env_with(PLUGINS))
        check("a host name to listen on: refused", r.returncode == 2 and b"numeric" in r.stderr, r.stderr)


def test_drain():
    with Server(DOCNORM, ["-j", "2"], PLUGINS) as s:
        pool = concurrent.futures.ThreadPoolExecutor(2)
        running = pool.submit(s.convert, b"DNTEST-SLOW 2000")
        check("a conversion is running", wait_until(lambda: s.json("/health")[1]["busy"] == 1, 20))
        spool = [p for p in os.listdir(tempfile.gettempdir()) if p.startswith("docnorm-serve-")]
        s.proc.send_signal(signal.SIGTERM)
        check("draining: /health says so with 503",
              wait_until(lambda: s.json("/health") == (503, s.json("/health")[1])
                         and s.json("/health")[1]["status"] == "draining", 10))
        st, _, body = s.convert(b"DNTEST-OK late")
        check("draining: a new conversion gets 503 shutting_down",
              st == 503 and error_of(body)[0] == "shutting_down", (st, body))
        st, _, body = running.result(timeout=60)
        check("draining: the running one is answered", st == 200 and b"DNTEST-SLOW" in body, (st, body[:100]))
        check("then the server exits 0", s.wait(30) == 0,
              (s.proc.returncode, s.proc.stderr.read().decode("utf-8", "replace")[-3000:]))
        left = [p for p in os.listdir(tempfile.gettempdir()) if p.startswith("docnorm-serve-")]
        check("its spool folder is gone", len(left) < len(spool) or not left, (spool, left))
        pool.shutdown()


def test_load(s):
    """500 requests, 8 at a time (100 under the sanitizers, where each fork
    copies terabytes of shadow mappings' page tables and every malloc of the
    server unwinds slowly, SERVER_ENV): every one answered
    200, then no child process and no descriptor more than before."""
    n = 100 if os.environ.get("DN_TEST_SANITIZED") else 500
    data = read(os.path.join(SAMPLES, SAMPLE["txt"]))
    s.convert(data)   # warm up
    wait_until(lambda: not s.children(), 10)
    fds_before = s.fds()
    statuses = {}
    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        futures = [pool.submit(s.convert, data if i % 5 else b"DNTEST-OK %d" % i, "", None, timeout=60)
                   for i in range(n)]
        for f in futures:
            try:
                st = f.result(timeout=120)[0]
            except Exception as e:  # noqa: BLE001 — any failure counts
                st = repr(e)
            statuses[st] = statuses.get(st, 0) + 1
    print("load: %d requests in %.1f s" % (n, time.monotonic() - started))
    check("load: %d requests at 8 concurrent, all 200" % n, statuses == {200: n}, statuses)
    check("load: no child process left", wait_until(lambda: not s.children(), 10), s.children())
    check("load: no descriptor leaked", wait_until(lambda: s.fds() <= fds_before, 10), (fds_before, s.fds()))
    st, metrics = s.request("GET", "/metrics")[0], s.request("GET", "/metrics")[2].decode()
    done = sum(int(l.split()[-1]) for l in metrics.splitlines()
               if l.startswith("docnorm_documents_converted_total"))
    check("load: /metrics counted every conversion", done >= n, done)
    labels = {l.split("{")[1].split("}")[0] for l in metrics.splitlines()
              if l.startswith("docnorm_documents_converted_total{")}
    check("/metrics: converted counted by status ok, notice, review",
          labels == {'status="ok"', 'status="notice"', 'status="review"'}, labels)


def main():
    with Server(DOCNORM, ["-j", "2", "--timeout", "3", "--max-upload-mb", "1"], PLUGINS) as s:
        formats = {r["name"] for r in s.json("/formats")[1]["readers"]}
        test_formats_and_writers(s)
        test_errors(s, formats)
        server_pid = s.proc.pid
    check("the killed server left no child", wait_until(lambda: not children_of(server_pid), 10))
    test_queue_full()
    test_token()
    test_drain()
    with Server(DOCNORM, ["-j", "4"], PLUGINS) as s:
        test_load(s)
    r = subprocess.run([DOCNORM, "serve", "stray"], capture_output=True, timeout=30)
    check("serve takes no arguments: exit 2", r.returncode == 2, r.returncode)
    finish()


main()
