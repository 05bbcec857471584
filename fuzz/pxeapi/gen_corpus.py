#!/usr/bin/env python3
"""Write the seed corpus of fuzz/pxeapi (the input format is in harness.c).

Run from fuzz/pxeapi.  Each seed is one NBP session that reaches a main
path of the dispatcher; replies are written the way the harness's pretend
server makes them (relative to the last frame the stack sent)."""
import os, struct

# Must match op_table in harness.c: a seed names the opcode, we find its index.
OPS = [0x20, 0x21, 0x22, 0x23, 0x25, 0x30, 0x31, 0x32, 0x33, 0x70, 0x71, 0x76,
       0xe0, 0xe1, 0xe2, 0xe3, 0xe4, 0xe6, 0x32, 0xe3, 0x22, 0x33, 0x00, 0x01,
       0x0b, 0x15, 0x24, 0xe5, 0xe7, 0x16, 0x72, 0xffff]

LOW_SEG = 0x1000
BASE_SEG = 0x9000
HIGH = 0x100000
SERVER = bytes([10, 0, 0, 1])

# header flags
GW_TFTP, GW_HTTP, GW_LONG = 1, 2, 3
OPTS, UNDI, PHYS, IDLE, PROXY, GARBAGE = 4, 8, 16, 32, 64, 128


def hdr(flags=0, step=0, base_off=0, ring=0, extra=b""):
    return bytes([flags, step, base_off, ring]) + struct.pack("<H", len(extra)) + extra


def rec(op, body):
    assert len(body) <= 0x7ff, "record too long for its 11-bit length"
    return bytes([op]) + struct.pack("<H", len(body)) + body


def call(opcode, block=b"", fill=0):
    if opcode in OPS:
        return rec(0, bytes([OPS.index(opcode), fill]) + block)
    return rec(0, bytes([0xf0 + (opcode >> 8), opcode & 0xff]) + block)


def mem(off, data):
    return rec(2, struct.pack("<H", off) + data)


def time(n):
    return rec(3, bytes([n]))


def ctl(sub, data=b""):
    return rec(4, bytes([sub]) + data)


def udp(payload, sport=0, now=False, echo_id=False):
    """A datagram answering the last one we sent (sport 0: from its port)."""
    c = (0x80 if now else 0) | (4 if echo_id else 0)
    return rec(1, bytes([c]) + struct.pack(">HHH", sport, 0, 0) + payload)


def tcp(flags, payload=b"", dseq=0, dack=0, wnd=0, now=False):
    return rec(1, bytes([0x80 if now else 0, flags]) + struct.pack(">hhB", dseq, dack, wnd) + payload)


def arp():
    return rec(1, bytes(7))


SYN, ACK, PSH, FIN, RST = 0x02, 0x10, 0x08, 0x01, 0x04


def segoff(seg, off):
    return struct.pack("<HH", off, seg)


def pad(b, n):
    return b + bytes(n - len(b))


def name128(s):
    return pad(s.encode() + b"\0", 128)


# ---- blocks (PXE 2.1 / gPXE layouts) ----

def b_cached(ptype, size, seg=LOW_SEG, off=0):
    return bytes(2) + struct.pack("<HH", ptype, size) + segoff(seg, off) + struct.pack("<H", 0)


def b_tftp_open(name, pkt=512, server=SERVER, port=69):
    return bytes(2) + server + bytes(4) + name128(name) + struct.pack(">H", port) + struct.pack("<H", pkt)


def b_tftp_read(seg=LOW_SEG, off=0x2000):
    return bytes(6) + segoff(seg, off)


def b_fsize(name, server=SERVER):
    return bytes(2) + server + bytes(4) + name128(name)


def b_read_file(name, cap, phys=HIGH, server=SERVER):
    return bytes(2) + name128(name) + struct.pack("<II", cap, phys) + server + bytes(4)


def b_udp_open(ip=bytes(4)):
    return bytes(2) + ip


def b_udp_write(dport, sport, length, off, dst=SERVER):
    return bytes(2) + dst + bytes(4) + struct.pack(">HH", sport, dport) + struct.pack("<H", length) + segoff(LOW_SEG, off)


