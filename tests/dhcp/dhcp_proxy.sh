#!/usr/bin/env bash
# Hosted test 2: ProxyDHCP.  One dnsmasq gives addresses only; a second
# one, in its own namespace on the same bridge, runs in proxy mode with a
# PXE boot menu, so the boot file comes from its port-4011 reply.
. "$(dirname "$0")/dhcp_env.sh" "$@"
dhcp_up --proxy-ns
start_dnsmasq a srv --dhcp-range=10.78.0.100,10.78.0.150,255.255.255.0,1h \
	--dhcp-option=option:router,10.78.0.1
start_dnsmasq p proxy --dhcp-range=10.78.0.0,proxy,255.255.255.0 \
	--pxe-prompt="Booting",1 --pxe-service=x86PC,"Network boot",pxelinux

start_capture proxy
out=$(in_a timeout 30 "$NBGET" --tap tap0 --mac $MAC --dhcp --dhcp-timeout 20 \
	--save-dhcp "$WORK/ack.bin" lease 2>&1) || fail "nbget: $out"
stop_capture
echo "$out"
[ "$(lease_get "$out" server)" = 10.78.0.1 ] || fail "address server"
[ "$(lease_get "$out" proxy)" = 10.78.0.2 ] || fail "proxy"
[ "$(lease_get "$out" router)" = 10.78.0.1 ] || fail "router from the address server"
[ "$(lease_get "$out" next_server)" = 10.78.0.2 ] || fail "next_server from the proxy"
[ "$(lease_get "$out" filename)" = pxelinux.0 ] || fail "filename from the boot server"
[ "$(lease_get "$out" pxe)" = 1 ] || fail "PXE server not recognised"
[ "$(lease_get "$out" dhcp_sent)" = 3 ] || fail "expected DISCOVER, REQUEST, port-4011 REQUEST"
ip=$(lease_get "$out" ip)
case $ip in 10.78.0.1[0-4][0-9] | 10.78.0.150) ;; *) fail "ip $ip out of range" ;; esac
n=$(tshark -r "$WORK/proxy.pcap" -Y "udp.dstport==4011 && ip.src==$ip" 2>/dev/null | wc -l)
[ "$n" -ge 1 ] || fail "no request to the proxy's port 4011 on the wire"
n=$(tshark -r "$WORK/proxy.pcap" -Y "udp.srcport==4011 && ip.src==10.78.0.2" 2>/dev/null | wc -l)
[ "$n" -ge 1 ] || fail "no reply from port 4011"
[ -s "$WORK/ack.bin.proxy" ] && [ -s "$WORK/ack.bin.boot" ] || fail "--save-dhcp kept no proxy/boot packets"
echo "time to bound lease: $(lease_get "$out" bound_ms) ms"
# Real server packets as fuzz seeds (how fuzz/dhcp/corpus/dnsmasq-* was made).
if [ -n "${NB_DHCP_CORPUS:-}" ]; then
	cp "$WORK/ack.bin" "$NB_DHCP_CORPUS/dnsmasq-ack"
	cp "$WORK/ack.bin.proxy" "$NB_DHCP_CORPUS/dnsmasq-proxy-offer"
	cp "$WORK/ack.bin.boot" "$NB_DHCP_CORPUS/dnsmasq-boot-ack"
fi

echo "--- the saved ACK + boot reply, reused: same lease, no packet"
out2=$(in_a timeout 30 "$NBGET" --tap tap0 --mac $MAC --cached-dhcp "$WORK/ack.bin" \
	--cached-proxy "$WORK/ack.bin.boot" lease 2>&1) || fail "cached: $out2"
for k in ip mask router next_server filename; do
	[ "$(lease_get "$out" $k)" = "$(lease_get "$out2" $k)" ] || fail "cached $k differs"
done
[ "$(lease_get "$out2" dhcp_sent)" = 0 ] || fail "cached path sent packets"
echo "ok: ProxyDHCP"
