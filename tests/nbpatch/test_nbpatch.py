#!/usr/bin/env python3
"""tools/nbpatch on the built TLS images: a bundle that fits goes in and
the image stays valid (same size, only the slot and the PE checksum
change, the checksum is right, objdump still reads the PE); one that does
not fit is refused with a message and the image is untouched; --clear,
--skip-time, a signed PE and an image without a slot.

  test_nbpatch.py NBPATCH PE_FINISH PLAIN.efi TLS.efi TLS.kpxe
"""
import importlib.util
import os
import shutil
import struct
import subprocess
import sys
import tempfile

nbpatch, pe_finish_py, plain_efi, tls_efi, tls_kpxe = sys.argv[1:6]
MAGIC = b'NBCA-SLOT-1\0\xa5\x5a\xc3\x3c'
spec = importlib.util.spec_from_file_location('pe_finish', pe_finish_py)
pe_finish = importlib.util.module_from_spec(spec)
spec.loader.exec_module(pe_finish)
fails = 0


def check(cond, what):
    global fails
    print(('ok   ' if cond else 'FAIL ') + what)
    if not cond:
        fails += 1


def run(*args):
    return subprocess.run([sys.executable, nbpatch, *args], capture_output=True,
                          text=True)


def pem(n_certs, body_len):
    body = ('A' * 64 + '\n') * (body_len // 65)
    return ''.join('-----BEGIN CERTIFICATE-----\n' + body +
                   '-----END CERTIFICATE-----\n' for _ in range(n_certs)).encode()


def csum_off(img):
    pe_off, = struct.unpack_from('<I', img, 0x3c)
    return pe_off + 24 + 64


def slot(img):
    at = img.find(MAGIC)
    cap, used, flags = struct.unpack_from('<III', img, at + 16)
    return at, cap, used, flags


work = tempfile.mkdtemp()
try:
    for src in (tls_efi, tls_kpxe):
        name = os.path.basename(src)
        img = os.path.join(work, name)
        shutil.copy(src, img)
        orig = open(img, 'rb').read()
        is_pe = orig[:2] == b'MZ'
        at, cap, used, _ = slot(orig)
        check(used == 0 and cap > 0, f'{name}: empty slot of {cap} bytes')

        bundle = os.path.join(work, 'ok.pem')
        data = pem(2, 1500)
        open(bundle, 'wb').write(data)
        r = run('--ca', bundle, img)
        new = open(img, 'rb').read()
        check(r.returncode == 0 and '2 certificate(s)' in r.stdout,
              f'{name}: a bundle that fits is stored ({r.stdout.strip()})')
        check(len(new) == len(orig), f'{name}: same size')
        check(new[at + 32:at + 32 + len(data)] == data and
              slot(new)[2] == len(data), f'{name}: the bundle and its length are in the slot')
        changed = [i for i in range(len(orig)) if orig[i] != new[i]
                   and not at <= i < at + 32 + cap]
        if is_pe:
            co = csum_off(new)
            check(all(co <= i < co + 4 for i in changed),
                  f'{name}: nothing outside the slot changed but the checksum')
            check(struct.unpack_from('<I', new, co)[0] == pe_finish.checksum(new, co),
                  f'{name}: the PE checksum is right')
            od = subprocess.run(['objdump', '-h', img], capture_output=True, text=True)
            check(od.returncode == 0 and '.data' in od.stdout, f'{name}: objdump reads the PE')
        else:
            check(not changed, f'{name}: nothing outside the slot changed')

        big = os.path.join(work, 'big.pem')
        open(big, 'wb').write(pem(8, cap // 6))
        before = open(img, 'rb').read()
        r = run('--ca', big, img)
        check(r.returncode != 0 and f'holds {cap}' in r.stderr,
              f'{name}: a bundle that does not fit is refused ({r.stderr.strip()})')
        check(open(img, 'rb').read() == before, f'{name}: ...and the image is untouched')

        junk = os.path.join(work, 'junk.pem')
        open(junk, 'wb').write(b'not a certificate\n')
        r = run('--ca', junk, img)
        check(r.returncode != 0 and 'CERTIFICATE' in r.stderr, f'{name}: a non-PEM file is refused')

        r = run('--clear', '--skip-time', 'on', img)
        new = open(img, 'rb').read()
        check(r.returncode == 0 and slot(new)[2] == 0 and slot(new)[3] == 1 and
              new[at + 32:at + 32 + cap] == bytes(cap), f'{name}: --clear --skip-time on')
        r = run('--show', img)
        check('NOT checked' in r.stdout, f'{name}: --show says dates are skipped')
        if is_pe:
            co = csum_off(new)
            check(struct.unpack_from('<I', new, co)[0] == pe_finish.checksum(new, co),
                  f'{name}: checksum right after --clear')

    # A signed PE: the certificate table (data directory 4) is non-empty.
    signed = os.path.join(work, 'signed.efi')
    img = bytearray(open(tls_efi, 'rb').read())
    pe_off, = struct.unpack_from('<I', img, 0x3c)
    struct.pack_into('<II', img, pe_off + 24 + 112 + 8 * 4, len(img), 8)
    open(signed, 'wb').write(img)
    r = run('--ca', os.path.join(work, 'ok.pem'), signed)
    check(r.returncode != 0 and 'signed' in r.stderr, 'a signed PE is refused')

    r = run('--show', plain_efi)
    check(r.returncode != 0 and 'no CA slot' in r.stderr, 'an image without a slot is named')
    r = run('--reserve', '4096', os.path.join(work, os.path.basename(tls_kpxe)))
    check(r.returncode != 0 and 'already' in r.stderr, 'a second slot is refused')
finally:
    shutil.rmtree(work)
sys.exit(1 if fails else 0)
