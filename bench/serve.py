#!/usr/bin/env python3
"""docnorm serve: requests per second and latency percentiles for a small and
a large document, at 1 and at C clients, against the CLI on the same file
(`docnorm convert FILE` run N times, one after the other and C at once).

  bench/serve.py [BUILD_DIR] [REQUESTS] [CLIENTS]

Starts `docnorm serve -j CLIENTS` on 127.0.0.1 and a free port, and stops it
at the end. The client is Python's http.client in threads: its own cost is
in the numbers (about 0.3 ms a request here), so the ratios favour the CLI
slightly.
"""
import concurrent.futures
import http.client
import os
import re
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "build")
N = int(sys.argv[2]) if len(sys.argv) > 2 else 200
C = int(sys.argv[3]) if len(sys.argv) > 3 else 2
DOCNORM = os.path.join(BUILD, "cli", "docnorm")

DOCS = [("small", "docx/seed-002-wordnum.docx"), ("small", "txt/seed-002.txt"),
        ("large", "pdf/seed-003.pdf"), ("large", "docx/seed-004-wordnum.docx")]


def percentile(values, p):
    values = sorted(values)
    k = (len(values) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def run_parallel(fn, n, clients):
    """(wall seconds, [latency seconds]) of @n calls of @fn, @clients at once."""
    lat = []

    def one(_):
        t = time.perf_counter()
        fn()
        lat.append(time.perf_counter() - t)

    t0 = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(clients) as pool:
        list(pool.map(one, range(n)))
    return time.perf_counter() - t0, lat


def main():
    if not os.access(DOCNORM, os.X_OK):
        sys.exit("bench: no %s (build first)" % DOCNORM)
    proc = subprocess.Popen([DOCNORM, "serve", "--listen", "127.0.0.1:0", "-j", str(C), "--queue", "1000"],
                            stderr=subprocess.PIPE, start_new_session=True)
    try:
        line = proc.stderr.readline().decode()
        port = int(re.search(r"127\.0\.0\.1:(\d+)/", line).group(1))
        print("docnorm serve -j %d, %d requests per row; CLI: the same number of `docnorm convert` runs\n" % (C, N))
        print("| document | size | clients | serve req/s | p50 ms | p90 ms | p99 ms | CLI runs/s | serve / CLI |")
        print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
        for kind, rel in DOCS:
            path = os.path.join(HERE, "samples", rel)
            if not os.path.exists(path):
                continue
            with open(path, "rb") as f:
                data = f.read()
            name = os.path.basename(path)

            def request():
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
                conn.request("PUT", "/convert?name=" + name, body=data)
                r = conn.getresponse()
                r.read()
                conn.close()
                if r.status != 200:
                    raise RuntimeError("status %d" % r.status)

            def cli():
                subprocess.run([DOCNORM, "convert", path], stdout=subprocess.DEVNULL, check=True)

            request()
            for clients in sorted({1, C}):
                wall, lat = run_parallel(request, N, clients)
                cwall, _ = run_parallel(cli, N, clients)
                print("| %s %s | %d KB | %d | %.1f | %.1f | %.1f | %.1f | %.1f | %.2f |" % (
                    kind, name, len(data) // 1024, clients, N / wall, percentile(lat, 50) * 1000,
                    percentile(lat, 90) * 1000, percentile(lat, 99) * 1000, N / cwall, cwall / wall))
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=60)


main()