def b_udp_read(dport, cap=1500, off=0x3000):
    return bytes(2) + bytes(4) + bytes(4) + struct.pack(">HH", 0, dport) + struct.pack("<H", cap) + segoff(LOW_SEG, off)


def b_file_open(off, seg=LOW_SEG):
    return bytes(4) + segoff(seg, off)


def b_handle(h, size=0, seg=LOW_SEG, off=0x2000):
    return bytes(2) + struct.pack("<HH", h, size) + segoff(seg, off)


def b_api_check(size=20, magic=0x91D447B2):
    return bytes(2) + struct.pack("<HI", size, magic)


# ---- server payloads ----

def t_data(blk, data):
    return struct.pack(">HH", 3, blk) + data


def t_oack(**opts):
    return b"\0\6" + b"".join(k.encode() + b"\0" + str(v).encode() + b"\0" for k, v in opts.items())


def t_error(code, msg):
    return struct.pack(">HH", 5, code) + msg + b"\0"


def t_ack(blk):
    return struct.pack(">HH", 4, blk)


def http_ok(body, extra=b""):
    return b"HTTP/1.1 200 OK\r\nContent-Length: " + str(len(body)).encode() + b"\r\n" + extra + b"\r\n" + body


def rrq(name, *opts):
    return b"\0\1" + name.encode() + b"\0octet\0" + b"".join(o.encode() + b"\0" for o in opts)


TEXT = bytes((ord("a") + i % 26) for i in range(3000))


def dhcp_pkt(msg, opts, siaddr=SERVER, file=b""):
    p = bytearray(240)
    p[0:3] = b"\2\1\6"
    p[4:8] = struct.pack(">I", 0x1BADB002)
    p[20:24] = siaddr
    p[28:34] = bytes([2, 0, 0, 0, 0, 2])
    p[108:108 + len(file)] = file
    p[236:240] = b"\x63\x82\x53\x63"
    return bytes(p) + bytes([53, 1, msg]) + opts + b"\xff"


seeds = {}

# GET_CACHED_INFO: every packet type, pointer and buffer sizes, and a
# buffer aimed back at our own copy.
s = hdr(OPTS, 5, 0x10)
for t in (1, 2, 3):
    s += call(0x71, b_cached(t, 0))
s += call(0x71, b_cached(2, 100, LOW_SEG, 0x100))
s += call(0x71, b_cached(3, 2000, LOW_SEG, 0x200))
s += call(0x71, b_cached(1, 1260, 0xF000, 0))
s += call(0x71, b_cached(4, 64))
s += call(0x71, b_cached(2, 4000, LOW_SEG, 0xF000))
s += ctl(0, bytes([67]) + b"http://10.0.0.1/boot.kpxe")
s += call(0x71, b_cached(2, 300, 0x0800, 0))
seeds["cached_info"] = s

proxy = dhcp_pkt(2, bytes([54, 4]) + SERVER + bytes([60, 9]) + b"PXEClient" +
                 bytes([43, 6, 6, 1, 8, 10, 1, 0]), file=b"pxelinux.0")
seeds["cached_proxy"] = hdr(PROXY | OPTS, 5, 0x40, extra=proxy) + \
    call(0x71, b_cached(3, 0)) + call(0x71, b_cached(3, 1260, LOW_SEG, 0))
boot = dhcp_pkt(5, bytes([54, 4]) + SERVER + bytes([60, 9]) + b"PXEClient" +
                b"".join(bytes([100 + i, 200]) + bytes(200) for i in range(5)) +
                bytes([209, 3]) + b"abc", file=b"boot.0")
seeds["cached_boot"] = hdr(OPTS, 5, 0xff, extra=boot) + \
    call(0x71, b_cached(3, 1260, LOW_SEG, 0)) + call(0x71, b_cached(2, 600, LOW_SEG, 0x1000)) + \
    call(0x71, b_cached(1, 0))

seeds["file_api_check"] = hdr() + call(0xe6, b_api_check()) + call(0xe6, b_api_check(12)) + \
    call(0xe6, b_api_check(20, 0x12345678)) + call(0xe6, b_api_check(200), fill=1)

