#!/usr/bin/env python3
"""Generate netboot/config.h from include/netboot/config.h.in.

    gen-config.py TEMPLATE OUTPUT [--set NAME=VALUE]... [--cflag ARG]...

The template is the one defaults file: every tunable as
`#ifndef NB_X / #define NB_X default / #endif` under its rationale.
--set (the meson option `tunables`) replaces a default and must name a
tunable; --cflag passes the library's c_args, whose -DNB_X=value for a
tunable is folded in the same way (other arguments are ignored), so a
library built with -DNB_ARP_CACHE_SIZE=16 installs a header that says 16.
The line @NB_CONFIG_HASH@ becomes NB_CONFIG_HASH, a hash over every
value in template order (a sum of position-mixed terms), which
netboot/abi.h mixes into the ABI identity of caller-sized structs.
  gen-config.py TEMPLATE --value=NAME [--set ...]   print one effective value
"""
import re
import sys

DEF = re.compile(r'^#ifndef (NB_\w+)\n#define \1 (.+)$', re.M)


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    template, out = argv[1], argv[2]
    sets, cflags = [], []
    i = 3
    while i < len(argv):
        if argv[i] in ('--set', '--cflag') and i + 1 < len(argv):
            (sets if argv[i] == '--set' else cflags).append(argv[i + 1])
            i += 2
        else:
            sys.exit('gen-config: unexpected argument ' + argv[i])
    text = open(template).read()
    names = [m.group(1) for m in DEF.finditer(text)]
    values = {m.group(1): m.group(2) for m in DEF.finditer(text)}
    for c in cflags:
        if c.startswith('-DNB_'):
            name, _, val = c[2:].partition('=')
            if name in values:
                values[name] = val or '1'
    for a in sets:
        name, eq, val = a.partition('=')
        if name not in values or not eq or not val.strip():
            sys.exit('gen-config: -Dtunables: "%s" is not NAME=VALUE for a '
                     'tunable of %s' % (a, template))
        values[name] = val.strip()
    if out.startswith('--value='):
        print(values[out[len('--value='):]])
        return
    text = DEF.sub(lambda m: '#ifndef %s\n#define %s %s' %
                   (m.group(1), m.group(1), values[m.group(1)]), text)
    # A flat sum of one term per tunable, each mixed with its position:
    # a chain of nested mixes would nest parentheses once per tunable,
    # past clang's limit of 256.
    h = ['#define NB_CONFIG_MIX(h, v) \\',
         '\t((uint32_t)(((uint32_t)(h) ^ (uint32_t)(v)) * 16777619u))',
         '#define NB_CONFIG_TERM(k, v) \\',
         '\t((uint32_t)(((uint32_t)(v) ^ ((uint32_t)(k) * 0x9e3779b9u)) * 2654435761u))',
         '#define NB_CONFIG_HASH ((uint32_t)(2166136261u \\']
    for k, n in enumerate(names):
        h.append('\t+ NB_CONFIG_TERM(%d, %s) \\' % (k + 1, n))
    h.append('\t))')
    if '@NB_CONFIG_HASH@' not in text:
        sys.exit('gen-config: no @NB_CONFIG_HASH@ line in ' + template)
    text = text.replace('@NB_CONFIG_HASH@', '\n'.join(h))
    text = text.replace(' * @file config.h.in', ' * @file config.h')
    with open(out, 'w') as f:
        f.write(text)


if __name__ == '__main__':
    main(sys.argv)
