#!/usr/bin/env python3
"""Hostile TLS servers for tests/tls/hosted_tls.sh, one port each:
  PORT+0 garbage:   answers the ClientHello with bytes that are no record
  PORT+1 stall:     accepts TCP, never answers the handshake
  PORT+2 truncate:  real TLS (Python's ssl over memory BIOs), sends part of
                    the response, then half a record and FIN
  PORT+3 oversize:  real TLS, then a record header announcing 20 KiB
  PORT+4 notify:    real TLS, part of the body, then close_notify mid-body
usage: hostile_tls.py ADDR PORT CERT KEY   (exits after HOSTILE_LIFETIME s)"""
import os, socket, ssl, sys, threading, time

addr, port, cert, key = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.minimum_version = ctx.maximum_version = ssl.TLSVersion.TLSv1_2
ctx.load_cert_chain(cert, key)
BODY = 1 << 20

def handshake(c):
    inc, out = ssl.MemoryBIO(), ssl.MemoryBIO()
    s = ctx.wrap_bio(inc, out, server_side=True)
    c.settimeout(10)
    while True:
        try:
            s.do_handshake()
            break
        except ssl.SSLWantReadError:
            c.sendall(out.read())
            d = c.recv(65536)
            if not d:
                raise EOFError
            inc.write(d)
    c.sendall(out.read())
    req = b''
    while b'\r\n\r\n' not in req:
        try:
            req += s.read(65536)
        except ssl.SSLWantReadError:
            d = c.recv(65536)
            if not d:
                raise EOFError
            inc.write(d)
    return s, out

def head(n):
    return (b'HTTP/1.1 200 OK\r\nContent-Length: %d\r\nAccept-Ranges: bytes\r\n'
            b'Connection: close\r\n\r\n' % n)

def serve(kind, c):
    try:
        if kind == 'garbage':
            c.recv(4096)
            c.sendall(b'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello' * 4)
            time.sleep(1)
        elif kind == 'stall':
            c.recv(4096)
            time.sleep(60)
        else:
            s, out = handshake(c)
            s.write(head(BODY) + b'x' * 100000)
            c.sendall(out.read())
            if kind == 'truncate':
                s.write(b'y' * 5000)
                rec = out.read()
                c.sendall(rec[:len(rec) // 2])
            elif kind == 'oversize':
                c.sendall(b'\x17\x03\x03\x50\x00' + b'z' * 20480)
            elif kind == 'notify':
                try:
                    s.unwrap()
                except ssl.SSLError:
                    pass
                c.sendall(out.read())
            time.sleep(0.5)
    except (OSError, EOFError, ssl.SSLError):
        pass
    finally:
        c.close()

def listener(kind, p):
    l = socket.socket()
    l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    l.bind((addr, p))
    l.listen(16)
    while True:
        c, _ = l.accept()
        threading.Thread(target=serve, args=(kind, c), daemon=True).start()

for i, k in enumerate(['garbage', 'stall', 'truncate', 'oversize', 'notify']):
    threading.Thread(target=listener, args=(k, port + i), daemon=True).start()
time.sleep(int(os.environ.get('HOSTILE_LIFETIME', '600')))
