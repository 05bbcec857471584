# shellcheck shell=bash
# Shared setup of the hosted DHCP tests: a namespace this test creates,
# holding a bridge br0 (10.78.0.1, where dnsmasq serves) with our stack's
# tap0 on it, and optionally a second namespace (10.78.0.2) on the same
# bridge for a ProxyDHCP server.  Everything is removed on exit.
#
#   . dhcp_env.sh NBGET      then: dhcp_up [--proxy-ns]; in_a CMD; in_p CMD
set -euo pipefail
NBGET=${1:?usage: $0 NBGET}
NBGET=$(readlink -f "$NBGET")
for t in ip timeout dnsmasq tshark dumpcap xxd; do
	command -v "$t" >/dev/null || { echo "FAIL: missing tool: $t" >&2; exit 1; }
done
NS_A=nbdhcp$$a
NS_P=nbdhcp$$p
WORK=$(mktemp -d "/tmp/nbdhcp.$$.XXXXXX")
SERVER_IP=10.78.0.1
PROXY_IP=10.78.0.2
MAC=02:00:00:00:33:01
pids=()

dhcp_cleanup() {
	local p ns
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	# Anything else still inside our namespaces was started by this test.
	for ns in "$NS_A" "$NS_P"; do
		[ -e "/run/netns/$ns" ] || continue
		for p in $(ip netns pids "$ns" 2>/dev/null); do kill "$p" 2>/dev/null || true; done
	done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
	ip netns del "$NS_A" 2>/dev/null || true
	ip netns del "$NS_P" 2>/dev/null || true
	[ "${KEEP:-0}" = 1 ] || rm -rf "$WORK"
}
trap dhcp_cleanup EXIT
fail() {
	echo "FAIL: $*" >&2
	for f in "$WORK"/*.log; do [ -f "$f" ] && { echo "== $f"; tail -n 30 "$f"; } >&2; done
	exit 1
}
in_a() { ip netns exec "$NS_A" "$@"; }
in_p() { ip netns exec "$NS_P" "$@"; }

dhcp_up() {
	ip netns add "$NS_A"
	in_a ip link set lo up
	in_a sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
	in_a ip link add br0 type bridge stp_state 0 forward_delay 0 mcast_snooping 0
	in_a ip tuntap add dev tap0 mode tap
	in_a ip link set tap0 master br0 up
	in_a ip addr add "$SERVER_IP/24" dev br0
	in_a ip link set br0 up
	if [ "${1:-}" = --proxy-ns ]; then
		ip netns add "$NS_P"
		in_p ip link set lo up
		in_p sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
		in_a ip link add pv0 type veth peer name p0 netns "$NS_P"
		in_a ip link set pv0 master br0 up
		in_p ip addr add "$PROXY_IP/24" dev p0
		in_p ip link set p0 up
	fi
}

# dnsmasq in namespace $1 (a|p) with a name for its files, then options.
start_dnsmasq() {
	local where=$1 name=$2
	shift 2
	local ns=$NS_A iface=br0
	[ "$where" = p ] && { ns=$NS_P; iface=p0; }
	# ip netns exec and timeout exec in place, so $! is timeout itself,
	# which passes our kill on to dnsmasq.
	ip netns exec "$ns" timeout 120 dnsmasq --keep-in-foreground \
		--conf-file=/dev/null --port=0 --user=root --group=root \
		--interface="$iface" --bind-interfaces --no-ping --log-dhcp \
		--log-facility="$WORK/$name.log" --dhcp-leasefile="$WORK/$name.leases" \
		--pid-file="$WORK/$name.pid" "$@" >"$WORK/$name.out" 2>&1 &
	pids+=($!)
	local i
	for ((i = 0; i < 50; i++)); do
		[ -s "$WORK/$name.pid" ] && return 0
		sleep 0.1
	done
	fail "dnsmasq $name did not start"
}

# Capture on tap0 (our stack's side) into $WORK/$1.pcap until stop_capture.
start_capture() {
	ip netns exec "$NS_A" timeout 60 dumpcap -q -i tap0 -w "$WORK/$1.pcap" \
		>"$WORK/$1-dumpcap.log" 2>&1 &
	CAP_PID=$!
	pids+=($CAP_PID)
	# dumpcap writes the file header once the capture is live.
	local i
	for ((i = 0; i < 100; i++)); do
		[ -s "$WORK/$1.pcap" ] && { sleep 0.2; return 0; }
		kill -0 "$CAP_PID" 2>/dev/null || fail "dumpcap did not start"
		sleep 0.1
	done
	fail "dumpcap did not start capturing"
}
stop_capture() {
	sleep 0.3
	kill -INT "$CAP_PID" 2>/dev/null || true
	wait "$CAP_PID" 2>/dev/null || true
}

# key=value from nbget lease output
lease_get() { sed -n "s/^$2=//p" <<<"$1"; }
