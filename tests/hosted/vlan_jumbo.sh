#!/usr/bin/env bash
# Link-level paths of nbget, in two namespaces this test creates (removed
# on exit):
#   [S] v0 (server) --veth-- v1 [C], where br0 bridges v1 and tap0 (nbget)
# usage: vlan_jumbo.sh NBGET vlan|jumbo [NBCHAIN_HOSTED]
#   (root; dnsmasq, nginx, tshark, clang)
#   vlan:  v0 is an access port of VLAN 5 (vlan_trunk.bpf.c: tc eBPF tags
#          what leaves v0 and passes only VLAN 5 in, untagged; this kernel
#          has no 8021q module for `ip link ... type vlan`); nbget --vlan 5
#          must get dnsmasq's lease and fetch a file from nginx byte-exact
#          with every captured frame tagged; untagged and --vlan 6 get no
#          lease; the chainloader's script (`set net0/vlan 5`, dhcp,
#          kernel, boot) boots that file over the VLAN.
#   jumbo: every interface at MTU 9000 and DHCP option 26 = 9000; nbget
#          fetches 64 MiB byte-exact, its SYN announces MSS 8960 and its
#          capture (--pcap) holds TCP segments above 1500 bytes.
# The bridge forwards tags as they are; nbemu is not on this path (it
# would lose tags the veth moves into metadata).
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/websrv.sh"
set -euo pipefail
nbget=${1:?usage: $0 NBGET vlan|jumbo}
case=${2:?usage: $0 NBGET vlan|jumbo}
nbchain=${3:-}
fail() { echo "FAIL: $*" >&2; exit 1; }
for t in ip tc clang dnsmasq nginx tshark sha256sum timeout; do
	command -v "$t" >/dev/null || [ -x "/usr/sbin/$t" ] || fail "missing tool: $t"
done
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
DNSMASQ=$(command -v dnsmasq || echo /usr/sbin/dnsmasq)

S=nbvl$$s C=nbvl$$c
D=$(mktemp -d "/tmp/nbvlan.$$.XXXXXX")
cleanup() {
	set +e
	local ns pid
	for ns in "$S" "$C"; do
		for pid in $(ip netns pids "$ns" 2>/dev/null); do kill "$pid" 2>/dev/null; done
	done
	sleep 0.2
	for ns in "$S" "$C"; do ip netns del "$ns" 2>/dev/null; done
	rm -rf "$D"
}
trap cleanup EXIT
trap 'exit 143' TERM INT HUP
in_s() { ip netns exec "$S" "$@"; }
in_c() { ip netns exec "$C" "$@"; }

mtu=1500
[ "$case" = jumbo ] && mtu=9000
for ns in "$S" "$C"; do
	ip netns add "$ns"
	ip -n "$ns" link set lo up
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1 >/dev/null
done
ip -n "$C" link add name v1 mtu $mtu type veth peer name v0 netns "$S"
ip -n "$C" link add name br0 mtu $mtu type bridge stp_state 0 forward_delay 0 mcast_snooping 0
ip -n "$C" tuntap add dev tap0 mode tap
ip -n "$C" link set tap0 mtu $mtu
for i in v1 tap0; do ip -n "$C" link set "$i" master br0 up; done
ip -n "$C" link set br0 up
ip -n "$S" link set v0 mtu $mtu up

W=$D/www
mkdir -p "$W" "$D/ngx"
chmod 755 "$D"
sha() { sha256sum "$1" | cut -d' ' -f1; }
dhcp=(--dhcp-leasefile="$D/leases" --pid-file="$D/dnsmasq.pid")
if [ "$case" = vlan ]; then
	srv=10.78.5.1
	ip -n "$S" addr add $srv/24 dev v0
	clang -O2 -target bpf -DVID=5 -I"/usr/include/$(gcc -print-multiarch)" \
		-c "$here/vlan_trunk.bpf.c" -o "$D/trunk.o"
	in_s tc qdisc add dev v0 clsact
	in_s tc filter add dev v0 egress bpf da obj "$D/trunk.o" sec egress
	in_s tc filter add dev v0 ingress bpf da obj "$D/trunk.o" sec ingress
	dhcp+=(--interface=v0 --dhcp-range=10.78.5.10,10.78.5.10,255.255.255.0)
	size=$((16 << 20))
else
	srv=10.78.9.1
	ip -n "$S" addr add $srv/24 dev v0
	dhcp+=(--interface=v0 --dhcp-range=10.78.9.10,10.78.9.10,255.255.255.0
	       --dhcp-option=26,9000)
	size=$((64 << 20))
fi
head -c $size /dev/urandom >"$W/file"
chmod -R a+rX "$W"
websrv_nginx_conf -c 16 "$D/ngx" "server { listen $srv:80; root $W; }" || fail "nginx.conf"
websrv_nginx_start "$D/ngx" "$S" || fail "nginx did not start"
in_s timeout 300 "$DNSMASQ" -k --conf-file=/dev/null --port=0 --bind-interfaces \
	--log-dhcp --log-facility="$D/dnsmasq.log" "${dhcp[@]}" &
