#!/usr/bin/env bash
# HTTP download throughput, side by side: nbget (our stack on tap0, one
# connection and --parallel 4) against curl (the kernel's TCP, in namespace
# K) and lwip-fetch (lwIP on the same tap), all fetching the same file
# from the same nginx over one emulated path: RTT 0, 2, 20 and 80 ms from
# nbemu, and a 1 Gbit/s htb limit on the server's interface.  Not a timed test: it prints a table with the ratio
# to curl.  Goal: nbget >= 90 % of curl at every RTT.
#
#   bench/http/bench.sh BUILD_DIR        (root; after ninja)
#
# Env: RTTS ("0 2 20 80"), SIZE_MB (200), RATE (1gbit), REPEAT (2: best of),
# IP6 (0; 1 runs nbget and curl over IPv6: fd90::/64, lwIP left out),
# NBGET (another nbget binary, e.g. an older build to compare with),
# LWIP (1; 0 leaves the lwIP column out),
# CPUS (unset: all; e.g. CPUS=0 runs the whole rig on one CPU).  Pinned to
# one CPU is the machine whose other core is busy (another QEMU): there
# the kernel's receive path barely notices, while our stack's per-frame
# and per-ACK costs decide the rate (the ratios in the notes came from such a
# machine; an idle 2-core one only shows the htb limit).
# Times are wall clock of the whole command (process start, ARP, TCP
# handshake and, for nbget, the SHA-256-free write to a file) -- the same
# for both clients.
set -uo pipefail
[ "${IP6:-0}" = 1 ] || IP6=
. "$(dirname "$0")/../lib/webbench.sh"
LWIPF=$build/tests/tcp/lwip-fetch
webbench_up curl sha256sum "$LWIPF"
U=http://$S:8080/f
if [ -n "$IP6" ]; then
	# netns.sh keeps IPv6 off: back on for the server and the kernel client.
	for ns in "$NBNS_S s0 fd90::1" "$NBNS_K k0 fd90::2"; do
		set -- $ns
		ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=0 \
			"net.ipv6.conf.$2.disable_ipv6=0" || exit 1
		ip -n "$1" addr add "$3/64" dev "$2" nodad || exit 1
	done
	LWIP=0
	# The kernel's addresses above skip DAD and are set before the clock
	# starts; without --nodad nbget's clock would include DAD's 1 s.
	ME+=(--ip6 fd90::a/64 --nodad)
	U=http://[fd90::1]:8080/f
fi
webbench_serve "server { listen $S:8080; ${IP6:+listen [fd90::1]:8080;} root $W; }"

SUM=$(sha256sum "$W/f" | cut -d' ' -f1)
BYTES=$(stat -c %s "$W/f")
# lwIP (Debian's liblwip, raw API, TCP_WND 65535) on the same tap: one
# run, since its fixed window makes it slow at long RTTs.  It checks the
# SHA-256 itself; LWIP=0 leaves it out.
lwip() {
	[ "${LWIP:-1}" = 0 ] && { echo -; return; }
	local t0 t1
	t0=$(now)
	ip netns exec "$NBNS_C" timeout 900 "$LWIPF" "$NBNS_TAP" "$NBNS_STACK_IP/$NBNS_PREFIX_LEN" \
		"$S" 8080 "$BYTES" "$SUM" 880 /f >/dev/null 2>&1 || { echo FAIL; return; }
	t1=$(now)
	echo "scale=1; $SIZE_MB * 1.048576 / ($t1 - $t0)" | bc
}
printf '%-6s %10s %10s %10s %10s %8s %8s %8s\n' "RTT" "curl" "nbget" "nbget-p4" "lwip" "ratio" "ratio-p4" "lwip/c"
for rtt in $RTTS; do
	webbench_rtt "$rtt"
	c=$(one "$D/c.out" ip netns exec "$NBNS_K" curl -s -o "$D/c.out" "$U")
	n=$(one "$D/n.out" ip netns exec "$NBNS_C" "$NBGET" "${ME[@]}" get "$U" -o "$D/n.out")
	p=$(one "$D/p.out" ip netns exec "$NBNS_C" "$NBGET" "${ME[@]}" --parallel 4 get "$U" -o "$D/p.out")
	l=$(lwip)
	printf '%-6s %10s %10s %10s %10s %8s %8s %8s\n' "${rtt}ms" "$c" "$n" "$p" "$l" \
		"$(ratio "$n" "$c")" "$(ratio "$p" "$c")" "$(ratio "$l" "$c")"
done
echo "(MB/s, best of $REPEAT, $SIZE_MB MiB file, server limited to $RATE by htb${CPUS:+, CPUs $CPUS only}${IP6:+, over IPv6})"
