#!/usr/bin/env bash
# Hosted: nbget --dhcp6 on a tap in a namespace this test creates, the
# kernel's side of the tap being the server: dnsmasq leases an address
# from a stateful range (Rapid Commit and the four-message exchange) with
# DNS servers and a boot file URL, and advertises the prefix on-link (no
# SLAAC).  nbget then fetches the boot URL from nginx over v6 byte-exact,
# and resolves a name by AAAA over v6 from the DHCPv6 DNS server (and
# from --dns6 with a static address).  A capture on the kernel's side
# shows our MLDv2 reports and a port unreachable for a closed UDP port.
# Everything is removed on exit.
#   nbget_dhcp6.sh NBGET
set -euo pipefail
NBGET=$(readlink -f "${1:?usage: $0 NBGET}")
NS=nbd6g$$
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/nstest.sh"
. "$here/../lib/websrv.sh"
nstest_init nbdhcp6get "$NS" -- ip timeout sha256sum tshark python3
websrv_need nginx dnsmasq || exit 1
in_ns() { ip netns exec "$NS" "$@"; }
S6=fd00:7a::1

ip netns add "$NS"
in_ns ip link set lo up
in_ns ip tuntap add dev tap0 mode tap
in_ns sysctl -qw net.ipv6.conf.tap0.accept_dad=0 net.ipv6.conf.tap0.accept_ra=0
in_ns ip addr add "$S6/64" dev tap0 nodad
in_ns ip link set tap0 up

W=$WORK/www
mkdir -p "$W" "$WORK/ngx"
chmod 755 "$WORK"
head -c $((4 << 20)) /dev/urandom >"$W/boot.img"
chmod -R a+rX "$W"
websrv_nginx_conf -l '$remote_addr $request' "$WORK/ngx" \
	"server { listen [$S6]:8080; root $W; }" || fail "nginx.conf"
websrv_nginx_start "$WORK/ngx" "$NS" || fail "nginx did not start"
pids+=("$(cat "$WORK/ngx/nginx.pid")")

# DNS on the same address as the web server; enable-ra announces the
# range's prefix on-link with the M flag (addresses by DHCPv6 only).
in_ns timeout 300 "$DNSMASQ" --keep-in-foreground --conf-file=/dev/null \
	--user=root --group=root --interface=tap0 --bind-dynamic \
	--no-resolv --no-hosts --log-dhcp --log-queries \
	--log-facility="$WORK/dnsmasq.log" --dhcp-leasefile="$WORK/leases" \
	--pid-file="$WORK/dnsmasq.pid" --enable-ra \
	--dhcp-range=fd00:7a::100,fd00:7a::1ff,64,1h \
	--dhcp-option=option6:dns-server,[$S6] \
	--dhcp-option=option6:bootfile-url,"http://[$S6]:8080/boot.img" \
	--host-record=boot.test,$S6 --local=/test/ \
	>"$WORK/dnsmasq.out" 2>&1 &
pids+=($!)
nstest_started "$WORK/dnsmasq.pid" dnsmasq

nb() { in_ns timeout 120 "$NBGET" --tap tap0 --timeout 90 --dhcp-timeout 30 "$@"; }
sha() { sha256sum "$1" | cut -d' ' -f1; }

check_lease() { # output, expected packets sent, rapid commit 0/1
	local out=$1 addr
	addr=$(get "$out" ip6)
	case $addr in fd00:7a::1[0-9a-f][0-9a-f]) ;; *) fail "address '$addr' not from the range: $out" ;; esac
	[ "$(get "$out" dns6)" = "$S6" ] || fail "dns6 $(get "$out" dns6)"
	[ "$(get "$out" boot_url)" = "http://[$S6]:8080/boot.img" ] || fail "boot_url $(get "$out" boot_url)"
	[ "$(get "$out" dhcp6_sent)" = "$2" ] || fail "sent $(get "$out" dhcp6_sent), expected $2"
	[ "$(get "$out" rapid_commit)" = "$3" ] || fail "rapid_commit $(get "$out" rapid_commit)"
	grep -q "DHCPREPLY(tap0) $addr" "$WORK/dnsmasq.log" || fail "dnsmasq did not log the Reply for $addr"
}

echo "--- 1. --dhcp6 with Rapid Commit: the lease"
out=$(nb --dhcp6 lease 2>"$WORK/l1.err") || fail "lease: $out $(cat "$WORK/l1.err")"
echo "$out"
check_lease "$out" 1 1

echo "--- 2. --dhcp6 --no-rapid-commit: Solicit, Advertise, Request, Reply"
out=$(nb --dhcp6 --no-rapid-commit lease 2>"$WORK/l2.err") || fail "lease: $out $(cat "$WORK/l2.err")"
echo "$out"
check_lease "$out" 2 0

echo "--- 3. the boot URL from the lease, over v6, byte-exact"
url=$(get "$out" boot_url)
nb --dhcp6 get "$url" -o "$WORK/got" >"$WORK/get.log" 2>&1 || fail "get: $(cat "$WORK/get.log")"
[ "$(sha "$WORK/got")" = "$(sha "$W/boot.img")" ] || fail "boot.img differs"
mine=$(sed -n 's|^nbget: dhcp6 \([^/]*\)/128.*|\1|p' "$WORK/get.log")
[ -n "$mine" ] || fail "no dhcp6 address: $(cat "$WORK/get.log")"
grep -q "^$mine GET /boot.img " "$WORK/ngx/access.log" ||
	fail "nginx saw no request from $mine: $(cat "$WORK/ngx/access.log")"
