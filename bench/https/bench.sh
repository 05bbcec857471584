#!/usr/bin/env bash
# HTTPS download throughput, side by side on the bench/http rig (one
# nginx, nbemu RTT 0/2/20/80 ms, the server limited to 1 Gbit/s by htb):
# nbget over TLS 1.2 (lib/tls on BearSSL) against curl over TLS (OpenSSL,
# the kernel's TCP) and against nbget's own plain HTTP, plus the time of
# a whole fetch of a 1-byte file, HTTPS minus HTTP (the handshake's cost:
# one extra round trip and the key exchange).  Not a timed test: it prints
# a table with ratios.  Goal (issue 14): nbget HTTPS >= 0.9 x curl HTTPS.
#
#   bench/https/bench.sh BUILD_DIR        (root; after ninja)
#
# Env: RTTS ("0 2 20 80"), SIZE_MB (200), RATE (1gbit), REPEAT (2: best
# of), SUITE (ECDHE-RSA-AES128-GCM-SHA256: what nginx offers), CPUS
# (unset: all; e.g. CPUS=0 pins the whole rig to one CPU).
set -uo pipefail
if [ -n "${CPUS:-}" ] && [ -z "${NB_BENCH_PINNED:-}" ]; then
	NB_BENCH_PINNED=1 exec taskset -c "$CPUS" "$0" "$@"
fi
top=$(cd "$(dirname "$0")/../.." && pwd)
build=$(readlink -f "${1:?usage: $0 BUILD_DIR}")
NBGET=$build/tools/nbget/nbget
export NBEMU=$build/tests/tools/nbemu
RTTS=${RTTS:-"0 2 20 80"}
SIZE_MB=${SIZE_MB:-200}
RATE=${RATE:-1gbit}
REPEAT=${REPEAT:-2}
SUITE=${SUITE:-ECDHE-RSA-AES128-GCM-SHA256}
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
for t in curl ip timeout bc openssl "$NGINX" "$NBGET" "$NBEMU"; do
	command -v "$t" >/dev/null || [ -x "$t" ] || { echo "missing: $t" >&2; exit 1; }
done
. "$top/tests/lib/netns.sh"
trap 'set +e; kill "$(cat "$NBNS_DIR/ngx/nginx.pid" 2>/dev/null)" 2>/dev/null; nbns_down' EXIT
nbns_up || exit 1
S=$NBNS_SERVER_IP D=$NBNS_DIR W=$D/www C=$D/ca N=www.boot.test
mkdir -p "$W" "$D/ngx" "$C"
chmod 755 "$D"
"$top/tests/tls/mkca.sh" "$C" "$N" "$S" || exit 1
head -c $((SIZE_MB << 20)) /dev/urandom >"$W/f"
head -c 1 /dev/urandom >"$W/one"
cat >"$D/nginx.conf" <<NGX
daemon off; user root; worker_processes 1; pid $D/ngx/nginx.pid;
error_log $D/ngx/error.log;
events { worker_connections 64; }
http { access_log off; default_type application/octet-stream; sendfile on;
  client_body_temp_path $D/ngx; proxy_temp_path $D/ngx;
  fastcgi_temp_path $D/ngx; uwsgi_temp_path $D/ngx; scgi_temp_path $D/ngx;
  server { listen $S:8080; root $W; }
  server { listen $S:8443 ssl; root $W; ssl_protocols TLSv1.2;
    ssl_certificate $C/rsa.chain.pem; ssl_certificate_key $C/rsa.key;
    ssl_ciphers $SUITE; ssl_session_cache shared:nb:1m; } }
NGX
nbns_exec_server timeout 3600 "$NGINX" -c "$D/nginx.conf" -p "$D/ngx" &
sleep 0.5
nbns_server_rate "$RATE" || exit 1

