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
if [ -n "${CPUS:-}" ] && [ -z "${NB_BENCH_PINNED:-}" ]; then
	NB_BENCH_PINNED=1 exec taskset -c "$CPUS" "$0" "$@"
fi
top=$(cd "$(dirname "$0")/../.." && pwd)
build=$(readlink -f "${1:?usage: $0 BUILD_DIR}")
NBGET=${NBGET:-$build/tools/nbget/nbget}
LWIPF=$build/tests/tcp/lwip-fetch
export NBEMU=$build/tests/tools/nbemu
RTTS=${RTTS:-"0 2 20 80"}
[ "${IP6:-0}" = 1 ] || IP6=
SIZE_MB=${SIZE_MB:-200}
RATE=${RATE:-1gbit}
REPEAT=${REPEAT:-2}
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
for t in curl ip timeout bc sha256sum "$NGINX" "$NBGET" "$NBEMU" "$LWIPF"; do
	command -v "$t" >/dev/null || [ -x "$t" ] || { echo "missing: $t" >&2; exit 1; }
done
. "$top/tests/lib/netns.sh"
trap 'set +e; kill "$(cat "$NBNS_DIR/ngx/nginx.pid" 2>/dev/null)" 2>/dev/null; nbns_down' EXIT
nbns_up || exit 1
S=$NBNS_SERVER_IP D=$NBNS_DIR W=$D/www
mkdir -p "$W" "$D/ngx"
chmod 755 "$D"
head -c $((SIZE_MB << 20)) /dev/urandom >"$W/f"
cat >"$D/nginx.conf" <<NGX
daemon off; user root; worker_processes 1; pid $D/ngx/nginx.pid;
error_log $D/ngx/error.log;
events { worker_connections 64; }
http { access_log off; default_type application/octet-stream; sendfile on;
  client_body_temp_path $D/ngx; proxy_temp_path $D/ngx;
  fastcgi_temp_path $D/ngx; uwsgi_temp_path $D/ngx; scgi_temp_path $D/ngx;
  server { listen $S:8080; ${IP6:+listen [fd90::1]:8080;} root $W; } }
NGX
if [ -n "$IP6" ]; then
	# netns.sh keeps IPv6 off: back on for the server and the kernel client.
	for ns in "$NBNS_S s0 fd90::1" "$NBNS_K k0 fd90::2"; do
		set -- $ns
		ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=0 \
			"net.ipv6.conf.$2.disable_ipv6=0" || exit 1
		ip -n "$1" addr add "$3/64" dev "$2" nodad || exit 1
	done
	LWIP=0
fi
nbns_exec_server timeout 3600 "$NGINX" -c "$D/nginx.conf" -p "$D/ngx" &
sleep 0.5
nbns_server_rate "$RATE" || exit 1

now() { date +%s.%N; }
# one OUT CMD...: MB/s of the best of REPEAT runs, FAIL if any differs.
one() {
	local out=$1 best=0 r t0 t1 mbs
	shift
	for ((r = 0; r < REPEAT; r++)); do
		rm -f "$out"
		t0=$(now)
		timeout 900 "$@" >/dev/null 2>&1 || { echo FAIL; return; }
		t1=$(now)
		cmp -s "$out" "$W/f" || { echo FAIL; return; }
		mbs=$(echo "scale=1; $SIZE_MB * 1.048576 / ($t1 - $t0)" | bc)
		[ "$(echo "$mbs > $best" | bc)" = 1 ] && best=$mbs
	done
	echo "$best"
}
ME=(--tap "$NBNS_TAP" --ip "$NBNS_STACK_IP/$NBNS_PREFIX_LEN" --quiet --timeout 800)
U=http://$S:8080/f
if [ -n "$IP6" ]; then
	ME+=(--ip6 fd90::a/64)
	U=http://[fd90::1]:8080/f
fi
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
	half=$(echo "scale=1; $rtt / 2" | bc)
	nbns_emu_restart --delay "$half" >/dev/null || exit 1
	c=$(one "$D/c.out" ip netns exec "$NBNS_K" curl -s -o "$D/c.out" "$U")
	n=$(one "$D/n.out" ip netns exec "$NBNS_C" "$NBGET" "${ME[@]}" get "$U" -o "$D/n.out")
	p=$(one "$D/p.out" ip netns exec "$NBNS_C" "$NBGET" "${ME[@]}" --parallel 4 get "$U" -o "$D/p.out")
	l=$(lwip)
	ratio() { case "$1$2" in *FAIL* | *-*) echo -; return ;; esac; echo "scale=2; $1 / $2" | bc; }
	printf '%-6s %10s %10s %10s %10s %8s %8s %8s\n' "${rtt}ms" "$c" "$n" "$p" "$l" \
		"$(ratio "$n" "$c")" "$(ratio "$p" "$c")" "$(ratio "$l" "$c")"
done
echo "(MB/s, best of $REPEAT, $SIZE_MB MiB file, server limited to $RATE by htb${CPUS:+, CPUs $CPUS only}${IP6:+, over IPv6})"