# FILE_* over HTTP: open, select, size, read in pieces to the end, close.
url = b"http://10.0.0.1/hello.txt\0"
body = TEXT[:700]
seeds["file_http"] = hdr(0, 5) + mem(0, url) + call(0xe6, b_api_check()) + \
    call(0xe0, b_file_open(0)) + tcp(SYN | ACK) + tcp(ACK | PSH | FIN, http_ok(body)) + tcp(ACK) + \
    call(0xe2, b_handle(1)) + call(0xe4, b_handle(1)) + \
    call(0xe3, b_handle(1, 256)) + call(0xe3, b_handle(1, 512)) + call(0xe3, b_handle(1, 512)) + \
    call(0xe3, b_handle(1, 512)) + call(0xe1, b_handle(1)) + call(0xe1, b_handle(1))

chunked = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
seeds["file_http_chunked"] = hdr(0, 5, ring=1) + mem(0x40, b"http://10.0.0.1/c\0") + \
    call(0xe0, b_file_open(0x40)) + tcp(SYN | ACK) + tcp(ACK | PSH, chunked + b"10\r\n" + TEXT[:16] + b"\r\n") + \
    tcp(ACK | PSH | FIN, b"300\r\n" + TEXT[:0x300] + b"\r\n0\r\n\r\n", now=True) + \
    call(0xe3, b_handle(1, 1000)) + tcp(ACK) + call(0xe2, b_handle(1)) + call(0xe3, b_handle(1, 1000)) + \
    call(0xe3, b_handle(1, 1000)) + call(0xe4, b_handle(1))

