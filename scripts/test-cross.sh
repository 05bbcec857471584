#!/usr/bin/env bash
# The library beyond x86: the freestanding contract on aarch64, riscv64 and
# big-endian s390x (scripts/check-cross.sh), then the cmocka unit tests
# built for aarch64, s390x (big-endian) and 32-bit arm (32-bit long and
# size_t: the i386 build is only link-checked, its programs do not run on
# these kernels) and run under qemu-user, so byte-order, char-signedness
# and word-size slips that x86_64 hides show up.
#   scripts/test-cross.sh [OUT]      (root: installs what it needs)
# OUT defaults to $NB_TEST_OUT/cross (build-test/cross).  NB_CROSS_ARCHES
# picks the qemu targets (default: aarch64 s390x arm).  riscv64 is built
# freestanding only: Debian 12 has no riscv64 packages to test against.
# Not run here: the suite 'hosted' (taps, namespaces, real servers on this
# kernel) and the BIOS/UEFI chainloader images, which are x86 by nature;
# meson leaves those images out on other CPUs.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-${NB_TEST_OUT:-$top/build-test}/cross}
read -r -a arches <<<"${NB_CROSS_ARCHES:-aarch64 s390x arm}"
start=$(date +%s)

[ "$(id -u)" = 0 ] || { echo "test-cross.sh: run as root (apt)" >&2; exit 1; }

# Debian's name of each target architecture.
dpkg_arch() {
	case $1 in
	aarch64) echo arm64 ;;
	s390x) echo s390x ;;
	arm) echo armhf ;;
	*) echo "test-cross.sh: no qemu target $1" >&2; return 1 ;;
	esac
}

# Packages: the cross tools (scripts/deps.d/cross.txt) and, per target,
# its cmocka and lwIP through multiarch, which needs the architecture
# added before apt can see them.
want=()
mapfile -t want < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$top/scripts/deps.d/cross.txt")
update=0
for a in "${arches[@]}"; do
	da=$(dpkg_arch "$a")
	if ! dpkg --print-foreign-architectures | grep -qx "$da"; then
		dpkg --add-architecture "$da"
		update=1
	fi
	want+=("libcmocka-dev:$da" "liblwip-dev:$da" "libbearssl-dev:$da")
done
missing=()
for p in "${want[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	echo "test-cross: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	log=$(mktemp)
	if ! { apt-get update -q && apt-get install -y -q --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
		tail -n 30 "$log"; rm -f "$log"
		echo "test-cross.sh: installing packages failed" >&2; exit 1
	fi
	rm -f "$log"
elif [ $update = 1 ]; then
	apt-get update -q >/dev/null
fi

rc=0
NB_NINJA_JOBS=2 "$top/scripts/check-cross.sh" "$out/free" || rc=1

for a in "${arches[@]}"; do
	d=$out/$a
	if [ ! -f "$d/build.ninja" ]; then
		# shellcheck disable=SC2086
		meson setup "$d" "$top" --cross-file "$top/scripts/cross/$a-linux.ini" \
			${NB_MESON_ARGS:-} >/dev/null || { echo "FAIL $a: meson setup"; rc=1; continue; }
	fi
	if ! ninja -C "$d" -j2 >"$d/ninja.log" 2>&1; then
		tail -n 30 "$d/ninja.log"; echo "FAIL $a: build"; rc=1; continue
	fi
	echo "== unit tests on $a (qemu-$a-static)"
	meson test -C "$d" --no-rebuild --suite unit --num-processes 2 --print-errorlogs || rc=1
done
echo "test-cross: $(( $(date +%s) - start )) s, exit $rc"
exit $rc
