#!/usr/bin/env python3
"""Put a CA bundle into a built chainloader image, without rebuilding it.

  nbpatch --ca BUNDLE.pem IMAGE     fill the image's CA slot (in place)
  nbpatch --clear IMAGE             empty it again
  nbpatch --show IMAGE              print the slot's capacity and use
  nbpatch --reserve BYTES IMAGE     append an empty slot (build step of
                                    the BIOS image, whose core is
                                    compressed: the slot must sit outside)
  -o OUT                            write the result to OUT instead
  --skip-time on|off                with --ca/--clear: the loader does
                                    not check certificate dates (and
                                    says so on the console), or does

The slot (examples/chainloader/caslot.h has the layout) is a 16-byte
signature, the capacity, the length and flags (u32 little-endian each), a
reserved u32, then the capacity's bytes.  It must be in the image exactly once.  The bundle is
stored as given (PEM: one or more CERTIFICATE blocks); the loader reads
it at start.  A PE image (nbchain*.efi) gets its checksum recomputed with
pe-finish.py's code; a signed PE is refused, since the patch would break
its signature: patch first, then sign.
"""
import argparse
import importlib.util
import os
import struct
import sys

MAGIC = b'NBCA-SLOT-1\0\xa5\x5a\xc3\x3c'
HEAD = len(MAGIC) + 16
# Flags: the loader skips certificate dates (a machine whose clock is wrong).
FLAG_SKIP_TIME = 1
# PE data directory 4: the Authenticode certificate table.
DIR_SECURITY = 4


def pe_finish():
    """pe-finish.py, the one place that knows the PE checksum."""
    here = os.path.dirname(os.path.realpath(__file__))
    path = os.environ.get('NBPATCH_PE_FINISH',
                          os.path.join(here, '..', '..', 'examples',
                                       'chainloader', 'efi', 'pe-finish.py'))
    spec = importlib.util.spec_from_file_location('pe_finish', path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def pe_checksum_offset(img):
    """Offset of the PE checksum field, or None when IMAGE is no PE.
    Exits when the PE is signed."""
    if len(img) < 0x40 or img[:2] != b'MZ':
        return None
    pe_off, = struct.unpack_from('<I', img, 0x3c)
    if pe_off + 24 + 0x98 > len(img) or img[pe_off:pe_off + 4] != b'PE\0\0':
        return None
    opt = pe_off + 24
    magic, = struct.unpack_from('<H', img, opt)
    dirs = {0x10b: opt + 96, 0x20b: opt + 112}.get(magic)
    if dirs is None:
        return None
    ndirs, = struct.unpack_from('<I', img, dirs - 4)
    if ndirs > DIR_SECURITY:
        _, size = struct.unpack_from('<II', img, dirs + 8 * DIR_SECURITY)
        if size:
            sys.exit('nbpatch: the image is signed; patching would break the '
                     'signature (patch the unsigned image, then sign it)')
    return opt + 64


def find_slot(img, name):
    """Offset, capacity, length and flags of IMAGE's one CA slot."""
    at = img.find(MAGIC)
    if at < 0:
        sys.exit(f'nbpatch: {name}: no CA slot (an image built without TLS?)')
    if img.find(MAGIC, at + 1) >= 0:
        sys.exit(f'nbpatch: {name}: the CA slot signature occurs twice')
    if at + HEAD > len(img):
        sys.exit(f'nbpatch: {name}: the CA slot is cut short')
    cap, used, flags = struct.unpack_from('<III', img, at + len(MAGIC))
    if at + HEAD + cap > len(img) or used > cap:
        sys.exit(f'nbpatch: {name}: the CA slot is damaged '
                 f'(capacity {cap}, length {used})')
    return at, cap, used, flags


def check_bundle(data, name):
    """A PEM bundle with at least one certificate, nothing else."""
    if b'\0' in data:
        sys.exit(f'nbpatch: {name}: not a PEM file (binary data)')
    n = data.count(b'-----BEGIN CERTIFICATE-----')
    if n == 0 or n != data.count(b'-----END CERTIFICATE-----'):
        sys.exit(f'nbpatch: {name}: no complete PEM CERTIFICATE block')
    return n


def write(path, img):
    tmp = path + '.nbpatch-tmp'
    with open(tmp, 'wb') as f:
        f.write(img)
    if os.path.exists(path):
        os.chmod(tmp, os.stat(path).st_mode & 0o7777)
    os.replace(tmp, path)


def main():
    ap = argparse.ArgumentParser(prog='nbpatch', description=__doc__.split('\n')[0])
    act = ap.add_mutually_exclusive_group(required=True)
    act.add_argument('--ca', metavar='BUNDLE.pem', help='PEM bundle to store')
    act.add_argument('--clear', action='store_true', help='empty the slot')
    act.add_argument('--show', action='store_true', help='print the slot')
    act.add_argument('--reserve', metavar='BYTES', type=int,
                     help='append an empty slot of BYTES (build step)')
    ap.add_argument('--skip-time', choices=['on', 'off'],
                    help='with --ca/--clear: the loader skips certificate '
                         'dates (and says so on the console) or checks them')
    ap.add_argument('-o', '--output', metavar='OUT',
                    help='write the result to OUT, not over IMAGE')
    ap.add_argument('image')
    a = ap.parse_args()
    out = a.output or a.image

    with open(a.image, 'rb') as f:
        img = bytearray(f.read())

    if a.reserve is not None:
        if a.reserve <= 0 or a.reserve % 16:
            sys.exit('nbpatch: --reserve wants a positive multiple of 16')
        if img.find(MAGIC) >= 0:
            sys.exit(f'nbpatch: {a.image}: already has a CA slot')
        img += MAGIC + struct.pack('<IIII', a.reserve, 0, 0, 0) + bytes(a.reserve)
        write(out, img)
        return

    at, cap, used, flags = find_slot(img, a.image)
    if a.show:
        skip = ', certificate dates NOT checked' if flags & FLAG_SKIP_TIME else ''
        print(f'{a.image}: CA slot of {cap} bytes, {used} used{skip}')
        return
    data = b''
    n = 0
    if a.ca is not None:
        with open(a.ca, 'rb') as f:
            data = f.read()
        n = check_bundle(data, a.ca)
        if len(data) > cap:
            sys.exit(f'nbpatch: {a.ca} is {len(data)} bytes, the slot in '
                     f'{a.image} holds {cap}: leave out certificates the '
                     f'servers do not chain to, or build with -Dca=FILE')
    if a.skip_time is not None:
        flags = (flags & ~FLAG_SKIP_TIME) | (FLAG_SKIP_TIME if a.skip_time == 'on' else 0)
    csum = pe_checksum_offset(img)
    struct.pack_into('<II', img, at + len(MAGIC) + 4, len(data), flags)
    img[at + HEAD:at + HEAD + cap] = data + bytes(cap - len(data))
    if csum is not None:
        struct.pack_into('<I', img, csum, pe_finish().checksum(img, csum))
    write(out, img)
    print(f'nbpatch: {out}: {n} certificate(s), {len(data)} of {cap} bytes'
          + (', certificate dates NOT checked' if flags & FLAG_SKIP_TIME else ''))


if __name__ == '__main__':
    main()
