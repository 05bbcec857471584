#!/usr/bin/env bash
# Build the library proper freestanding and check the contract: undefined
# symbols only memcpy/memmove/memset/memcmp, no mutable globals, and report
# .text size and the worst stack frame (<= 512 bytes).
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
	# lib/tls (libnetboot_tls.a, compiled against BearSSL's headers only):
	# the same rules, except that BearSSL's own br_* functions and the
	# core library's nb_* ones are what it calls.
	local ta=$d/libnetboot_tls.a
	if [ -f "$ta" ]; then
		"${gcc[@]}" -r -nostdlib -Wl,--whole-archive "$ta" -Wl,--no-whole-archive -o "$d/whole-tls.o" ||
			{ echo "FAIL $arch -O$opt: relocatable link (tls)"; return 1; }
		undef=$("${tool}nm" -u "$d/whole-tls.o" | awk 'NF{print $NF}' | grep -v ':$' | sort -u |
			grep -vxE 'memcpy|memmove|memset|memcmp|_GLOBAL_OFFSET_TABLE_|br_.*|nb_.*' || true)
		if [ -n "$undef" ]; then
			echo "FAIL $arch -O$opt: lib/tls calls beyond mem*, br_* and nb_*: $undef"; rc=1
		fi
		globals=$("${tool}nm" "$ta" | awk '$2 ~ /^[DdBbCc]$/ {print $3}' | sort -u || true)
		if [ -n "$globals" ]; then
			echo "FAIL $arch -O$opt: lib/tls mutable globals: $globals"; rc=1
		fi
		echo "freestanding $arch -O$opt: lib/tls .text $("${tool}size" -t "$ta" | awk 'END{print $1}') bytes"
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