for _ in $(seq 50); do
	in_s ss -ltn | grep -q "$srv:80 " && in_s ss -lun | grep -q ":67 " && break
	sleep 0.1
done
in_s ss -ltn | grep -q "$srv:80 " || fail "nginx did not start"

me=(--tap tap0 --mac 02:00:00:78:00:10 --dhcp --dhcp-timeout 20 --timeout 200)
# lease KEY [nbget args]: one value of `nbget lease`.
lease() {
	local key=$1
	shift
	in_c timeout 60 "$nbget" "${me[@]}" "$@" lease | sed -n "s/^$key=//p"
}

if [ "$case" = vlan ]; then
	echo "--- VLAN 5: a lease"
	out=$(in_c timeout 60 "$nbget" "${me[@]}" --vlan 5 lease) || fail "no lease over VLAN 5: $out"
	echo "$out" | grep -E '^(ip|mtu)='
	grep -qx 'ip=10.78.5.10' <<<"$out" || fail "VLAN 5 lease: $out"
	grep -qx 'mtu=1496' <<<"$out" || fail "the tag must come out of the MTU"
	echo "--- untagged and VLAN 6: nobody answers"
	for v in "" "--vlan 6"; do
		# shellcheck disable=SC2086
		if in_c timeout 30 "$nbget" --tap tap0 --dhcp --dhcp-timeout 4 $v lease >/dev/null 2>&1; then
			fail "a lease off VLAN 5 (${v:-untagged})"
		fi
	done
	echo "--- VLAN 5: fetch $size bytes from nginx"
	err=$(in_c timeout 200 "$nbget" "${me[@]}" --vlan 5 --pcap "$D/cap.pcap" \
		get "http://$srv/file" -o "$D/out" 2>&1) || fail "get: $err"
	echo "$err" | tail -3
	[ "$(sha "$D/out")" = "$(sha "$W/file")" ] || fail "content differs"
	# On the wire every frame carries VLAN 5.
	tagged=$(tshark -r "$D/cap.pcap" -Y 'vlan.id == 5' -T fields -e frame.number 2>/dev/null | wc -l)
	all=$(tshark -r "$D/cap.pcap" -T fields -e frame.number 2>/dev/null | wc -l)
	echo "capture: $all frames, $tagged tagged with VLAN 5"
	[ "$all" -gt 1000 ] && [ "$tagged" = "$all" ] || fail "untagged frames on the VLAN path"
	# Without the chainloader in the build (-Dskip), meson passes none.
	[ -n "$nbchain" ] || { echo "ok: lease and byte-exact download over VLAN 5"; exit 0; }
	echo "--- the chainloader: set net0/vlan 5"
	printf '#!ipxe\nset net0/vlan 5\ndhcp\nkernel http://%s/file\nboot\n' $srv >"$D/s.ipxe"
	mkdir -p "$D/cl"
	out=$(in_c timeout 120 "$nbchain" --tap tap0 --mac 02:00:00:78:00:10 \
		--script "$D/s.ipxe" --out "$D/cl" 2>&1) || true
	grep -E '^net:|BOOT' <<<"$out" || true
	grep -q "net: 10.78.5.10 " <<<"$out" || fail "chainloader: no lease over VLAN 5: $out"
	grep -q "BOOT kernel .* sha256 $(sha "$W/file")" <<<"$out" ||
		fail "chainloader: did not boot the file over VLAN 5"
	echo "ok: lease and byte-exact download over VLAN 5 (nbget and the chainloader)"
else
	echo "--- option 26 = 9000"
	[ "$(lease mtu)" = 9000 ] || fail "MTU 9000 not applied"
	echo "--- fetch 64 MiB at MTU 9000"
	t0=$(date +%s%N)
	err=$(in_c timeout 200 "$nbget" "${me[@]}" --pcap "$D/cap.pcap" \
		get "http://$srv/file" -o "$D/out" 2>&1) || fail "get: $err"
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	echo "$err" | tail -3
	[ "$(sha "$D/out")" = "$(sha "$W/file")" ] || fail "content differs"
	grep -q 'link mtu=9000' <<<"$err" || fail "nbget did not run at MTU 9000"
	mss=$(tshark -r "$D/cap.pcap" -Y 'tcp.flags.syn == 1 && tcp.flags.ack == 0' \
		-T fields -e tcp.options.mss_val 2>/dev/null | head -1)
	read -r big max < <(tshark -r "$D/cap.pcap" -Y "tcp.srcport == 80" -T fields \
		-e frame.len 2>/dev/null | awk '$1 > 1514 {n++} $1 > m {m = $1} END {print n + 0, m + 0}')
	echo "SYN MSS $mss; $big server frames above 1514 bytes, largest $max; ${ms} ms"
	[ "$mss" = 8960 ] || fail "SYN MSS $mss, want 8960"
	[ "$big" -gt 1000 ] && [ "$max" -le 9014 ] || fail "no jumbo segments (or oversized ones)"
	echo "ok: 64 MiB byte-exact at MTU 9000"
fi
