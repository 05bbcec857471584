#!/usr/bin/env python3
"""Seed corpora of fuzz/ip6 and fuzz/nd, including the shapes of the
published PixieFail inputs (CVE-2023-45229..45237): zero-length and
oversized options, truncated headers and options, overlapping fragments,
a fragment whose reassembled chain holds another fragment header.
Run from anywhere; rewrites fuzz/ip6/corpus and fuzz/nd/corpus."""
import os
import struct

here = os.path.dirname(os.path.abspath(__file__))
PEER = bytes.fromhex('fe80000000000000505400fffe000002')
SELF = bytes.fromhex('fe800000000000000000000000000001')
ALLN = bytes.fromhex('ff020000000000000000000000000001')
SOL = bytes.fromhex('ff0200000000000000000001ff000001')
MAC = bytes.fromhex('525400000002')
UDP, FRAG, ICMP, DST, HOP, RT, NONE = 17, 44, 58, 60, 0, 43, 59


def ip6(nxt, body, src=PEER, dst=SELF, hl=64, plen=None):
    plen = len(body) if plen is None else plen
    return struct.pack('>IHBB', 0x60000000, plen, nxt, hl) + src + dst + body


def rec(pkt, flags=0):
    return bytes([flags]) + struct.pack('>H', len(pkt)) + pkt


def frag(nxt, off, more, ident, data):
    return bytes([nxt, 0]) + struct.pack('>HI', off | more, ident) + data


