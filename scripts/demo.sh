#!/usr/bin/env bash
# The main job, for now: build nbget, make a throw-away network namespace
# with a tap device whose kernel side is 10.88.0.1, attach our stack to
# the tap as 10.88.0.10, and ping both ways.  Needs root.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
[ "$(id -u)" = 0 ] || { echo "demo: run as root (namespaces, tap devices, apt)" >&2; exit 1; }
"$top/scripts/deps.sh"
b=$top/build-demo
if ! { [ -f "$b/build.ninja" ] || meson setup "$b" "$top" ${NB_MESON_ARGS:-} >"$top/build-demo.log" 2>&1; } ||
   ! ninja -C "$b" tools/nbget/nbget >>"$top/build-demo.log" 2>&1; then
	cat "$top/build-demo.log" >&2
	echo "demo: build failed" >&2
	exit 1
fi
nbget=$b/tools/nbget/nbget

ns=nbdemo$$
cleanup() { [ -n "${srv:-}" ] && kill "$srv" 2>/dev/null; ip netns del "$ns" 2>/dev/null || true; }
trap cleanup EXIT
ip netns add "$ns"
in_ns() { ip netns exec "$ns" "$@"; }
in_ns ip link set lo up
in_ns ip tuntap add dev tap0 mode tap
in_ns ip addr add 10.88.0.1/24 dev tap0
in_ns ip link set tap0 up

echo "== our stack (10.88.0.10) pings the kernel (10.88.0.1)"
in_ns timeout 30 "$nbget" --tap tap0 --ip 10.88.0.10/24 ping 10.88.0.1 -c 3 -i 200

echo "== the kernel pings our stack"
in_ns timeout 30 "$nbget" --tap tap0 --ip 10.88.0.10/24 serve --seconds 5 &
srv=$!
sleep 0.5
in_ns ping -c 3 -i 0.2 -W 2 10.88.0.10
wait "$srv"; srv=
echo "demo: done"
