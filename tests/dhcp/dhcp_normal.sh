#!/usr/bin/env bash
# Hosted test 1: a normal lease from a real dnsmasq, PXE options on the
# wire, 209/210/211 forced by the server, and the user class (77) steering
# the boot file the way servers match "iPXE" for chainloaders.
. "$(dirname "$0")/dhcp_env.sh" "$@"
dhcp_up
start_dnsmasq a srv --dhcp-range=10.78.0.100,10.78.0.150,255.255.255.0,1h \
	--dhcp-option=option:router,10.78.0.1 --dhcp-option=option:dns-server,10.78.0.1,10.78.0.3 \
	--dhcp-option=option:domain-name,boot.test \
	--dhcp-userclass=set:chain,netboot-chain \
	--dhcp-boot=tag:!chain,pxelinux.0 --dhcp-boot=tag:chain,http://10.78.0.1/boot.ipxe \
	--dhcp-option-force=209,pxelinux.cfg/test --dhcp-option-force=210,/tftpboot/ \
	--dhcp-option-force=211,30i

echo "--- 1a. full exchange, PXE options, pxelinux options"
start_capture normal
t0=$(date +%s%N)
out=$(in_a timeout 30 "$NBGET" --tap tap0 --mac $MAC --dhcp --dhcp-timeout 20 lease 2>&1) || fail "nbget: $out"
t1=$(date +%s%N)
stop_capture
echo "$out"
[ "$(lease_get "$out" mask)" = 255.255.255.0 ] || fail "mask"
[ "$(lease_get "$out" router)" = 10.78.0.1 ] || fail "router"
[ "$(lease_get "$out" dns)" = 10.78.0.1,10.78.0.3 ] || fail "dns"
[ "$(lease_get "$out" domain)" = boot.test ] || fail "domain"
[ "$(lease_get "$out" next_server)" = 10.78.0.1 ] || fail "next_server"
[ "$(lease_get "$out" filename)" = pxelinux.0 ] || fail "filename"
[ "$(lease_get "$out" opt209)" = pxelinux.cfg/test ] || fail "opt209"
[ "$(lease_get "$out" opt210)" = /tftpboot/ ] || fail "opt210"
[ "$(lease_get "$out" opt211)" = 30 ] || fail "opt211"
[ "$(lease_get "$out" lease_time)" = 3600 ] || fail "lease_time"
[ "$(lease_get "$out" dhcp_sent)" = 2 ] || fail "expected DISCOVER + REQUEST only"
ip=$(lease_get "$out" ip)
case $ip in 10.78.0.1[0-4][0-9] | 10.78.0.150) ;; *) fail "ip $ip out of range" ;; esac
grep -q "DHCPACK(br0) $ip $MAC" "$WORK/srv.log" || fail "dnsmasq did not log the ACK"
# What we sent, as decoded by tshark from the capture on the tap.
sent=$(tshark -r "$WORK/normal.pcap" -Y 'udp.srcport==68' -T fields -e dhcp.option.type 2>/dev/null)
echo "options sent: $sent"
for o in 53 61 93 94 60 55; do
	grep -Eq "(^|,)$o(,|$)" <<<"$(head -1 <<<"$sent")" || fail "DISCOVER lacks option $o"
done
vc=$(tshark -r "$WORK/normal.pcap" -Y 'udp.srcport==68' -T fields -e dhcp.option.vendor_class_id 2>/dev/null | head -1)
[ "$vc" = PXEClient:Arch:00000:UNDI:002001 ] || fail "vendor class '$vc'"
echo "time to bound lease: $(lease_get "$out" bound_ms) ms in nbget; $(((t1 - t0) / 1000000)) ms process wall time"

echo "--- 1b. user class selects another boot file"
out=$(in_a timeout 30 "$NBGET" --tap tap0 --mac $MAC --dhcp --dhcp-timeout 20 \
	--user-class netboot-chain lease 2>&1) || fail "nbget: $out"
[ "$(lease_get "$out" filename)" = http://10.78.0.1/boot.ipxe ] || fail "user class: filename $(lease_get "$out" filename)"
grep -q "user class: netboot-chain" "$WORK/srv.log" || fail "dnsmasq did not see the user class"
echo "ok: normal lease"
