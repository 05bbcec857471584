#!/usr/bin/env bash
# Link examples/embed the way an outside project would: install a build
# into DIR/root, compile the example against the installed headers and
# static library with nothing but `pkg-config netboot`, then run it: the
# in-memory self-test, and DHCP on a tap inside a fresh network namespace
# where nobody answers, which must end in a clean timeout.
#   check-embed.sh DIR [BUILD_DIR]     (BUILD_DIR defaults to DIR/build)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
dir=$(mkdir -p "${1:?usage: check-embed.sh DIR [BUILD_DIR]}" && cd "$1" && pwd)
build=${2:-$dir/build}
fail() { echo "FAIL check-embed: $*" >&2; exit 1; }

if [ ! -f "$build/build.ninja" ]; then
	# Only the library is needed; the chainloaders would cost minutes.
	meson setup "$build" "$top" -Defi=false -Dbios=false >/dev/null
fi
ninja -C "$build" -j2 >/dev/null
rm -rf "$dir/root"
meson install --destdir "$dir/root" -C "$build" >/dev/null
pc=$(find "$dir/root" -name netboot.pc | head -1)
[ -n "$pc" ] || fail "no netboot.pc installed"

# The .pc file names the real prefix; the sysroot points it into DIR/root.
pkgc() { PKG_CONFIG_PATH=$(dirname "$pc") PKG_CONFIG_SYSROOT_DIR=$dir/root pkg-config "$@"; }
[ -f "$(dirname "$pc")/../libnetboot.a" ] || fail "no libnetboot.a beside $pc"
# -Bstatic picks libnetboot.a over the .so that is installed beside it,
# so the program runs without LD_LIBRARY_PATH.
# shellcheck disable=SC2046
cc -std=c11 -Wall -Wextra -Werror $(pkgc --cflags netboot) -o "$dir/embed" \
	"$top/examples/embed/embed.c" -Wl,-Bstatic $(pkgc --libs netboot) -Wl,-Bdynamic ||
	fail "the example does not build against the installed library"
ldd "$dir/embed" | grep -q libnetboot && fail "linked the shared library"

"$dir/embed" --help | grep -q usage || fail "--help"
out=$("$dir/embed" --self-test) || fail "self-test: $out"
echo "$out"
# ARP and the echo, each 5 ms per way.
grep -q 'answered in 20 ms' <<<"$out" || fail "self-test: expected a 20 ms round trip"

# A tap nobody answers on: DHCP gives up after its 5 s and says so.
# shellcheck disable=SC2016
out=$(timeout 60 unshare -n bash -c '
	ip link set lo up && ip tuntap add dev nbembed0 mode tap &&
	ip link set nbembed0 up && exec "$0" nbembed0' "$dir/embed" 2>&1) &&
	fail "DHCP with nobody answering succeeded: $out"
echo "$out"
grep -q '^embed: dhcp: ' <<<"$out" || fail "expected a clean DHCP timeout, got: $out"
echo "check-embed: OK"
