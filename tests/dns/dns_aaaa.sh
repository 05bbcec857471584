#!/usr/bin/env bash
# Hosted: lib/dns asking dnsmasq for AAAA (and A) records over IPv4, our
# stack on a tap in a namespace this test creates; a CNAME to a name with
# both families, and a name with only an A record (no AAAA: not found).
#   dns_aaaa.sh DRIVE_DNS
set -euo pipefail
DRIVE=$(readlink -f "${1:?usage: $0 DRIVE_DNS}")
NS=nbdns6$$
. "$(dirname "$0")/../lib/nstest.sh"
nstest_init nbdns6 "$NS" -- ip timeout dnsmasq
in_ns() { ip netns exec "$NS" "$@"; }

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
nstest_started "$WORK/dnsmasq.pid" dnsmasq

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
