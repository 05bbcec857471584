#!/usr/bin/env python3
"""A small HTTP server for what nginx will not do: chunked bodies, HTTP/1.0
bodies that end at close, and malformed, hostile or stalling responses.

usage: hostile_server.py ADDR PORT DIR
Writes DIR/chunked.expect and DIR/http10.expect (the bodies the good cases
must reproduce) and DIR/hostile.ready once listening.  Every connection
handler ends on its own within a bounded time."""
import os
import random
import socket
import socketserver
import sys
import threading
import time

ADDR, PORT, DIR = sys.argv[1], int(sys.argv[2]), sys.argv[3]
rnd = random.Random(5)
CHUNKED_BODY = bytes(rnd.getrandbits(8) for _ in range(300000))
HTTP10_BODY = bytes(rnd.getrandbits(8) for _ in range(200000))
with open(os.path.join(DIR, "chunked.expect"), "wb") as f:
    f.write(CHUNKED_BODY)
with open(os.path.join(DIR, "http10.expect"), "wb") as f:
    f.write(HTTP10_BODY)


def chunked(body):
    out, i, r = [], 0, random.Random(9)
    while i < len(body):
        n = r.choice([1, 7, 100, 1000, 4096, 16384, 65536])
        piece = body[i:i + n]
        ext = b";name=value" if r.random() < 0.2 else b""
        out.append(b"%x%s\r\n%s\r\n" % (len(piece), ext, piece))
        i += n
    out.append(b"0\r\nX-Trailer: yes\r\n\r\n")
    return b"".join(out)


CHUNKED_WIRE = chunked(CHUNKED_BODY)


class H(socketserver.BaseRequestHandler):
    def send(self, data):
        self.request.sendall(data)

    def handle(self):
        s = self.request
        s.settimeout(30)
        req = b""
        while b"\r\n\r\n" not in req and len(req) < 65536:
            d = s.recv(4096)
            if not d:
                return
            req += d
        path = req.split(b" ", 2)[1].decode(errors="replace")
        getattr(self, "p_" + path.strip("/").replace("-", "_"), self.p_404)()

    def p_404(self):
        self.send(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")

    def p_chunked(self):
        self.send(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
        # Dribble it out in odd pieces so framing straddles segments.
        r = random.Random(3)
        i = 0
        while i < len(CHUNKED_WIRE):
            n = r.randint(1, 3000)
            self.send(CHUNKED_WIRE[i:i + n])
            i += n

    def p_http10(self):
        self.send(b"HTTP/1.0 200 OK\r\nServer: old\r\n\r\n" + HTTP10_BODY)

    def p_chunked_bad(self):
        self.send(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nzz\r\n")
        time.sleep(2)

    def p_chunked_huge(self):
        self.send(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + b"f" * 40 + b"\r\n")
        time.sleep(2)

    def p_chunked_tiny(self):
        # 1-byte chunks: 5 bytes of framing per payload byte, for ever.
        self.send(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
        try:
            for _ in range(20000):
                self.send(b"1\r\nx\r\n")
        except OSError:
            pass

    def p_endless_headers(self):
        self.send(b"HTTP/1.1 200 OK\r\n")
        try:
            for i in range(20000):
                self.send(b"X-Filler-%d: %s\r\n" % (i, b"a" * 60))
        except OSError:
            pass

    def p_garbage(self):
        self.send(b"SSH-2.0-OpenSSH_9.2\r\n" + bytes(range(256)) * 4)
        time.sleep(1)

    def p_cl_conflict(self):
        self.send(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 7\r\n\r\nhello")
        time.sleep(1)

    def p_badrange(self):
        self.send(b"HTTP/1.1 206 Partial Content\r\nContent-Range: bytes 5-9/10\r\n"
                  b"Content-Length: 5\r\n\r\nhello")
        time.sleep(1)

    def p_stall(self):
        time.sleep(25)

    def p_stall_body(self):
        self.send(b"HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n" + b"s" * 1000)
        time.sleep(25)

    def p_short(self):
        self.send(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\nConnection: close\r\n\r\n" + b"x" * 5000)

    def p_loop(self):
        self.send(b"HTTP/1.1 302 Found\r\nLocation: /loop\r\nContent-Length: 0\r\n\r\n")

    def p_noloc(self):
        self.send(b"HTTP/1.1 302 Found\r\nContent-Length: 0\r\n\r\n")

    def p_auth(self):
        self.send(b"HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n")

    def p_forbidden(self):
        self.send(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")

    def p_error(self):
        self.send(b"HTTP/1.1 503 Busy\r\nContent-Length: 0\r\n\r\n")

    def p_teapot(self):
        self.send(b"HTTP/1.1 418 Teapot\r\nContent-Length: 0\r\n\r\n")


class S(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


srv = S((ADDR, PORT), H)
open(os.path.join(DIR, "hostile.ready"), "w").close()
threading.Thread(target=srv.serve_forever, daemon=True).start()
time.sleep(float(os.environ.get("HOSTILE_LIFETIME", "600")))