seeds["file_http_404"] = hdr(0, 5) + mem(0, b"http://10.0.0.1/missing\0") + \
    call(0xe0, b_file_open(0)) + tcp(SYN | ACK) + \
    tcp(ACK | PSH | FIN, b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n") + tcp(ACK) + \
    mem(0, b"http://10.0.0.1/reset\0") + call(0xe0, b_file_open(0)) + tcp(RST | ACK)

# FILE_* over TFTP: tftp:// URL with an OACK, and a bare name answered
# with ERROR 1.
seeds["file_tftp"] = hdr(0, 5) + mem(0x100, b"tftp://10.0.0.1/boot/hello.txt\0") + \
    call(0xe0, b_file_open(0x100)) + udp(t_oack(blksize=512, tsize=600), sport=1069) + \
    udp(t_data(1, TEXT[:512])) + udp(t_data(2, TEXT[512:600])) + \
    call(0xe4, b_handle(1)) + call(0xe3, b_handle(1, 400)) + call(0xe3, b_handle(1, 400)) + \
    call(0xe3, b_handle(1, 400)) + call(0xe1, b_handle(1))
seeds["file_bare_missing"] = hdr(0, 5) + mem(0, b"boot/none.cfg\0") + \
    call(0xe0, b_file_open(0)) + udp(t_error(1, b"File not found"), sport=1070) + \
    mem(0, b"https://10.0.0.1/x\0") + call(0xe0, b_file_open(0)) + \
    mem(0xfffa, b"abcdef") + call(0xe0, b_file_open(0xfffa))

# Several files at once until the slots run out.
s = hdr(0, 5, ring=2)
for i in range(5):
    s += mem(0x200 * i, b"http://10.0.0.1/f%d\0" % i) + call(0xe0, b_file_open(0x200 * i)) + \
        tcp(SYN | ACK) + tcp(ACK | PSH, http_ok(TEXT[:100 * (i + 1)]))
s += call(0xe3, b_handle(2, 50)) + call(0xe2, b_handle(4)) + call(0x70)
seeds["file_many"] = s

# TFTP_*: lock-step RFC 1350 server, read packet by packet.
seeds["tftp_open_read"] = hdr(0, 5) + call(0x20, b_tftp_open("hello.txt")) + \
    udp(t_data(1, TEXT[:512]), sport=1069) + udp(t_data(2, TEXT[512:1024])) + \
    call(0x22, b_tftp_read()) + udp(t_data(3, TEXT[1024:1100])) + \
    call(0x22, b_tftp_read()) + call(0x22, b_tftp_read()) + call(0x22, b_tftp_read()) + \
    call(0x21) + call(0x21) + call(0x22, b_tftp_read())
seeds["tftp_oack_ringfull"] = hdr(0, 5, ring=1) + call(0x20, b_tftp_open("big.bin", 512)) + \
    udp(t_oack(blksize=512, tsize=4000), sport=1069) + \
    b"".join(udp(t_data(i, TEXT[:512])) for i in range(1, 5)) + \
    call(0x22, b_tftp_read()) + udp(t_data(4, TEXT[:512])) + call(0x22, b_tftp_read()) + \
    call(0x22, b_tftp_read()) + call(0x20, b_tftp_open("again", 700)) + call(0x21)
seeds["tftp_open_http"] = hdr(0, 5) + call(0x20, b_tftp_open("http://10.0.0.1/k", 1024)) + \
    tcp(SYN | ACK) + tcp(ACK | PSH | FIN, http_ok(TEXT[:1200])) + tcp(ACK) + \
    call(0x22, b_tftp_read()) + call(0x22, b_tftp_read()) + call(0x22, b_tftp_read()) + call(0x21)
seeds["tftp_fsize"] = hdr(0, 5) + call(0x25, b_fsize("hello.txt")) + \
    udp(t_oack(tsize=123456), sport=1069) + call(0x25, b_fsize("nosize")) + \
    udp(t_data(1, TEXT[:10]), sport=1070) + call(0x25, b_fsize("http://10.0.0.1/s")) + \
    tcp(SYN | ACK) + tcp(ACK | PSH, http_ok(TEXT[:10]))
seeds["tftp_read_file"] = hdr(PHYS, 5) + call(0x23, b_read_file("hello.txt", 4096)) + \
    udp(t_data(1, TEXT[:512]), sport=1069) + udp(t_data(2, TEXT[:300])) + \
    call(0x23, b_read_file("x", 1 << 20)) + \
    call(0x23, b_read_file("small", 100)) + udp(t_data(1, TEXT[:512]), sport=1069)
seeds["tftp_timeout"] = hdr(0, 250) + call(0x20, b_tftp_open("silent")) + \
    call(0x20, b_tftp_open("x", 100)) + call(0x22, b_tftp_read())

# tftp:// to an address outside the ARP cache: ARP first.
seeds["tftp_arp"] = hdr(0, 5) + mem(0, b"tftp://10.0.0.7/a\0") + call(0xe0, b_file_open(0)) + \
    arp() + udp(t_data(1, TEXT[:20]), sport=1069) + call(0xe3, b_handle(1, 100))

# DNS name in a URL.
dns_ans = struct.pack(">HHHHHH", 0, 0x8180, 1, 1, 0, 0) + b"\4boot\7example\0\0\1\0\1" + \
    b"\xc0\x0c\0\1\0\1\0\0\0\x3c\0\4" + SERVER
seeds["file_http_dns"] = hdr(0, 5) + mem(0, b"http://boot.example/x\0") + call(0xe0, b_file_open(0)) + \
    udp(dns_ans, echo_id=True) + tcp(SYN | ACK) + tcp(ACK | PSH | FIN, http_ok(b"hi")) + tcp(ACK) + call(0xe3, b_handle(1, 10))

# PXENV_UDP_*: an echo through the wire.
seeds["udp_echo"] = hdr(0, 5) + call(0x30, b_udp_open()) + mem(0x100, b"ping") + \
    call(0x33, b_udp_write(7777, 2000, 4, 0x100)) + udp(b"pong") + \
    call(0x32, b_udp_read(2000)) + call(0x32, b_udp_read(2000)) + \
    call(0x33, b_udp_write(7777, 0, 4, 0x100)) + udp(b"x" * 1400) + call(0x32, b_udp_read(0, 10)) + \
    call(0x31) + call(0x32, b_udp_read(2000)) + call(0x33, b_udp_write(7777, 2000, 4, 0x100))
seeds["udp_open_ip"] = hdr(0, 5) + call(0x30, b_udp_open(bytes([10, 0, 0, 9]))) + mem(0, b"hello") + \
    b"".join(call(0x33, b_udp_write(9, 3000 + i, 5, 0)) for i in range(6)) + \
    call(0x32, b_udp_read(3001)) + call(0x33, b_udp_write(9, 3000, 5, 0, dst=bytes([10, 0, 1, 1])))

# The gateway, TFTP mode: pxelinux's RRQ to port 69 becomes our windowed
# TFTP download; the NBP reads OACK and DATA, acks them locally.
r = rrq("pxelinux.cfg/default", "tsize", "0", "blksize", "1408")
seeds["gw_tftp"] = hdr(GW_TFTP, 5) + call(0x30, b_udp_open()) + mem(0, r) + \
    call(0x33, b_udp_write(69, 2000, len(r), 0)) + call(0x32, b_udp_read(2000)) + \
    udp(t_oack(tsize=700, blksize=1408), sport=1069) + udp(t_data(1, TEXT[:700])) + \
    mem(0x800, t_ack(0)) + call(0x33, b_udp_write(49152, 2000, 4, 0x800)) + \
    call(0x32, b_udp_read(2000)) + call(0x32, b_udp_read(2000)) + \
    mem(0x800, t_ack(1)) + call(0x33, b_udp_write(49152, 2000, 4, 0x800)) + call(0x32, b_udp_read(2000))
r2 = rrq("/missing.cfg")
seeds["gw_tftp_missing"] = hdr(GW_TFTP, 5) + call(0x30, b_udp_open()) + mem(0, r2) + \
    call(0x33, b_udp_write(69, 2001, len(r2), 0)) + call(0x32, b_udp_read(2001)) + \
    udp(t_error(1, b"nope"), sport=1069) + call(0x32, b_udp_read(2001)) + call(0x32, b_udp_read(0)) + \
    call(0x33, b_udp_write(69, 2001, len(r2), 0)) + call(0x33, b_udp_write(69, 2001, len(r2), 0)) + \
    call(0x31)

# The gateway, HTTP mode: the same RRQ fetched as base + name.
r3 = rrq("/pxelinux.cfg/default", "blksize", "512", "tsize", "0")
seeds["gw_http"] = hdr(GW_HTTP, 5) + call(0x30, b_udp_open()) + mem(0, r3) + \
    call(0x33, b_udp_write(69, 2002, len(r3), 0)) + call(0x32, b_udp_read(2002)) + \
    tcp(SYN | ACK) + tcp(ACK | PSH | FIN, http_ok(TEXT[:1100])) + tcp(ACK) + \
    call(0x32, b_udp_read(2002)) + call(0x32, b_udp_read(2002)) + \
    b"".join(mem(0x800 + 4 * i, t_ack(i)) + call(0x33, b_udp_write(49152, 2002, 4, 0x800 + 4 * i)) +
             call(0x32, b_udp_read(2002, 600)) for i in range(4)) + \
    mem(0x900, t_error(0, b"bye")) + call(0x33, b_udp_write(49152, 2002, 9, 0x900))
r4 = rrq("a" * 100)
seeds["gw_long_base"] = hdr(GW_LONG, 5) + call(0x30, b_udp_open()) + mem(0, r4) + \
    call(0x33, b_udp_write(69, 2003, len(r4), 0)) + call(0x32, b_udp_read(2003)) + \
    ctl(1, b"\1http://10.0.0.1/b/") + call(0x33, b_udp_write(69, 2004, len(r4), 0)) + \
    call(0x33, b_udp_write(69, 2005, len(r4), 0)) + call(0x33, b_udp_write(69, 2006, len(r4), 0)) + \
    call(0x70) + call(0x32, b_udp_read(2004))

# UNDI pass-through and refused opcodes; UNLOAD_STACK with files open.
seeds["undi_unsupported"] = hdr(UNDI | IDLE | GARBAGE, 5) + call(0x00, fill=2) + call(0x01) + \
    call(0x0b, fill=1) + call(0x15) + call(0x16) + call(0xe5) + call(0x24) + call(0xffff) + call(0x0234)
seeds["unload"] = hdr(0, 5) + mem(0, b"http://10.0.0.1/u\0") + call(0xe0, b_file_open(0)) + \
    tcp(SYN | ACK) + call(0x30, b_udp_open()) + call(0x20, b_tftp_open("t")) + \
    udp(t_data(1, TEXT[:512]), sport=1069) + call(0x70) + call(0xe3, b_handle(1, 10)) + \
    call(0x22, b_tftp_read()) + call(0x76) + ctl(2) + call(0x71, b_cached(2, 0))

os.makedirs("corpus", exist_ok=True)
for name, blob in seeds.items():
    with open(os.path.join("corpus", name), "wb") as f:
        f.write(blob)
print(len(seeds), "seeds")
