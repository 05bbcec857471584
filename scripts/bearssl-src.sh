#!/usr/bin/env bash
# Unpack Debian's BearSSL source package for the firmware images.
#   bearssl-src.sh [DEST]      (default: third_party/bearssl/debian-src, gitignored)
# The firmware images compile BearSSL with their own flags (i386 NBP,
# x86_64 EFI, freestanding), which no binary package offers: Debian ships
# libbearssl for the host ABI only.  So the source comes from Debian's
# source package (never copied into our tree) and is unpacked once;
# later runs find DEST/.unpacked and do nothing.  Needs root only the
# first time, when the apt sources lack deb-src: it adds a deb-src twin of
# Debian's own sources file (same mirrors, same keyring).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
dest=${1:-$top/third_party/bearssl/debian-src}
# The version our meson build lists sources for; another one fails loudly
# rather than building something nobody checked.
want=0.6+dfsg.1

if [ -f "$dest/.unpacked" ] && [ "$(cat "$dest/.unpacked")" = "$want" ]; then
	exit 0
fi

srcfile=/etc/apt/sources.list.d/debian.sources
if ! grep -rqsE '^(Types:.*deb-src|deb-src )' /etc/apt/sources.list /etc/apt/sources.list.d/; then
	[ -f "$srcfile" ] || { echo "bearssl-src: no $srcfile to derive deb-src from" >&2; exit 1; }
	echo "bearssl-src: adding deb-src entries (/etc/apt/sources.list.d/debian-src.sources)" >&2
	sed 's/^Types: deb$/Types: deb-src/' "$srcfile" >/etc/apt/sources.list.d/debian-src.sources
	apt-get update -q >&2
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if ! (cd "$work" && apt-get source --download-only -q bearssl >&2); then
	# Sources present but their index not fetched yet.
	apt-get update -q >&2
	(cd "$work" && apt-get source --download-only -q bearssl >&2)
fi
dsc=$(find "$work" -maxdepth 1 -name 'bearssl_*.dsc' | head -1)
[ -n "$dsc" ] || { echo "bearssl-src: apt-get source gave no .dsc" >&2; exit 1; }
case $(basename "$dsc") in
"bearssl_$want"-*.dsc) ;;
*) echo "bearssl-src: got $(basename "$dsc"), meson lists the sources of $want" >&2; exit 1 ;;
esac
# dpkg-source checks the .dsc's checksums and applies Debian's patches.
(cd "$work" && dpkg-source -q -x "$dsc" unpacked >&2)
rm -rf "$dest"
mkdir -p "$(dirname "$dest")"
mv "$work/unpacked" "$dest"
echo "$want" >"$dest/.unpacked"
echo "bearssl-src: $want unpacked in $dest" >&2