echo "ok   $mine fetched $url"
echo "--- 4. a name: AAAA over v6 from the lease's DNS server, then nginx"
url="http://boot.test:8080/boot.img"
rm -f "$WORK/got"
nb --dhcp6 get "$url" -o "$WORK/got" >"$WORK/name.log" 2>&1 || fail "get by name: $(cat "$WORK/name.log")"
[ "$(sha "$WORK/got")" = "$(sha "$W/boot.img")" ] || fail "boot.img by name differs"
mine=$(sed -n 's|^nbget: dhcp6 \([^/]*\)/128.*|\1|p' "$WORK/name.log")
grep -q "query\[AAAA\] boot.test from $mine" "$WORK/dnsmasq.log" ||
	fail "dnsmasq saw no AAAA query over v6 from $mine"
[ "$(grep -c "^$mine GET /boot.img " "$WORK/ngx/access.log")" = 1 ] || fail "nginx: no request from $mine"
echo "ok   $mine resolved boot.test over v6 and fetched it"

echo "--- 5. v6 only, --dns6 given, no DHCPv6: a static address"
rm -f "$WORK/got"
nb --ip6 fd00:7a::77/64 --nodad --dns6 "$S6" get "$url" -o "$WORK/got" >"$WORK/static.log" 2>&1 ||
	fail "get by name, static: $(cat "$WORK/static.log")"
[ "$(sha "$WORK/got")" = "$(sha "$W/boot.img")" ] || fail "boot.img (static) differs"
grep -q "query\[AAAA\] boot.test from fd00:7a::77" "$WORK/dnsmasq.log" || fail "no AAAA query from fd00:7a::77"
echo "ok   --dns6"
echo "--- 6. as the kernel sees it: an MLDv2 report per address, port unreachable"
# A live capture printing one line per frame as it comes (-l), so what
# was seen is on disk before tshark stops; -a bounds it.  ip netns exec
# execs tshark, so $! is tshark itself and SIGTERM reaches it (SIGINT
# is ignored by a background job of a script).
cap="$WORK/cap.txt"
ip netns exec "$NS" tshark -n -i tap0 -l -a duration:90 -T fields -E separator=/t \
	-e eth.type -e ipv6.src -e ipv6.hlim -e icmpv6.type -e icmpv6.code \
	-e icmpv6.mldr.mar.multicast_address >"$cap" 2>"$WORK/tshark.err" &
tsh=$!
pids+=("$tsh")
# "Capturing on" alone is not proof: until a frame of our own shows up
# in the output, frames from nbget could go unseen.  The tap has no
# carrier before nbget opens it, so the probe is written into it.
probe_tap() {
	in_ns timeout 10 python3 -c '
import fcntl, os, struct
fd = os.open("/dev/net/tun", os.O_RDWR)
fcntl.ioctl(fd, 0x400454ca, struct.pack("16sH", b"tap0", 0x0002 | 0x1000))
os.write(fd, b"\xff" * 6 + b"\x02\0\0\0\0\x01" + b"\x88\xb5" + b"capture probe " * 4)
'
}
for ((i = 0; i < 100; i++)); do
	grep -q "^0x88b5" "$cap" && break
	((i % 10)) || probe_tap || fail "could not write the probe into tap0"
	sleep 0.1
done
grep -q "^0x88b5" "$cap" || fail "the capture saw no probe: $(cat "$WORK/tshark.err")"
nb --ip6 fd00:7a::77/64 serve --seconds 6 >"$WORK/serve.out" 2>"$WORK/serve.err" &
srv=$!
for ((i = 0; i < 100; i++)); do
	grep -q "ip6 fd00:7a::77/64" "$WORK/serve.err" 2>/dev/null && break
	sleep 0.1
done
grep -q "ip6 fd00:7a::77/64" "$WORK/serve.err" || fail "serve: $(cat "$WORK/serve.err")"
# A connected UDP socket learns of a port unreachable as a refusal.
in_ns timeout 10 python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.settimeout(3)
s.connect(("fd00:7a::77", 9))
s.send(b"anyone?")
try:
    s.recv(100)
except ConnectionRefusedError:
    sys.exit(0)
sys.exit("no port unreachable")
' || fail "UDP to a closed port of ours was not refused"
wait "$srv" || fail "serve: $(cat "$WORK/serve.err")"
kill -TERM "$tsh" 2>/dev/null || true
wait "$tsh" 2>/dev/null || true
# MLDv2 reports: source, hop limit, group(s).
mld=$(awk -F'\t' '$4 == "143" { print $2 "\t" $3 "\t" $6 }' "$cap")
echo "$mld"
grep -q "^::	1	ff02::1:ff00:77$" <<<"$mld" || fail "no MLDv2 report for fd00:7a::77's group: $mld"
[ "$(grep -c "^::	1	ff02::1:ff" <<<"$mld")" -ge 2 ] || fail "no MLDv2 report for the link-local group: $mld"
# Fields list the error's header first, then the quoted datagram's.
unr=$(awk -F'\t' '$4 == "1" && $5 == "4" { print $2 }' "$cap")
[ "$(head -1 <<<"$unr" | cut -d, -f1)" = fd00:7a::77 ] ||
	fail "no port unreachable on the wire: $unr"
echo "ok   MLDv2 reports and port unreachable seen by the kernel"
echo "ok: nbget --dhcp6 and names over v6"