now() { date +%s.%N; }
# one OUT FILE CMD...: MB/s of the best of REPEAT runs, FAIL if any differs.
one() {
	local out=$1 src=$2 best=0 r t0 t1 mbs
	shift 2
	for ((r = 0; r < REPEAT; r++)); do
		rm -f "$out"
		t0=$(now)
		timeout 900 "$@" >/dev/null 2>&1 || { echo FAIL; return; }
		t1=$(now)
		cmp -s "$out" "$src" || { echo FAIL; return; }
		mbs=$(echo "scale=1; $SIZE_MB * 1.048576 / ($t1 - $t0)" | bc)
		[ "$(echo "$mbs > $best" | bc)" = 1 ] && best=$mbs
	done
	echo "$best"
}
# ms OUT CMD...: milliseconds of the best of 3 runs of a 1-byte fetch.
ms() {
	local out=$1 best=999999 r t0 t1 v
	shift
	for r in 1 2 3; do
		t0=$(now)
		timeout 60 "$@" >/dev/null 2>&1 || { echo FAIL; return; }
		t1=$(now)
		v=$(echo "($t1 - $t0) * 1000 / 1" | bc)
		[ "$v" -lt "$best" ] && best=$v
	done
	echo "$best"
}
ME=(--tap "$NBNS_TAP" --ip "$NBNS_STACK_IP/$NBNS_PREFIX_LEN" --quiet --timeout 800)
TLS=(--ca "$C/root.pem")
CURL=(curl -s --cacert "$C/root.pem" --tlsv1.2 --tls-max 1.2 --resolve "$N:8443:$S")
ratio() { case "$1$2" in *FAIL* | *-*) echo -; return ;; esac; echo "scale=2; $1 / $2" | bc; }
printf '%-6s %10s %10s %10s %9s %9s %9s %9s %9s\n' "RTT" "curl-tls" "nbget-tls" "nbget-p4" \
	"nbget-http" "tls/curl" "tls/http" "hs-nbget" "hs-curl"
for rtt in $RTTS; do
	half=$(echo "scale=1; $rtt / 2" | bc)
	nbns_emu_restart --delay "$half" >/dev/null || exit 1
	c=$(one "$D/c.out" "$W/f" ip netns exec "$NBNS_K" "${CURL[@]}" -o "$D/c.out" "https://$N:8443/f")
	n=$(one "$D/n.out" "$W/f" ip netns exec "$NBNS_C" "$NBGET" "${ME[@]}" "${TLS[@]}" \
		get "https://$S:8443/f" -o "$D/n.out")
	p=$(one "$D/p.out" "$W/f" ip netns exec "$NBNS_C" "$NBGET" "${ME[@]}" "${TLS[@]}" \
		--parallel 4 get "https://$S:8443/f" -o "$D/p.out")
	h=$(one "$D/h.out" "$W/f" ip netns exec "$NBNS_C" "$NBGET" "${ME[@]}" \
		get "http://$S:8080/f" -o "$D/h.out")
	# Handshake cost: a 1-byte fetch over HTTPS minus the same over HTTP.
	t1=$(ms "$D/o1" ip netns exec "$NBNS_C" "$NBGET" "${ME[@]}" "${TLS[@]}" get "https://$S:8443/one" -o "$D/o1")
	t0=$(ms "$D/o0" ip netns exec "$NBNS_C" "$NBGET" "${ME[@]}" get "http://$S:8080/one" -o "$D/o0")
	k1=$(ms "$D/k1" ip netns exec "$NBNS_K" "${CURL[@]}" -o "$D/k1" "https://$N:8443/one")
	k0=$(ms "$D/k0" ip netns exec "$NBNS_K" curl -s -o "$D/k0" "http://$S:8080/one")
	hs() { case "$1$2" in *FAIL*) echo -; return ;; esac; echo "$(($1 - $2))ms"; }
	printf '%-6s %10s %10s %10s %9s %9s %9s %9s %9s\n' "${rtt}ms" "$c" "$n" "$p" "$h" \
		"$(ratio "$n" "$c")" "$(ratio "$n" "$h")" "$(hs "$t1" "$t0")" "$(hs "$k1" "$k0")"
done
echo "(MB/s, best of $REPEAT, $SIZE_MB MiB file, $SUITE, RSA-2048 leaf + ECDSA intermediate;"
echo " hs-*: 1-byte fetch over HTTPS minus over HTTP, best of 3; server limited to $RATE by htb${CPUS:+, CPUs $CPUS only})"
