"""Helpers the serve and watch tests share: a docnorm serve started on a free
loopback port (port 0, read back from its first line) and always killed,
HTTP requests with a time limit, and /proc checks for leaks."""
import http.client
import json
import os
import re
import signal
import subprocess
import sys
import time
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "batch"))
from batchlib import check, dnschema, env_with, finish  # noqa: E402,F401

REQUEST_TIMEOUT = 60

# libsoup 3.2 leaks each accepted GSocket (tests/fuzz/lsan.supp names it by
# g_socket_accept); Debian's GLib has no frame pointers, so the suppression
# only matches with the slow unwinder. For the server of these tests only.
SERVER_ENV = {}
if os.environ.get("DN_TEST_SANITIZED"):
    SERVER_ENV["ASAN_OPTIONS"] = os.environ.get("ASAN_OPTIONS", "") + ":fast_unwind_on_malloc=0"


class Server:
    """`with Server(docnorm, [...]) as s:` starts docnorm serve on 127.0.0.1
    and a free port; leaving the block kills it (and its process group)
    whatever happened."""

    def __init__(self, docnorm, args=(), plugin_dir=None, startup=30):
        self.argv = [docnorm, "serve", "--listen", "127.0.0.1:0"] + list(args)
        self.plugin_dir = plugin_dir
        self.startup = startup
        self.proc = None
        self.port = None
        self.stderr_lines = []

    def __enter__(self):
        self.proc = subprocess.Popen(self.argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                     env=env_with(self.plugin_dir, **SERVER_ENV), start_new_session=True)
        deadline = time.monotonic() + self.startup
        while time.monotonic() < deadline:
            line = self.proc.stderr.readline().decode("utf-8", "replace")
            if line == "":
                break
            self.stderr_lines.append(line)
            m = re.search(r"listening on http://127\.0\.0\.1:(\d+)/", line)
            if m:
                self.port = int(m.group(1))
                return self
        self.kill()
        raise RuntimeError("docnorm serve did not start: %r" % self.stderr_lines)

    def __exit__(self, *exc):
        self.kill()
        return False

    def kill(self):
        if self.proc is not None and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        if self.proc is not None:
            self.proc.wait(timeout=30)
            self.proc.stderr.close()

    def wait(self, timeout):
        """Exit status, or None if still running after @timeout seconds."""
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def request(self, method, path, body=None, headers=None, timeout=REQUEST_TIMEOUT, chunked=False):
        """(status, headers dict with lower-case names, body bytes)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            if chunked:
                conn.putrequest(method, path)
                for k, v in (headers or {}).items():
                    conn.putheader(k, v)
                conn.putheader("Transfer-Encoding", "chunked")
                conn.endheaders()
                step = 65536
                for i in range(0, len(body), step):
                    piece = body[i:i + step]
                    conn.send(b"%x\r\n" % len(piece) + piece + b"\r\n")
                conn.send(b"0\r\n\r\n")
            else:
                conn.request(method, path, body=body, headers=headers or {})
            r = conn.getresponse()
            data = r.read()
            return r.status, {k.lower(): v for k, v in r.getheaders()}, data
        finally:
            conn.close()

    def convert(self, data, query="", headers=None, **kw):
        return self.request("PUT", "/convert" + query, data, headers, **kw)

    def json(self, path, **kw):
        status, _, body = self.request("GET", path, **kw)
        return status, json.loads(body)

    def children(self):
        """PIDs whose parent is the server."""
        return children_of(self.proc.pid)

    def fds(self):
        return len(os.listdir("/proc/%d/fd" % self.proc.pid))


def children_of(pid):
    found = []
    for p in os.listdir("/proc"):
        if not p.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % p, "rb") as f:
                fields = f.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != b"Z":
            found.append(int(p))
    return found


def multipart(filename, data, field="file", extra=()):
    """(body, content type) of a multipart/form-data form with one file part
    and @extra (name, value) text fields before it."""
    boundary = "dn-" + uuid.uuid4().hex
    out = bytearray()
    for name, value in extra:
        out += ("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n"
                % (boundary, name, value)).encode()
    out += ("--%s\r\nContent-Disposition: form-data; name=\"%s\"; filename=\"%s\"\r\n"
            "Content-Type: application/octet-stream\r\n\r\n" % (boundary, field, filename)).encode()
    out += data + b"\r\n"
    out += ("--%s--\r\n" % boundary).encode()
    return bytes(out), "multipart/form-data; boundary=" + boundary


def error_of(body):
    """(code, message) of a JSON error body, or (None, body) if it is not one."""
    try:
        e = json.loads(body)["error"]
        return e["code"], e["message"]
    except (ValueError, KeyError, TypeError):
        return None, body[:200]


def wait_until(cond, timeout, step=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return True
        time.sleep(step)
    return cond()
