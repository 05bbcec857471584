#!/usr/bin/env bash
# Hosted test 3: the cached path.  A DHCPACK captured from dnsmasq in this
# test is fed back with --cached-dhcp; a capture on the tap shows that no
# DHCP packet leaves our stack, and a packet for another MAC is refused
# with a clear error.
. "$(dirname "$0")/dhcp_env.sh" "$@"
dhcp_up
start_dnsmasq a srv --dhcp-range=10.78.0.100,10.78.0.150,255.255.255.0,1h \
	--dhcp-option=option:router,10.78.0.1 --dhcp-boot=pxelinux.0 \
	--dhcp-option-force=209,pxelinux.cfg/cached --dhcp-option-force=210,/tftpboot/

echo "--- capture a real DHCPACK"
start_capture exchange
out=$(in_a timeout 30 "$NBGET" --tap tap0 --mac $MAC --dhcp --dhcp-timeout 20 lease 2>&1) || fail "nbget: $out"
stop_capture
echo "$out"
# The ACK's UDP payload, straight from the wire (not from nbget).
tshark -r "$WORK/exchange.pcap" -Y 'dhcp.option.dhcp == 5' -T fields -e udp.payload 2>/dev/null |
	head -1 | xxd -r -p >"$WORK/ack.bin"
[ -s "$WORK/ack.bin" ] || fail "no DHCPACK in the capture"

echo "--- bind from the cached ACK"
start_capture cached
t0=$(date +%s%N)
out2=$(in_a timeout 30 "$NBGET" --tap tap0 --mac $MAC --cached-dhcp "$WORK/ack.bin" \
	ping -c 1 10.78.0.1 2>&1) || fail "nbget cached ping: $out2"
t1=$(date +%s%N)
out3=$(in_a timeout 30 "$NBGET" --tap tap0 --mac $MAC --cached-dhcp "$WORK/ack.bin" lease 2>&1) || fail "nbget cached lease: $out3"
stop_capture
echo "$out3"
for k in ip mask router next_server filename opt209 opt210; do
	[ "$(lease_get "$out" $k)" = "$(lease_get "$out3" $k)" ] || fail "cached $k differs"
done
[ "$(lease_get "$out3" cached)" = 1 ] || fail "not marked cached"
[ "$(lease_get "$out3" dhcp_sent)" = 0 ] || fail "dhcp_sent not 0"
grep -q "1 received" <<<"$out2" || fail "the cached address does not work: $out2"
all=$(tshark -r "$WORK/cached.pcap" 2>/dev/null | wc -l)
n=$(tshark -r "$WORK/cached.pcap" -Y 'dhcp || udp.port==67 || udp.port==68 || udp.port==4011' 2>/dev/null | wc -l)
echo "capture during cached runs: $all frames, $n DHCP"
[ "$all" -ge 2 ] || fail "capture saw nothing (ping should be there)"
[ "$n" = 0 ] || fail "$n DHCP packets on the wire in cached mode"
echo "time to bound lease (cached): $(lease_get "$out3" bound_ms) ms in nbget; cached ping run $(((t1 - t0) / 1000000)) ms wall"

echo "--- a cached ACK for another MAC is refused"
if err=$(in_a timeout 30 "$NBGET" --tap tap0 --mac 02:00:00:00:33:02 --cached-dhcp "$WORK/ack.bin" lease 2>&1); then
	fail "foreign ACK accepted"
fi
echo "$err"
grep -q "chaddr is not our MAC" <<<"$err" || fail "unclear error: $err"
head -c 200 "$WORK/ack.bin" >"$WORK/short.bin"
if err=$(in_a timeout 30 "$NBGET" --tap tap0 --mac $MAC --cached-dhcp "$WORK/short.bin" lease 2>&1); then
	fail "truncated ACK accepted"
fi
echo "$err"
grep -q "malformed" <<<"$err" || fail "unclear error: $err"
echo "ok: cached"
