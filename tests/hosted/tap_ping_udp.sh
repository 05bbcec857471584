#!/usr/bin/env bash
# Our stack on a tap device in a namespace this test creates, with the
# kernel's side of the tap as its neighbour host:
#   1. nbget pings the kernel;
#   2. the kernel's ping gets replies from our stack;
#   3. a UDP datagram round-trips both ways between our stack and a kernel
#      socket (python3 echo server; nbget serve --udp-echo).
# Traffic stays inside the namespace, which is removed on exit.
set -euo pipefail
nbget=${1:?usage: $0 NBGET}
ns=nbtest-tap$$
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	ip netns del "$ns" 2>/dev/null || true
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
in_ns() { ip netns exec "$ns" "$@"; }

ip netns add "$ns"
in_ns ip link set lo up
in_ns ip tuntap add dev tap0 mode tap
in_ns ip addr add 10.89.0.1/24 dev tap0
in_ns ip link set tap0 up
me=(--tap tap0 --ip 10.89.0.10/24 --timeout 30)

echo "--- 1. nbget pings the kernel"
out=$(in_ns timeout 30 "$nbget" "${me[@]}" ping 10.89.0.1 -c 3 -i 100) || fail "nbget ping: $out"
echo "$out"
grep -q '3 sent, 3 received' <<<"$out" || fail "expected 3 replies"

echo "--- 2. the kernel pings our stack; 3b. kernel UDP -> our echo"
in_ns timeout 30 "$nbget" "${me[@]}" serve --seconds 8 --udp-echo 7007 >/dev/null 2>&1 &
pids+=($!)
sleep 0.5
in_ns ping -c 3 -i 0.2 -W 2 10.89.0.10 || fail "kernel ping got no replies"
reply=$(in_ns timeout 10 python3 - <<'PY'
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(1.0)
for _ in range(5):
    s.sendto(b"hello-from-kernel", ("10.89.0.10", 7007))
    try:
        print(s.recvfrom(2048)[0].decode()); break
    except socket.timeout:
        pass
PY
)
[ "$reply" = hello-from-kernel ] || fail "UDP echo through our stack: got '$reply'"

echo "--- 3a. our stack -> kernel UDP echo server"
in_ns timeout 20 python3 - <<'PY' &
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("10.89.0.1", 7008))
s.settimeout(15)
data, peer = s.recvfrom(2048)
s.sendto(data.upper(), peer)
PY
pids+=($!)
sleep 0.3
wait "${pids[0]}" || true   # the serve run must end before the tap is reused
out=$(in_ns timeout 30 "$nbget" "${me[@]}" udp 10.89.0.1:7008 round-trip) || fail "nbget udp: $out"
[ "$out" = ROUND-TRIP ] || fail "expected ROUND-TRIP, got '$out'"
echo "ok: ping both ways and UDP both ways"
