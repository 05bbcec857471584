#!/bin/sh
# Instructions per payload byte of a TCP receive path, ours vs lwIP, over
# the clean memory link (callgrind counts instructions: no timing noise).
#
#   bench/tcp/callgrind.sh [BUILD_DIR] [BYTES]
#
# Both runs move BYTES (default 64 MiB) between our stack and lwIP in one
# process.  "ours": lwIP sends, our TCP receives; "lwip": our TCP sends,
# lwIP receives.  Only the receiving side's entry points are counted
# (--toggle-collect): the link read, Ethernet/IP/TCP input, the one copy
# into the destination buffer and the ACKs sent back -- for ours
# lp_our_rx (nb_stack_poll + nb_tcp_poll), for lwIP lp_lwip_rx (pbuf
# allocation + ethernet_input + the receive callback's copy) plus
# tcp_tmr, which sends lwIP's delayed ACKs.
#
# Needs valgrind; builds nothing itself (tests/tcp/meson.build builds
# tcp-ipb along with the tests).
set -eu

build=${1:-build}
bytes=${2:-67108864}
exe="$build/tests/tcp/tcp-ipb"
command -v valgrind >/dev/null || { echo "valgrind is missing" >&2; exit 1; }
[ -x "$exe" ] || { echo "$exe not built (ninja -C $build)" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

run() { # side toggle...
	side=$1
	shift
	toggles=""
	for t in "$@"; do toggles="$toggles --toggle-collect=$t"; done
	# shellcheck disable=SC2086
	valgrind --tool=callgrind $toggles --callgrind-out-file="$tmp/$side.out" \
		"$exe" "$side" "$bytes" >"$tmp/$side.log" 2>&1 ||
		{ cat "$tmp/$side.log" >&2; exit 1; }
	grep -q "exact 1" "$tmp/$side.log" ||
		{ echo "$side: transfer not exact" >&2; cat "$tmp/$side.log" >&2; exit 1; }
	# The "totals:" line (or "summary:") holds the collected Ir.
	awk '/^(totals|summary):/ { print $2; exit }' "$tmp/$side.out"
}

# Whole receive path, link driver included (the memlink's frame copy is
# the same code for both sides).
ours=$(run ours lp_our_rx)
lwip=$(run lwip lp_lwip_rx tcp_tmr)
# Stack only: from the frame in memory to the byte in the destination,
# plus timers and ACKs -- what a real driver handing over its DMA buffer
# would cost (lwIP's pbuf allocation and fill are driver work there).
ours_s=$(run ours nb_eth_input nb_tcp_poll)
lwip_s=$(run lwip ethernet_input tcp_tmr)

awk -v b="$bytes" -v o="$ours" -v l="$lwip" -v os="$ours_s" -v ls="$lwip_s" 'BEGIN {
	printf "TCP receive, %d bytes over the clean memlink (callgrind Ir per payload byte)\n", b
	printf "%-24s %10s %10s %12s\n", "path", "ours", "lwIP", "ours/lwIP"
	printf "%-24s %10.3f %10.3f %12.3f\n", "driver + stack", o / b, l / b, o / l
	printf "%-24s %10.3f %10.3f %12.3f\n", "stack only", os / b, ls / b, os / ls
}'
