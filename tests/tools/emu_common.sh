# shellcheck shell=bash
# Shared preamble of the emulator's tests: `emu_common.sh NBEMU NBBLAST`.
# Builds nothing yet; sources tests/lib/netns.sh and arms its cleanup.
# A missing tool or privilege is a failure, never a skip.
set -u
NBEMU=${1:?usage: test.sh NBEMU NBBLAST}
NBBLAST=${2:?usage: test.sh NBEMU NBBLAST}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
: "${NBNS_LIB:=$here/../lib/netns.sh}"

fail() { echo "FAIL: $*" >&2; exit 1; }
pass() { echo "PASS: $*"; }

for t in ip ping tc timeout sysctl awk; do
	command -v "$t" >/dev/null || fail "missing tool: $t (see scripts/deps.d/emu.txt)"
done
[ "$(id -u)" = 0 ] || fail "needs root for network namespaces"
[ -x "$NBEMU" ] || fail "no nbemu at $NBEMU"
[ -x "$NBBLAST" ] || fail "no nbblast at $NBBLAST"

# shellcheck source=../lib/netns.sh
. "$NBNS_LIB"
trap nbns_down EXIT

# Float comparison helper: `within X LO HI` succeeds when LO <= X <= HI.
within() { awk -v x="$1" -v lo="$2" -v hi="$3" 'BEGIN { exit !(x >= lo && x <= hi) }'; }

# Median RTT in ms of `ping ARGS` run from the kernel host (K).  The
# median, not the mean: on a loaded machine the kernel may defer softirq
# work to ksoftirqd, and a few late replies would drag a mean.
ping_times() {
	nbns_exec_kernel ping "$@" "$NBNS_SERVER_IP" |
		sed -n 's/.* time=\([0-9.]*\) ms.*/\1/p' | sort -n
}
median() {
	awk '{ v[NR] = $1 } END { if (NR) print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
ping_median() { ping_times "$@" | median; }

# Bounded TCP transfer of $1 bytes from the server to the kernel host;
# prints nbblast's "bytes=... secs=... mbit=... bad=..." line.
tcp_transfer() {
	local port=$((5000 + RANDOM % 1000)) bp out
	nbns_exec_server timeout 60 "$NBBLAST" tcp-send --port "$port" --bytes "$1" --timeout 50 &
	bp=$!
	out=$(nbns_exec_kernel timeout 60 "$NBBLAST" tcp-recv --host "$NBNS_SERVER_IP" \
		--port "$port" --timeout 50)
	wait "$bp"
	echo "$out"
}

# field NAME LINE: the value of NAME=... in a key=value line.
field() { tr ' ' '\n' <<<"$2" | sed -n "s/^$1=//p"; }
