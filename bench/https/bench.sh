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
. "$(dirname "$0")/../lib/webbench.sh"
SUITE=${SUITE:-ECDHE-RSA-AES128-GCM-SHA256}
webbench_up curl openssl
C=$D/ca N=www.boot.test
mkdir -p "$C"
"$top/tests/tls/mkca.sh" "$C" "$N" "$S" || exit 1
head -c 1 /dev/urandom >"$W/one"
webbench_serve "server { listen $S:8080; root $W; }
  server { listen $S:8443 ssl; root $W; ssl_protocols TLSv1.2;
    ssl_certificate $C/rsa.chain.pem; ssl_certificate_key $C/rsa.key;
    ssl_ciphers $SUITE; ssl_session_cache shared:nb:1m; }"

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
TLS=(--ca "$C/root.pem")
CURL=(curl -s --cacert "$C/root.pem" --tlsv1.2 --tls-max 1.2 --resolve "$N:8443:$S")
printf '%-6s %10s %10s %10s %9s %9s %9s %9s %9s\n' "RTT" "curl-tls" "nbget-tls" "nbget-p4" \
	"nbget-http" "tls/curl" "tls/http" "hs-nbget" "hs-curl"
for rtt in $RTTS; do
	webbench_rtt "$rtt"
	c=$(one "$D/c.out" ip netns exec "$NBNS_K" "${CURL[@]}" -o "$D/c.out" "https://$N:8443/f")
	n=$(one "$D/n.out" ip netns exec "$NBNS_C" "$NBGET" "${ME[@]}" "${TLS[@]}" \
		get "https://$S:8443/f" -o "$D/n.out")
	p=$(one "$D/p.out" ip netns exec "$NBNS_C" "$NBGET" "${ME[@]}" "${TLS[@]}" \
		--parallel 4 get "https://$S:8443/f" -o "$D/p.out")
	h=$(one "$D/h.out" ip netns exec "$NBNS_C" "$NBGET" "${ME[@]}" \
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
