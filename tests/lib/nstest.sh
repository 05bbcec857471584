# shellcheck shell=bash
# tests/lib/nstest.sh — the frame of a hosted test that builds its own
# namespaces: tool check, a work folder, background pids and namespaces
# removed on exit, fail() with the work folder's logs.
#   nstest_init PREFIX NS... -- TOOL...
# sets WORK (/tmp/PREFIX.PID.XXXXXX) and pids=(); the namespaces named are
# deleted on exit (create them yourself); KEEP=1 keeps WORK.
#   fail MSG...          prints MSG and the tail of WORK/*.log, exits 1
#   get TEXT KEY         the value of a KEY=value line of TEXT
#   nstest_started PIDFILE NAME
#                        wait (5 s at most) for a daemon's pid file,
#                        else fail "NAME did not start"
nstest_init() {
	local prefix=$1 t
	shift
	NSTEST_NS=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do NSTEST_NS+=("$1"); shift; done
	[ $# -gt 0 ] && shift
	for t in "$@"; do
		command -v "$t" >/dev/null || { echo "FAIL: missing tool: $t" >&2; exit 1; }
	done
	WORK=$(mktemp -d "/tmp/$prefix.$$.XXXXXX")
	pids=()
	trap nstest_cleanup EXIT
}

nstest_cleanup() {
	local p
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
	for p in "${NSTEST_NS[@]}"; do ip netns del "$p" 2>/dev/null || true; done
	[ "${KEEP:-0}" = 1 ] || rm -rf "$WORK"
}

fail() {
	echo "FAIL: $*" >&2
	local f
	for f in "$WORK"/*.log; do [ -f "$f" ] && { echo "== $f"; tail -n 40 "$f"; } >&2; done
	exit 1
}

get() { sed -n "s/^$2=//p" <<<"$1"; }

nstest_started() {
	local i
	for ((i = 0; i < 50; i++)); do
		[ -s "$1" ] && return 0
		sleep 0.1
	done
	fail "$2 did not start"
}
