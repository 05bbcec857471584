#!/usr/bin/env bash
# Build the library proper freestanding and check the contract: undefined
# symbols only memcpy/memmove/memset/memcmp, no mutable globals, and report
# .text size and the worst stack frame (<= 512 bytes).  The same contract
# for what TLS images add (lib/tls and third_party/bearssl's BearSSL) and
# for lib/ip6's, lib/vlan's and lib/dhcp6's archives.
#   check-freestanding.sh [OUT [ARCH...]]
# ARCH defaults to x86_64 i386 (the host's gcc); aarch64, riscv64 and s390x
# use Debian's cross gcc and scripts/cross/ARCH-freestanding.ini
# (scripts/check-cross.sh runs those).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$top/build-free}
shift || true
arches=("$@")
[ ${#arches[@]} -gt 0 ] || arches=(x86_64 i386)

# add_on LABEL WHAT ALLOW ARCHIVE...: the contract for archives an image
# links on top of the library (called by check_one, whose gcc, tool,
# arch, opt, d and a it reads): every symbol they need resolves among
# them and the library but those ALLOW matches, no mutable globals; prints
# their .text.  Returns 1 on any failure.
add_on() {
	local label=$1 what=$2 allow=$3 undef globals r=0
	shift 3
	"${gcc[@]}" -r -nostdlib -Wl,--whole-archive "$a" "$@" -Wl,--no-whole-archive \
		-o "$d/whole-$label.o" ||
		{ echo "FAIL $arch -O$opt: relocatable link with $label"; return 1; }
	undef=$("${tool}nm" -u "$d/whole-$label.o" | awk 'NF{print $NF}' | grep -v ':$' | sort -u |
		grep -vxE "$allow" || true)
	if [ -n "$undef" ]; then
		echo "FAIL $arch -O$opt: $label: undefined symbols beyond mem*: ${undef//$'\n'/ }"; r=1
	fi
	globals=$("${tool}nm" "$@" | awk '$2 ~ /^[DdBbCc]$/ {print $3}' | sort -u || true)
	if [ -n "$globals" ]; then
		echo "FAIL $arch -O$opt: $label: mutable globals: $globals"; r=1
	fi
	echo "freestanding $arch -O$opt: $label adds .text $("${tool}size" -t "$@" |
		awk 'END{print $1}') bytes ($what)"
	return $r
}

# check_one ARCH OPT DIR: build DIR for ARCH at -OOPT and check it; prints
# one "freestanding" line plus a FAIL line per broken rule; returns 1 on
# any failure.  Called in an `||` list, where set -e does not apply, so
# each step checks its own status.
check_one() {
	local arch=$1 opt=$2 d=$3 cross=() tool='' gcc=(gcc) rc=0
	case $arch in
	x86_64) gcc=(gcc -m64) ;;
	i386) cross=(--cross-file "$top/scripts/i386-freestanding.ini"); gcc=(gcc -m32) ;;
	aarch64|riscv64|s390x)
		tool=$arch-linux-gnu-; gcc=("${tool}gcc")
		cross=(--cross-file "$top/scripts/cross/$arch-freestanding.ini") ;;
	*) echo "FAIL $arch: unknown architecture"; return 1 ;;
	esac
	if [ ! -f "$d/build.ninja" ]; then
		# shellcheck disable=SC2086
		meson setup "$d" "$top" "${cross[@]}" ${NB_MESON_ARGS:-} -Dfreestanding=true \
			-Ddefault_library=static -Dbuildtype=plain -Dc_args="-O$opt" >/dev/null ||
			{ echo "FAIL $arch -O$opt: meson setup"; return 1; }
	fi
	ninja -C "$d" ${NB_NINJA_JOBS:+-j"$NB_NINJA_JOBS"} >/dev/null ||
		{ echo "FAIL $arch -O$opt: build"; return 1; }
	local a=$d/libnetboot.a
	# Link the archive into one relocatable object so references
	# between its own files resolve and only external ones remain.
	"${gcc[@]}" -r -nostdlib -Wl,--whole-archive "$a" -Wl,--no-whole-archive -o "$d/whole.o" ||
		{ echo "FAIL $arch -O$opt: relocatable link"; return 1; }
	local undef globals text worst wb
	undef=$("${tool}nm" -u "$d/whole.o" | awk 'NF{print $NF}' | grep -v ':$' | sort -u |
		grep -vxE 'memcpy|memmove|memset|memcmp|_GLOBAL_OFFSET_TABLE_' || true)
	if [ -n "$undef" ]; then
		echo "FAIL $arch -O$opt: undefined symbols beyond mem*: $undef"; rc=1
	fi
	# D/d = initialised data, B/b = bss, C = common: all mutable.
	globals=$("${tool}nm" "$a" | awk '$2 ~ /^[DdBbCc]$/ {print $3}' | sort -u || true)
	if [ -n "$globals" ]; then
		echo "FAIL $arch -O$opt: mutable globals: $globals"; rc=1
	fi
	# What a TLS image links on top: lib/tls's archive and BearSSL as
	# third_party/bearssl compiles it.  Same contract: every symbol
	# they need resolves among them and the library, but mem*.
	# Without BearSSL built freestanding, lib/tls alone may also call
	# br_* (compiled against BearSSL's headers only).
	local tlsa=() t allow='memcpy|memmove|memset|memcmp|_GLOBAL_OFFSET_TABLE_'
	for t in "$d/libnetboot_tls.a" "$d/libbearssl.a"; do
		[ -f "$t" ] && tlsa+=("$t")
	done
	[ -f "$d/libbearssl.a" ] || allow="$allow|br_.*"
	if [ ${#tlsa[@]} -gt 0 ]; then
		add_on TLS "lib/tls and all of BearSSL we compile" "$allow" "${tlsa[@]}" || rc=1
	fi
	# lib/ip6's archive: the same contract over the core library alone.
	if [ -f "$d/libnetboot_ip6.a" ]; then
		add_on ip6 "lib/ip6" 'memcpy|memmove|memset|memcmp|_GLOBAL_OFFSET_TABLE_' \
			"$d/libnetboot_ip6.a" || rc=1
	fi
	# lib/vlan's archive, likewise.
	if [ -f "$d/libnetboot_vlan.a" ]; then
		add_on vlan "lib/vlan" 'memcpy|memmove|memset|memcmp|_GLOBAL_OFFSET_TABLE_' \
			"$d/libnetboot_vlan.a" || rc=1
	fi
	# lib/dhcp6's archive: likewise (sans-I/O, the core library only).
	if [ -f "$d/libnetboot_dhcp6.a" ]; then
		add_on dhcp6 "lib/dhcp6" 'memcpy|memmove|memset|memcmp|_GLOBAL_OFFSET_TABLE_' \
			"$d/libnetboot_dhcp6.a" || rc=1
	fi
	text=$("${tool}size" -t "$a" | awk 'END{print $1}')
	worst=$(find "$d" -name '*.su' -exec cat {} + | sort -t$'\t' -k2 -n | tail -1)
	echo "freestanding $arch -O$opt: .text $text bytes; worst stack: $worst"
	wb=$(echo "$worst" | awk -F'\t' '{print $2}')
	if [ "${wb:-0}" -gt 512 ]; then
		echo "FAIL $arch -O$opt: a function needs more than 512 bytes of stack"; rc=1
	fi
	return $rc
}

rc=0
for arch in "${arches[@]}"; do
	for opt in s 2; do
		check_one "$arch" "$opt" "$out/$arch-O$opt" || rc=1
	done
done
exit $rc
