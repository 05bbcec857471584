#!/usr/bin/env python3
"""Add a non-volatile variable to a copy of an OVMF vars file.

  ovmfvar.py [--x509] IN.fd OUT.fd NAME GUID DATAFILE

--x509: DATAFILE is a DER certificate, stored as one EFI_SIGNATURE_LIST
of type EFI_CERT_X509_GUID (what TlsCaCertificate holds).

The vars file is a firmware volume whose first block holds EDK2's
authenticated variable store (header GUID aaf32c78-...); a variable is a
60-byte AUTHENTICATED_VARIABLE_HEADER (start 0x55AA, state VAR_ADDED),
its UTF-16 name with the NUL, then the data, each one 4-byte aligned.
The new variable goes where the erased (0xFF) space starts.  Attributes:
non-volatile and boot-service access, as EDK2's TLS configuration sets
TlsCaCertificate.
"""
import struct
import sys
import uuid

AUTH_STORE = uuid.UUID('aaf32c78-947b-439a-a180-2e144ec37792')
START, VAR_ADDED = 0x55AA, 0x3F
NV_BS = 0x1 | 0x2
HDR = 60
CERT_X509 = uuid.UUID('a5c059a1-94e4-4aa7-87b5-ab155c2bf072')
OWNER = uuid.UUID('00000000-0000-0000-0000-000000000000')


def siglist(der):
    sig = OWNER.bytes_le + der
    return CERT_X509.bytes_le + struct.pack('<III', 28 + len(sig), 0, len(sig)) + sig


def main():
    args = sys.argv[1:]
    x509 = args[:1] == ['--x509']
    if x509:
        args = args[1:]
    src, dst, name, guid, datafile = args[:5]
    d = bytearray(open(src, 'rb').read())
    if d[0x28:0x2c] != b'_FVH':
        sys.exit('%s: not a firmware volume' % src)
    hl = struct.unpack_from('<H', d, 0x30)[0]
    if uuid.UUID(bytes_le=bytes(d[hl:hl + 16])) != AUTH_STORE:
        sys.exit('%s: no authenticated variable store' % src)
    end = hl + struct.unpack_from('<I', d, hl + 16)[0]
    off = hl + 28
    while struct.unpack_from('<H', d, off)[0] == START:
        ns, ds = struct.unpack_from('<II', d, off + 36)
        off = (off + HDR + ns + ds + 3) & ~3
    n = (name + '\0').encode('utf-16le')
    data = open(datafile, 'rb').read()
    if x509:
        data = siglist(data)
    var = struct.pack('<HBBIQ16sIII', START, VAR_ADDED, 0, NV_BS, 0, bytes(16), 0,
                      len(n), len(data)) + uuid.UUID(guid).bytes_le + n + data
    if off + len(var) > end or any(b != 0xFF for b in d[off:off + len(var)]):
        sys.exit('%s: no free space for the variable' % src)
    d[off:off + len(var)] = var
    open(dst, 'wb').write(d)


if __name__ == '__main__':
    main()
