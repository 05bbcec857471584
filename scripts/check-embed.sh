#!/usr/bin/env bash
# Link examples/embed the way an outside project would: install a build
# into DIR/root, compile the example against the installed headers and
# static library with nothing but `pkg-config netboot`, then run it: a
# lease from dnsmasq and a byte-exact file from nginx (and a 404 said in
# words) on a tap in a namespace made here, and DHCP on a tap where
# nobody answers, which must end in a clean timeout.  Needs root.
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

# For real: a lease from dnsmasq and a file from nginx, on a tap inside a
# namespace made here (the boot rig, without a guest).
. "$top/tests/lib/bootrig.sh"
work=$(mktemp -d /tmp/nbembed.XXXXXX)
trap 'set +e; bootrig_down; rm -rf "$work"' EXIT
bootrig_up "$work" || fail "rig"
bootrig_dnsmasq
head -c 3000001 /dev/urandom >"$work/http/blob"
chmod a+r "$work/http/blob"
out=$(rig timeout 60 "$dir/embed" tap0 "http://$RIG_SERVER/blob" 2>&1) ||
	fail "DHCP + HTTP against dnsmasq and nginx: $out"
echo "$out"
grep -q '^address 10\.90\.0\.1[0-9][0-9]$' <<<"$out" || fail "no lease from dnsmasq"
sum=$(sha256sum "$work/http/blob" | cut -d' ' -f1)
grep -q "^fetched 3000001 bytes, sha256 $sum\$" <<<"$out" || fail "the download is not byte-exact"
out=$(rig timeout 60 "$dir/embed" tap0 "http://$RIG_SERVER/missing" 2>&1) &&
	fail "a 404 succeeded: $out"
grep -q '^embed: http://.*/missing: .*404' <<<"$out" || fail "no clear 404: $out"
grep '^embed: ' <<<"$out"
bootrig_down

# A tap nobody answers on: DHCP gives up after its 5 s and says so.
# shellcheck disable=SC2016
out=$(timeout 60 unshare -n bash -c '
	ip link set lo up && ip tuntap add dev nbembed0 mode tap &&
	ip link set nbembed0 up && exec "$0" nbembed0' "$dir/embed" 2>&1) &&
	fail "DHCP with nobody answering succeeded: $out"
echo "$out"
grep -q '^embed: dhcp: ' <<<"$out" || fail "expected a clean DHCP timeout, got: $out"
echo "check-embed: OK"
