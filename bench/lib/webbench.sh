# shellcheck shell=bash
# bench/lib/webbench.sh — the rig bench/http and bench/https share: one
# nginx on the netns.sh network (tests/lib), a random file of SIZE_MB MiB,
# nbemu's delay per RTT and an htb limit on the server.
#
# Source it first thing, with the bench's arguments untouched (BUILD_DIR).
# With CPUS set it runs the bench again pinned to those CPUs (taskset).
# It sets top, build, NBGET (unless set: another build's nbget for
# old-vs-new runs) and NBEMU, and RTTS ("0 2 20 80"), SIZE_MB
# (200), RATE (1gbit) and REPEAT (2) unless the environment has them.
#
#   webbench_up TOOL...   check the tools (with nbget, nbemu, nginx), bring
#                         up the network, W/f of SIZE_MB MiB (S, D, W as
#                         websrv_init sets them); nbns_down on exit
#   webbench_serve BODY   nginx with BODY (its servers), the server's
#                         sending limited to RATE
#   webbench_rtt RTT      nbemu restarted for that round trip (ms)
#   now                   seconds since the epoch, with nanoseconds
#   one OUT CMD...        MB/s of the best of REPEAT runs of CMD, which
#                         writes W/f's copy to OUT; FAIL when any differs
#   ratio A B             A / B, or - where either is missing
#   ME                    nbget's options for tap0, quiet, 800 s at most
if [ -n "${CPUS:-}" ] && [ -z "${NB_BENCH_PINNED:-}" ]; then
	NB_BENCH_PINNED=1 exec taskset -c "$CPUS" "$0" "$@"
fi
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=$(readlink -f "${1:?usage: $0 BUILD_DIR}")
NBGET=${NBGET:-$build/tools/nbget/nbget}
export NBEMU=$build/tests/tools/nbemu
RTTS=${RTTS:-"0 2 20 80"}
SIZE_MB=${SIZE_MB:-200}
RATE=${RATE:-1gbit}
REPEAT=${REPEAT:-2}
. "$top/tests/lib/netns.sh"
. "$top/tests/lib/websrv.sh"

webbench_up() {
	websrv_need nginx ip timeout bc "$NBGET" "$NBEMU" "$@" || exit 1
	trap 'set +e; nbns_down' EXIT
	nbns_up || exit 1
	websrv_init f=$((SIZE_MB << 20)) || exit 1
	ME=(--tap "$NBNS_TAP" --ip "$NBNS_STACK_IP/$NBNS_PREFIX_LEN" --quiet --timeout 800)
}

webbench_serve() {
	websrv_nginx_conf "$D/ngx" "$1" && websrv_nginx_start "$D/ngx" || exit 1
	nbns_server_rate "$RATE" || exit 1
}

webbench_rtt() {
	nbns_emu_restart --delay "$(echo "scale=1; $1 / 2" | bc)" >/dev/null || exit 1
}

now() { date +%s.%N; }

one() {
	local out=$1 best=0 r t0 t1 mbs
	shift
	for ((r = 0; r < REPEAT; r++)); do
		rm -f "$out"
		t0=$(now)
		timeout 900 "$@" >/dev/null 2>&1 || { echo FAIL; return; }
		t1=$(now)
		cmp -s "$out" "$W/f" || { echo FAIL; return; }
		mbs=$(echo "scale=1; $SIZE_MB * 1.048576 / ($t1 - $t0)" | bc)
		[ "$(echo "$mbs > $best" | bc)" = 1 ] && best=$mbs
	done
	echo "$best"
}

ratio() { case "$1$2" in *FAIL* | *-*) echo -; return ;; esac; echo "scale=2; $1 / $2" | bc; }
