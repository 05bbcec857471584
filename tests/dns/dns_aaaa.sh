#!/usr/bin/env bash
# Hosted: lib/dns asking dnsmasq for AAAA (and A) records over IPv4, our
# stack on a tap in a namespace this test creates; a CNAME to a name with
# both families, and a name with only an A record (no AAAA: not found).
#   dns_aaaa.sh DRIVE_DNS
set -euo pipefail
DRIVE=$(readlink -f "${1:?usage: $0 DRIVE_DNS}")
for t in ip timeout dnsmasq; do
	command -v "$t" >/dev/null || { echo "FAIL: missing tool: $t" >&2; exit 1; }
done
NS=nbdns6$$
WORK=$(mktemp -d "/tmp/nbdns6.$$.XXXXXX")
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
	ip netns del "$NS" 2>/dev/null || true
	[ "${KEEP:-0}" = 1 ] || rm -rf "$WORK"
}
trap cleanup EXIT
fail() {
	echo "FAIL: $*" >&2
	for f in "$WORK"/*.log; do [ -f "$f" ] && { echo "== $f"; tail -n 30 "$f"; } >&2; done
	exit 1
}
in_ns() { ip netns exec "$NS" "$@"; }
get() { sed -n "s/^$2=//p" <<<"$1"; }

ip netns add "$NS"
in_ns ip link set lo up
in_ns ip tuntap add dev tap0 mode tap
in_ns ip addr add 10.79.0.1/24 dev tap0
in_ns ip link set tap0 up
in_ns timeout 120 dnsmasq --keep-in-foreground --conf-file=/dev/null --no-resolv \
	--no-hosts --user=root --group=root --interface=tap0 --bind-interfaces \
	--listen-address=10.79.0.1 --log-queries --log-facility="$WORK/dnsmasq.log" \
	--pid-file="$WORK/dnsmasq.pid" \
	--host-record=boot.test,10.79.0.80,fd00:79::80 \
	--host-record=v4only.test,10.79.0.81 \
	--cname=alias.test,boot.test --local=/test/ \
	>"$WORK/dnsmasq.out" 2>&1 &
pids+=($!)
for ((i = 0; i < 50; i++)); do
	[ -s "$WORK/dnsmasq.pid" ] && break
	sleep 0.1
done
[ -s "$WORK/dnsmasq.pid" ] || fail "dnsmasq did not start"

run() { in_ns timeout 30 "$DRIVE" tap0 10.79.0.10/24 10.79.0.1 "$@" 2>&1; }
out=$(run boot.test aaaa) || fail "AAAA boot.test: $out"
echo "$out"
[ "$(get "$out" addr)" = fd00:79::80 ] || fail "AAAA boot.test gave $(get "$out" addr)"
out=$(run alias.test aaaa) || fail "AAAA alias.test: $out"
[ "$(get "$out" addr)" = fd00:79::80 ] || fail "AAAA through a CNAME gave $(get "$out" addr)"
out=$(run boot.test a) || fail "A boot.test: $out"
[ "$(get "$out" addr)" = 10.79.0.80 ] || fail "A boot.test gave $(get "$out" addr)"
# --local=/test/: dnsmasq answers from its records alone (NODATA here).
if out=$(run v4only.test aaaa); then fail "AAAA for a v4-only name: $out"; fi
echo "$out"
[ "$(get "$out" why)" = "no such host name" ] || fail "v4-only name: $out"
grep -q "query\[AAAA\] boot.test" "$WORK/dnsmasq.log" || fail "dnsmasq saw no AAAA query"
echo "ok: dns AAAA"
