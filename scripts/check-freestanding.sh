#!/usr/bin/env bash
# Build the library proper freestanding for x86_64 and i386 and check the
# contract: undefined symbols only memcpy/memmove/memset/memcmp, no mutable
# globals, and report .text size (i386 -Os) and the worst stack frame.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$top/build-free}
rc=0
for arch in x86_64 i386; do
	for opt in s 2; do
		d=$out/$arch-O$opt
		cross=()
		[ $arch = i386 ] && cross=(--cross-file "$top/scripts/i386-freestanding.ini")
		if [ ! -f "$d/build.ninja" ]; then
			# shellcheck disable=SC2086
			meson setup "$d" "$top" "${cross[@]}" ${NB_MESON_ARGS:-} -Dfreestanding=true \
				-Ddefault_library=static -Dbuildtype=plain -Dc_args="-O$opt" >/dev/null
		fi
		ninja -C "$d" >/dev/null
		a=$d/libnetboot.a
		# Link the archive into one relocatable object so references
		# between its own files resolve and only external ones remain.
		m=-m64; [ $arch = i386 ] && m=-m32
		gcc $m -r -nostdlib -Wl,--whole-archive "$a" -Wl,--no-whole-archive -o "$d/whole.o"
		undef=$(nm -u "$d/whole.o" | awk 'NF{print $NF}' | grep -v ':$' | sort -u |
			grep -vxE 'memcpy|memmove|memset|memcmp|_GLOBAL_OFFSET_TABLE_' || true)
		if [ -n "$undef" ]; then
			echo "FAIL $arch -O$opt: undefined symbols beyond mem*: $undef"; rc=1
		fi
		# D/d = initialised data, B/b = bss, C = common: all mutable.
		globals=$(nm "$a" | awk '$2 ~ /^[DdBbCc]$/ {print $3}' | sort -u || true)
		if [ -n "$globals" ]; then
			echo "FAIL $arch -O$opt: mutable globals: $globals"; rc=1
		fi
		text=$(size -t "$a" | awk 'END{print $1}')
		worst=$(cat $(find "$d" -name '*.su') | sort -t$'\t' -k2 -n | tail -1)
		echo "freestanding $arch -O$opt: .text $text bytes; worst stack: $worst"
		wb=$(echo "$worst" | awk -F'\t' '{print $2}')
		if [ "${wb:-0}" -gt 512 ]; then
			echo "FAIL $arch -O$opt: a function needs more than 512 bytes of stack"; rc=1
		fi
	done
done
exit $rc
