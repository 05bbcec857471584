#!/usr/bin/env bash
# Hosted test 4: a DHCP server that never answers us (dnsmasq told to
# ignore our MAC) gives the timeout error within the configured time,
# after retransmitting.
. "$(dirname "$0")/dhcp_env.sh" "$@"
dhcp_up
start_dnsmasq a srv --dhcp-range=10.78.0.100,10.78.0.150,255.255.255.0,1h \
	--dhcp-host="$MAC",ignore
start_capture timeout
t0=$(date +%s%N)
if err=$(in_a timeout 30 "$NBGET" --tap tap0 --mac $MAC --dhcp --dhcp-timeout 4 lease 2>&1); then
	fail "bound without a server: $err"
fi
t1=$(date +%s%N)
stop_capture
ms=$(((t1 - t0) / 1000000))
echo "$err"
echo "gave up after $ms ms (configured 4000 ms)"
grep -q "no DHCP server answered" <<<"$err" || fail "unclear error: $err"
grep -qi "timed out\|timeout" <<<"$err" || fail "not a timeout error: $err"
# The library gives up exactly at the deadline; the rest is process
# start-up and tap set-up on a possibly busy machine.
[ "$ms" -ge 3900 ] && [ "$ms" -le 7000 ] || fail "gave up after $ms ms, configured 4000"
n=$(tshark -r "$WORK/timeout.pcap" -Y 'dhcp.option.dhcp == 1' 2>/dev/null | wc -l)
echo "DISCOVERs sent: $n"
[ "$n" -ge 3 ] || fail "expected retransmissions, saw $n DISCOVERs"
grep -q "DHCPDISCOVER(br0) $MAC ignored" "$WORK/srv.log" || fail "dnsmasq did not see us"
echo "ok: timeout"
