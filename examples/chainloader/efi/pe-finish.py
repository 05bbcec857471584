#!/usr/bin/env python3
"""Turn the gnu-efi shared object into a Secure-Boot-ready PE32+.

  pe-finish.py OBJCOPY IN.so SBAT.csv OUT.efi

objcopy (of the ELF's architecture, x86_64 or aarch64) converts the ELF
to an EFI application without the COFF symbol table (~18 KiB nothing
reads: gnu-efi relocates through .dynamic and .rela) and adds the SBAT CSV as an .sbat section on the first 4 KiB page
past the image (objcopy cannot compute that address itself).  Then the
PE header gets the NX_COMPAT DLL characteristic (objcopy of binutils
2.40 has no option for it) and a fresh checksum.  Fails if a section is
both writable and executable or the section alignment is not 4 KiB:
firmware that enforces NX maps pages by section, so the claim must be
true.
"""
import struct
import subprocess
import sys

PAGE = 4096
SHF_ALLOC = 0x2
NX_COMPAT = 0x0100
SCN_MEM_EXECUTE = 0x20000000
SCN_MEM_WRITE = 0x80000000
# ELF e_machine -> objcopy's PE target and the PE Machine it must write.
TARGETS = {0x3e: ('efi-app-x86_64', 0x8664), 0xb7: ('efi-app-aarch64', 0xaa64)}
# The ELF sections the PE keeps (gnu-efi's layout).
KEEP = ['.text', '.sdata', '.data', '.dynamic', '.dynsym', '.rel', '.rela',
        '.rel.*', '.rela.*', '.reloc']


def elf_read(path):
    """The ELF64 file's bytes and its (objcopy target, PE Machine)."""
    with open(path, 'rb') as f:
        elf = f.read()
    if elf[:4] != b'\x7fELF' or elf[4] != 2:
        sys.exit(f'{path}: not an ELF64 file')
    machine, = struct.unpack_from('<H', elf, 0x12)
    if machine not in TARGETS:
        sys.exit(f'{path}: no EFI target for ELF machine {machine:#x}')
    return elf, TARGETS[machine]


def elf_end(elf):
    """First page-aligned address past every allocated section."""
    shoff, = struct.unpack_from('<Q', elf, 0x28)
    shentsize, shnum = struct.unpack_from('<HH', elf, 0x3a)
    end = 0
    for i in range(shnum):
        off = shoff + i * shentsize
        flags, addr = struct.unpack_from('<QQ', elf, off + 8)
        size, = struct.unpack_from('<Q', elf, off + 32)
        if flags & SHF_ALLOC:
            end = max(end, addr + size)
    return (end + PAGE - 1) // PAGE * PAGE


def checksum(pe, csum_off):
    """The PE image checksum (16-bit folded sum plus the file length)."""
    data = pe[:csum_off] + b'\0\0\0\0' + pe[csum_off + 4:]
    if len(data) % 2:
        data += b'\0'
    s = 0
    for (w,) in struct.iter_unpack('<H', data):
        s += w
        s = (s & 0xffff) + (s >> 16)
    s = (s & 0xffff) + (s >> 16)
    return (s + len(pe)) & 0xffffffff


def main():
    objcopy, so, sbat, out = sys.argv[1:5]
    elf, (target, pe_machine) = elf_read(so)
    args = [objcopy]
    for s in KEEP + ['.sbat']:
        args += ['-j', s]
    args += ['--add-section', f'.sbat={sbat}',
             '--set-section-flags', '.sbat=contents,alloc,load,readonly,data',
             '--change-section-address', f'.sbat={elf_end(elf):#x}',
             '--strip-all', '--target', target, '--subsystem=10', so, out]
    subprocess.run(args, check=True)

    with open(out, 'rb') as f:
        pe = bytearray(f.read())
    pe_off, = struct.unpack_from('<I', pe, 0x3c)
    if pe[pe_off:pe_off + 4] != b'PE\0\0':
        sys.exit(f'{out}: not a PE file')
    if struct.unpack_from('<H', pe, pe_off + 4)[0] != pe_machine:
        sys.exit(f'{out}: PE machine is not {pe_machine:#x}')
    nsec, = struct.unpack_from('<H', pe, pe_off + 6)
    opt_size, = struct.unpack_from('<H', pe, pe_off + 20)
    opt = pe_off + 24
    if struct.unpack_from('<H', pe, opt)[0] != 0x20b:
        sys.exit(f'{out}: not PE32+')
    align, = struct.unpack_from('<I', pe, opt + 32)
    if align != PAGE:
        sys.exit(f'{out}: section alignment {align:#x}, NX needs {PAGE:#x}')
    names = []
    for i in range(nsec):
        sh = opt + opt_size + i * 40
        name = pe[sh:sh + 8].rstrip(b'\0').decode()
        names.append(name)
        va, = struct.unpack_from('<I', pe, sh + 12)
        chars, = struct.unpack_from('<I', pe, sh + 36)
        if chars & SCN_MEM_EXECUTE and chars & SCN_MEM_WRITE:
            sys.exit(f'{out}: section {name} is writable and executable')
        if va % PAGE:
            sys.exit(f'{out}: section {name} at {va:#x} is not page aligned')
    if '.sbat' not in names:
        sys.exit(f'{out}: no .sbat section')
    dllchar_off = opt + 70
    dllchar, = struct.unpack_from('<H', pe, dllchar_off)
    struct.pack_into('<H', pe, dllchar_off, dllchar | NX_COMPAT)
    struct.pack_into('<I', pe, opt + 64, checksum(pe, opt + 64))
    with open(out, 'wb') as f:
        f.write(pe)


if __name__ == '__main__':
    main()
