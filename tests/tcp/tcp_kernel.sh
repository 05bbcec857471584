#!/usr/bin/env bash
# Our TCP (tcp-fetch, no HTTP) receiving from the Linux kernel's TCP over
# the shared emulated path (tests/lib/netns.sh + nbemu), in namespaces
# this test creates: clean, with RTT, and with 1 % and 5 % loss plus
# reordering.  Every transfer must be SHA-256 exact.  For scale, the
# kernel host K and an lwIP client (lwip-fetch, on the same tap) fetch
# the same bytes over the same path.
#
#   tcp_kernel.sh TCPFETCH NBEMU NETNS_LIB LWIPFETCH
#
# Debugging knobs: TCPK_QUICK=1 stops after the clean run; TCPK_WRAP
# prefixes tcp-fetch (e.g. "strace -c -o /tmp/st.txt").
set -euo pipefail
fetch=${1:?usage: $0 TCPFETCH NBEMU NETNS_LIB}
NBEMU=${2:?}
lib=${3:?}
lwipf=${4:?}
export NBEMU
fail() { echo "FAIL: $*" >&2; exit 1; }
for t in ip ss python3 sha256sum timeout; do
	command -v "$t" >/dev/null || fail "missing tool: $t"
done
[ "$(id -u)" = 0 ] || fail "needs root for network namespaces"
[ -x "$fetch" ] || fail "no tcp-fetch at $fetch"
[ -x "$lwipf" ] || fail "no lwip-fetch at $lwipf"

work=$(mktemp -d)
# shellcheck source=../lib/netns.sh
. "$lib"
trap 'nbns_down; rm -rf "$work"' EXIT

port=8080
# A bounded kernel server: answers "GET N\n" with the first N bytes of
# its file, then closes; exits after a number of connections or 10 min.
cat >"$work/srv.py" <<'PY'
import socket, sys
path, port, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", port))
s.listen(4)
s.settimeout(600)
for _ in range(count):
    c, _ = s.accept()
    c.settimeout(120)
    line = b""
    while not line.endswith(b"\n") and len(line) < 64:
        d = c.recv(64)
        if not d:
            break
        line += d
    try:
        n = int(line.split()[1])
        with open(path, "rb") as f:
            c.sendfile(f, 0, n)
    except Exception as e:
        print("server:", e, file=sys.stderr)
    c.close()
PY
cat >"$work/kcli.py" <<'PY'
import hashlib, socket, sys, time
host, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
t0 = time.monotonic()
c = socket.create_connection((host, port), timeout=120)
c.sendall(b"GET %d\n" % n)
h, got = hashlib.sha256(), 0
buf = bytearray(1 << 20)
while True:
    k = c.recv_into(buf)
    if not k:
        break
    h.update(memoryview(buf)[:k])
    got += k
ms = (time.monotonic() - t0) * 1000
print("kernel: bytes %d ms %.0f MB/s %.1f sha256 %s" % (got, ms, got / 1e3 / ms, h.hexdigest()))
PY

big=$((100 * 1024 * 1024))
head -c "$big" /dev/urandom >"$work/file"

run() { # label bytes nbemu-args...
	local label=$1 n=$2
	shift 2
	local sum out kout lout srv
	sum=$(head -c "$n" "$work/file" | sha256sum | cut -d' ' -f1)
	nbns_emu_restart "$@" || fail "nbemu restart"
	nbns_exec_server timeout 600 python3 "$work/srv.py" "$work/file" "$port" 3 &
	local srv=$!
	for _ in $(seq 50); do
		nbns_exec_server ss -ltn | grep -q ":$port " && break
		sleep 0.1
	done
	out=$(nbns_exec_client timeout 300 ${TCPK_WRAP:-} "$fetch" tap0 "$NBNS_STACK_IP/$NBNS_PREFIX_LEN" \
		"$NBNS_SERVER_IP" "$port" "$n" "$sum" 240) || { echo "$out"; fail "$label: ours"; }
	kout=$(nbns_exec_kernel timeout 300 python3 "$work/kcli.py" "$NBNS_SERVER_IP" "$port" "$n") ||
		fail "$label: kernel client"
	lout=$(nbns_exec_client timeout 300 "$lwipf" tap0 "$NBNS_STACK_IP/$NBNS_PREFIX_LEN" \
		"$NBNS_SERVER_IP" "$port" "$n" "$sum" 240) || { echo "$lout"; fail "$label: lwip-fetch"; }
	wait "$srv" || true
	grep -q "sha256 $sum" <<<"$kout" || fail "$label: kernel client got other bytes"
	printf '%-28s %s\n%-28s %s\n%-28s %s\n' "$label" "$out" "" "$kout" "" "$lout"
}

nbns_up --seed 1 || fail "nbns_up"
run "clean 100 MiB" "$big"
[ -n "${TCPK_QUICK:-}" ] && exit 0
run "rtt 20 ms, 32 MiB" $((32 << 20)) --delay 10 --seed 2
run "loss 1% + reorder, 16 MiB" $((16 << 20)) --delay 2 --loss 1 --reorder 1 --seed 3
run "loss 5% + reorder, 8 MiB" $((8 << 20)) --delay 2 --loss 5 --reorder 2 --seed 4
echo "PASS: tcp against the kernel"
