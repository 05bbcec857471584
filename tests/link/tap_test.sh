#!/usr/bin/env bash
# Hosted: attach our tap driver to a tap device inside a network namespace
# this script creates, talk to the kernel behind it, and check the capture
# with tshark.  Needs root; never touches the host's own interfaces.
set -euo pipefail
bin=$1
for tool in ip tshark timeout; do
	command -v $tool >/dev/null || { echo "FAIL: $tool not installed (scripts/deps.d/link.txt)"; exit 1; }
done
[ "$(id -u)" -eq 0 ] || { echo "FAIL: needs root for ip netns"; exit 1; }
ns=nbtap$$
dev=nbtap$$
dev=${dev:0:15}
tmp=$(mktemp -d /tmp/nb-tap.$$.XXXXXX)
cleanup() { ip netns del "$ns" 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT
ip netns add "$ns"
ip -n "$ns" link set lo up
ip -n "$ns" tuntap add dev "$dev" mode tap
# No IPv6 on the tap: keeps router solicitations out of the capture.
ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
ip -n "$ns" addr add 10.77.0.1/24 dev "$dev"
ip -n "$ns" link set "$dev" up
timeout 60 ip netns exec "$ns" "$bin" "$dev" 10.77.0.1 10.77.0.2 "$tmp/tap.pcap"
export HOME=$tmp
replies=$(timeout 60 tshark -r "$tmp/tap.pcap" -Y 'icmp.type == 0 && ip.src == 10.77.0.1' | wc -l)
arp=$(timeout 60 tshark -r "$tmp/tap.pcap" -Y 'arp.opcode == 2 && arp.src.proto_ipv4 == 10.77.0.1' | wc -l)
echo "tshark: $replies echo replies, $arp ARP replies from the kernel"
[ "$replies" -eq 5 ] && [ "$arp" -ge 1 ] || { echo "FAIL: capture lacks the exchange"; exit 1; }
echo PASS
