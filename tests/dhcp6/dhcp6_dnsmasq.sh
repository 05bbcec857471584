#!/usr/bin/env bash
# Hosted: lib/dhcp6 (through drive-dhcp6's UDP socket) against dnsmasq's
# DHCPv6 in a namespace pair joined by a veth: address from a dynamic
# range, DNS servers, the boot file URL and parameters (the URL only for
# the UEFI PXE vendor class, as dnsmasq matches firmware), with and
# without Rapid Commit.  Everything is removed on exit.
#   dhcp6_dnsmasq.sh DRIVE_DHCP6
set -euo pipefail
DRIVE=$(readlink -f "${1:?usage: $0 DRIVE_DHCP6}")
NS_S=nbd6s$$
NS_C=nbd6c$$
. "$(dirname "$0")/../lib/nstest.sh"
nstest_init nbdhcp6 "$NS_S" "$NS_C" -- ip timeout dnsmasq
in_s() { ip netns exec "$NS_S" "$@"; }
in_c() { ip netns exec "$NS_C" "$@"; }

ip netns add "$NS_S"
ip netns add "$NS_C"
in_s ip link set lo up
in_c ip link set lo up
in_s ip link add vs type veth peer name vc netns "$NS_C"
# No DAD: the link-local addresses are usable the moment the link is up.
in_s sysctl -qw net.ipv6.conf.vs.accept_dad=0
in_c sysctl -qw net.ipv6.conf.vc.accept_dad=0 net.ipv6.conf.vc.accept_ra=0
in_c ip link set vc address 02:00:00:00:66:01
in_s ip addr add fd00:78::1/64 dev vs nodad
in_s ip link set vs up
in_c ip link set vc up
# Both ends hold a usable link-local address before anything is sent.
for ((i = 0; i < 50; i++)); do
	in_c ip -6 addr show dev vc scope link | grep -q 'inet6' &&
		! in_c ip -6 addr show dev vc | grep -q tentative && break
	sleep 0.1
done

in_s timeout 120 dnsmasq --keep-in-foreground --conf-file=/dev/null --port=0 \
	--user=root --group=root --interface=vs --bind-interfaces --log-dhcp \
	--log-facility="$WORK/dnsmasq.log" --dhcp-leasefile="$WORK/leases" \
	--pid-file="$WORK/dnsmasq.pid" \
	--dhcp-range=fd00:78::100,fd00:78::1ff,64,1h \
	--dhcp-option=option6:dns-server,[fd00:78::53],[fd00:78::54] \
	--dhcp-vendorclass=set:uefi,enterprise:343,PXEClient:Arch:00007 \
	--dhcp-option=tag:uefi,option6:bootfile-url,tftp://[fd00:78::1]/boot.efi \
	--dhcp-option=tag:uefi,option6:bootfile-param,quiet \
	>"$WORK/dnsmasq.out" 2>&1 &
pids+=($!)
nstest_started "$WORK/dnsmasq.pid" dnsmasq

check_lease() { # output, expected sent count
	local out=$1 addr
	[ "$(get "$out" result)" = bound ] || fail "not bound: $out"
	addr=$(get "$out" addr)
	case $addr in fd00:78::1[0-9a-f][0-9a-f]) ;; *) fail "address $addr not from the range" ;; esac
	[ "$(get "$out" dns)" = fd00:78::53,fd00:78::54 ] || fail "dns $(get "$out" dns)"
	[ "$(get "$out" sent)" = "$2" ] || fail "sent $(get "$out" sent), expected $2"
	[ "$(get "$out" rx_bad)" = 0 ] || fail "dnsmasq's messages counted malformed"
}

echo "--- 1. Solicit/Advertise/Request/Reply as UEFI PXE (arch 7)"
out=$(in_c timeout 40 "$DRIVE" vc --pxe 7 --uuid --timeout 30 2>&1) || fail "drive-dhcp6: $out"
echo "$out"
check_lease "$out" 2
[ "$(get "$out" boot_url)" = "tftp://[fd00:78::1]/boot.efi" ] || fail "boot_url $(get "$out" boot_url)"
[ "$(get "$out" boot_params)" = quiet ] || fail "boot_params $(get "$out" boot_params)"
[ "$(get "$out" rapid_commit)" = 0 ] || fail "rapid commit used"
grep -q "DHCPREPLY(vs) $(get "$out" addr)" "$WORK/dnsmasq.log" || fail "dnsmasq did not log the Reply"
grep -q "vendor class: 343" "$WORK/dnsmasq.log" || fail "dnsmasq did not see the vendor class"

echo "--- 2. Rapid Commit, no PXE options: no boot URL for a plain client"
out=$(in_c timeout 40 "$DRIVE" vc --rapid --timeout 30 2>&1) || fail "drive-dhcp6: $out"
echo "$out"
check_lease "$out" 1
[ "$(get "$out" rapid_commit)" = 1 ] || fail "no rapid commit"
[ -z "$(get "$out" boot_url)" ] || fail "boot URL given to a non-PXE client"
echo "ok: dhcp6 against dnsmasq"
