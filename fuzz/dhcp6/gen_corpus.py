#!/usr/bin/env python3
"""Seed corpus of fuzz/dhcp6: normal exchanges (Advertise then Reply,
Rapid Commit, preference 255, a firmware's zero-padded cached Reply) and
the shapes of the PixieFail DHCPv6 inputs (CVE-2023-45229 truncated
IA_NA, -45230/-45235 oversized Server IDs, -45234 DNS lists not in whole
addresses) plus nested overruns.  Matches the harness: transaction ID 0,
Client ID DUID-LL of 52:54:00:12:34:56, IAID 0x00123456.
Run from anywhere; rewrites fuzz/dhcp6/corpus."""
import os
import struct

here = os.path.dirname(os.path.abspath(__file__))
CID = bytes.fromhex('00030001525400123456')
SID = bytes.fromhex('000100012a2b2c2d020000000001')
IAID = 0x00123456
ADDR = bytes.fromhex('fd900000000000000000000000000123')
DNS = bytes.fromhex('fd900000000000000000000000000001')
ADV, REPLY = 2, 7


def opt(code, body):
    return struct.pack('>HH', code, len(body)) + body


def iaaddr(addr=ADDR, pref=1800, valid=3600, sub=b''):
    return opt(5, addr + struct.pack('>II', pref, valid) + sub)


def ia_na(sub=None, iaid=IAID, t1=600, t2=900):
    sub = iaaddr() if sub is None else sub
    return opt(3, struct.pack('>III', iaid, t1, t2) + sub)


def msg(typ, *opts, xid=0):
    return struct.pack('>I', typ << 24 | xid) + b''.join(opts)


def boot():
    return (opt(23, DNS) + opt(59, b'tftp://[fd90::1]/boot.efi') +
            opt(60, b'\x00\x05quiet\x00\x03a=b'))


def good(typ, *extra):
    return msg(typ, opt(1, CID), opt(2, SID), ia_na(), boot(), *extra)


def rec(*msgs, flags=0):
    return bytes([flags]) + b''.join(struct.pack('>H', len(m)) + m for m in msgs)


seeds = {
    'exchange': rec(good(ADV), b'', good(REPLY)),
    'rapid-commit': rec(good(REPLY, opt(14, b'')), flags=1),
    'preference-255': rec(good(ADV, opt(7, b'\xff')), good(REPLY)),
    'cached-padded': rec(good(REPLY) + bytes(1028 - len(good(REPLY)))),
    'no-addrs': rec(msg(ADV, opt(1, CID), opt(2, SID), opt(13, b'\x00\x02none')),
                    good(ADV), msg(REPLY, opt(1, CID), opt(2, SID),
                                   ia_na(opt(13, b'\x00\x02'))) ),
    # CVE-2023-45229: IA_NA shorter than IAID+T1+T2.
    'ia-na-truncated': rec(msg(ADV, opt(1, CID), opt(2, SID), opt(3, b'\x00\x12\x34\x56'))),
    # CVE-2023-45230 / -45235: Server ID far beyond a DUID's 130 bytes.
    'server-id-long': rec(msg(ADV, opt(1, CID), opt(2, b'\x00\x02' + bytes(300)), ia_na())),
    'server-id-empty': rec(msg(ADV, opt(1, CID), opt(2, b''), ia_na())),
    'server-id-twice': rec(msg(ADV, opt(1, CID), opt(2, SID), opt(2, SID[:-1]), ia_na())),
    # CVE-2023-45234: DNS servers not in whole addresses, and very many.
    'dns-odd': rec(good(ADV, opt(23, bytes(17)))),
    'dns-many': rec(msg(REPLY, opt(1, CID), opt(2, SID), ia_na(), opt(23, DNS * 60),
                        opt(14, b'')), flags=1),
    'iaaddr-overrun': rec(msg(ADV, opt(1, CID), opt(2, SID),
                              opt(3, struct.pack('>III', IAID, 0, 0) +
                                  struct.pack('>HH', 5, 60) + ADDR + bytes(8)),
                              opt(23, DNS))),
    'iaaddr-status-short': rec(msg(ADV, opt(1, CID), opt(2, SID),
                                   ia_na(iaaddr(sub=opt(13, b'\x00'))))),
    'boot-params-overrun': rec(good(ADV), msg(REPLY, opt(1, CID), opt(2, SID), ia_na(),
                                              opt(60, b'\x00\x40short'))),
    'option-overrun': rec(msg(ADV, opt(1, CID), opt(2, SID), ia_na()) + b'\x00\x17\x01\x00' + DNS),
    't1-above-t2': rec(msg(ADV, opt(1, CID), opt(2, SID), ia_na(t1=900, t2=600))),
    # A ProxyDHCPv6-like Advertise: boot URL, no IA_NA, odd Client ID.
    'proxy-advertise': rec(msg(ADV, opt(1, CID + bytes(200)), opt(2, SID), boot())),
    'retransmit-then-reply': rec(b'', b'', b'', good(ADV), b'', good(REPLY)),
}

out = os.path.join(here, 'corpus')
os.makedirs(out, exist_ok=True)
for f in os.listdir(out):
    os.unlink(os.path.join(out, f))
for name, data in seeds.items():
    with open(os.path.join(out, name), 'wb') as fh:
        fh.write(data)
print(f'{len(seeds)} seeds in {out}')
