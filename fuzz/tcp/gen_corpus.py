#!/usr/bin/env python3
"""Write the seed corpus of fuzz/tcp (the record format is in harness.c)."""
import os, struct

def rec(op, body):
    return bytes([op, len(body)]) + body

def seg(flags, dseq, dack, wnd, opts=b"", payload=b""):
    return rec(0, struct.pack(">BhhHB", flags, dseq, dack, wnd, len(opts)) + opts + payload)

ACK, FIN, RST, SYN, PSH = 0x10, 0x01, 0x04, 0x02, 0x08
TS = bytes([1, 1, 8, 10]) + b"\0\0\x13\x88" + b"\0\0\0\0"
data = bytes(range(200))
seeds = {
    "inorder": bytes([15]) + seg(ACK, 0, 0, 1000, TS, data) + seg(ACK, 200, 0, 1000, TS, data) + rec(1, b"\x01"),
    "ooo_fill": bytes([15]) + seg(ACK, 400, 0, 1000, TS, data) + seg(ACK, 800, 0, 1000, TS, data) + seg(ACK, 0, 0, 1000, TS, data) + seg(ACK, 200, 0, 1000, TS, data),
    "fin": bytes([7]) + seg(ACK | FIN, 0, 0, 1000, b"", data) + rec(4, b"") + seg(ACK, 1, 1, 1000) + rec(1, b"\x05"),
    "rst": bytes([15]) + seg(RST, 5, 0, 0) + seg(SYN, 0, 0, 0) + seg(RST, 0, 0, 0),
    "send_rtx": bytes([1]) + rec(3, b"GET / HTTP/1.1\r\n\r\n") + rec(1, b"\xff") * 6 + seg(ACK, 0, 18, 500),
    "zero_window": bytes([0]) + rec(3, b"abc") + rec(1, b"\xff") * 3 + seg(ACK, 0, 0, 100),
    "limit": bytes([15]) + rec(2, b"\x00\x10") + seg(ACK, 0, 0, 1000, TS, data) + seg(ACK, 200, 0, 1000, TS, data) + rec(2, b"\x10\x00") + rec(1, b"\x01"),
    "badopts": bytes([15]) + seg(ACK, 0, 0, 1000, bytes([2, 0, 8, 40, 5, 10]), data) + rec(6, bytes(20)),
    "sack_many": bytes([15]) + b"".join(seg(ACK, 300 * i + 100, 0, 1000, TS, data[:50]) for i in range(12)),
}
os.makedirs("corpus", exist_ok=True)
for name, blob in seeds.items():
    with open(os.path.join("corpus", name), "wb") as f:
        f.write(blob)