def opts(nxt, body):
    body += b'\0' * (-(len(body) + 2) % 8)
    return bytes([nxt, (len(body) + 2) // 8 - 1]) + body


udp = struct.pack('>HHHH', 1000, 2000, 16, 0) + b'payload!'
echo = bytes([128, 0, 0, 0, 0x12, 0x34, 0, 1]) + b'ping'
data = bytes(range(64))

ip6_seeds = {
    'udp': rec(ip6(UDP, udp)),
    'echo': rec(ip6(ICMP, echo), 2),
    'echo-multicast': rec(ip6(ICMP, echo, dst=ALLN), 2),
    'padding': rec(ip6(UDP, udp) + b'\0' * 6),
    'hbh-udp': rec(ip6(HOP, opts(UDP, b'\x01\x02\0\0') + udp)),
    'hbh-not-first': rec(ip6(DST, opts(HOP, b'') + opts(UDP, b'') + udp)),
    'opt-skip': rec(ip6(DST, opts(UDP, b'\x1e\x02ab') + udp)),
    'opt-discard': rec(ip6(DST, opts(UDP, b'\x5e\x02ab') + udp)),
    'opt-report': rec(ip6(DST, opts(UDP, b'\x9e\x02ab') + udp, dst=ALLN)),
    'opt-report-unicast': rec(ip6(DST, opts(UDP, b'\xde\x02ab') + udp)),
    'opt-jumbo': rec(ip6(HOP, opts(UDP, b'\xc2\x04\0\0\0\x30') + udp)),
    'opt-zero-length': rec(ip6(DST, bytes([UDP, 0, 1, 0, 1, 0, 1, 0]) + udp)),
    'opt-oversized': rec(ip6(DST, bytes([UDP, 0, 1, 0xff, 0, 0, 0, 0]) + udp)),
    'opt-truncated': rec(ip6(DST, bytes([UDP, 0, 0, 0, 0, 0, 0, 0x1e]) + udp)),
    'hdr-truncated': rec(ip6(DST, bytes([UDP, 4, 1, 2, 0, 0]))),
    'hdr-len-oversized': rec(ip6(HOP, bytes([UDP, 0xff, 1, 4, 0, 0, 0, 0]) + udp)),
    'payload-oversized': rec(ip6(UDP, udp, plen=4000)),
    'routing-segleft': rec(ip6(RT, bytes([UDP, 2, 0, 1]) + b'\0' * 4 + SELF + udp)),
    'routing-done': rec(ip6(RT, bytes([UDP, 0, 4, 0]) + b'\0' * 4 + udp)),
    'no-next': rec(ip6(DST, opts(NONE, b'') + b'junk')),
    'atomic-frag': rec(ip6(FRAG, frag(UDP, 0, 0, 1, udp))),
    'frag-in-order': rec(ip6(FRAG, frag(UDP, 0, 1, 2, data[:32])), 0) +
                     rec(ip6(FRAG, frag(UDP, 32, 0, 2, data[32:])), 0),
    'frag-reverse': rec(ip6(FRAG, frag(UDP, 32, 0, 3, data[32:]))) +
                    rec(ip6(FRAG, frag(UDP, 0, 1, 3, data[:32]))),
    'frag-overlap': rec(ip6(FRAG, frag(UDP, 0, 1, 4, data[:32]))) +
                    rec(ip6(FRAG, frag(UDP, 24, 0, 4, data[24:]))),
    'frag-duplicate': rec(ip6(FRAG, frag(UDP, 0, 1, 5, data[:32]))) * 2 +
                      rec(ip6(FRAG, frag(UDP, 32, 0, 5, data[32:]))),
    'frag-timeout': rec(ip6(FRAG, frag(UDP, 0, 1, 6, data[:32]))) +
                    rec(ip6(FRAG, frag(UDP, 32, 0, 6, data[32:])), 0xf0) * 2,
    'frag-odd-length': rec(ip6(FRAG, frag(UDP, 0, 1, 7, data[:30]))),
    'frag-past-65535': rec(ip6(FRAG, frag(UDP, 0xfff8, 0, 8, data[:16]))),
    'frag-no-chain': rec(ip6(FRAG, frag(DST, 0, 1, 9, bytes([UDP, 2]) + b'\0' * 6))),
    'frag-of-frag-chain':
        rec(ip6(FRAG, frag(FRAG, 0, 1, 10, frag(UDP, 8, 1, 11, data[:8])))) +
        rec(ip6(FRAG, frag(FRAG, 16, 0, 10, data[8:16]))),
    'frag-echo':
        rec(ip6(FRAG, frag(ICMP, 0, 1, 12, echo + data[:12]))) +
        rec(ip6(FRAG, frag(ICMP, 24, 0, 12, data[12:20]))),
    'frag-many-holes': b''.join(rec(ip6(FRAG, frag(UDP, 16 * i + 8, 1, 13, data[:8])))
                                for i in range(12)),
}

# fuzz/nd records carry the ICMPv6 message only.  flags: 0-1 source
# (peer, peer2, ::, global), 2-3 destination (us, all-nodes,
# solicited-node, peer), 4 keep checksum, 5 resolve the first 16 bytes,
# 6-7 time steps.
def nd(msg, flags=0):
    return bytes([flags]) + struct.pack('>H', len(msg)) + msg


def opt(t, body):
    return bytes([t, (len(body) + 2 + 7) // 8]) + body + b'\0' * (-(len(body) + 2) % 8)


ns = bytes([135, 0, 0, 0, 0, 0, 0, 0]) + SELF + opt(1, MAC)
na = bytes([136, 0, 0, 0, 0x60, 0, 0, 0]) + PEER + opt(2, MAC)
prefix = opt(3, bytes([64, 0xc0]) + struct.pack('>II', 86400, 14400) + b'\0' * 4 +
             bytes.fromhex('fd900000000000010000000000000000'))
rdnss = opt(25, b'\0\0' + struct.pack('>I', 600) + PEER + SELF)
ra = bytes([134, 0, 0, 0, 64, 0xc0, 0x07, 0x08]) + struct.pack('>II', 30000, 1000) + \
    opt(1, MAC) + opt(5, b'\0\0' + struct.pack('>I', 1400)) + prefix + rdnss
resolve = PEER + b'queued-packet'

nd_seeds = {
    'ns': nd(ns, 8),
    'ns-dad': nd(ns[:24], 0b1010),
    'ns-dad-slla': nd(ns, 0b1010),
    'na': nd(na),
    'na-multicast-solicited': nd(na, 4),
    'ra': nd(ra, 4),
    'ra-many-prefixes': nd(ra + prefix * 4, 4),
    'ra-zero-length-opt': nd(ra[:16] + bytes([1, 0]) + MAC, 4),
    'ra-oversized-opt': nd(ra[:16] + bytes([3, 0xff]) + MAC, 4),
    'ra-truncated-opt': nd(ra + bytes([25]), 4),
    'ra-rdnss-even': nd(ra[:16] + bytes([25, 4]) + b'\0' * 30, 4),
    'ra-prefix-len-129': nd(ra[:16] + bytes([3, 4, 129]) + prefix[3:], 4),
    'ra-global-source': nd(ra, 0b0111),
    'ra-bad-checksum': nd(ra, 0b10100),
    'resolve-then-na': nd(resolve, 0b100000) + nd(na),
    'resolve-timeout': nd(resolve, 0b100000) + nd(b'\x80\0\0\0', 0xc0) * 4,
    'na-override': nd(ns, 8) + nd(bytes([136, 0, 0, 0, 0x20, 0, 0, 0]) + PEER + opt(2, b'\1' * 6)),
    'cache-fill': b''.join(nd(bytes([i]) + PEER[1:], 0b100000) for i in range(12)),
}

for name, seeds in (('ip6', ip6_seeds), ('nd', nd_seeds)):
    d = os.path.join(here, '..', name, 'corpus')
    os.makedirs(d, exist_ok=True)
    for f in os.listdir(d):
        os.unlink(os.path.join(d, f))
    for k, v in seeds.items():
        with open(os.path.join(d, k), 'wb') as f:
            f.write(v)
