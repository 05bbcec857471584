# shellcheck shell=bash
# tests/lib/getcheck.sh — downloads by nbget (our stack, on tap0) that
# must arrive byte-exact, and downloads that must fail with a given
# message: the case tables of tests/http and tests/tls.
#
# Source after tests/lib/netns.sh and nbns_up.  The caller defines fail
# (message, then exit) and sets:
#   NBGET        the nbget binary
#   GET_ARGS     array: nbget's options before its command (tap, address,
#                DNS, --timeout)
#   GET_OUT      the folder the downloads go to
#   GET_SUMMARY  the part of nbget's summary ok shows (a grep -o pattern)
#
#   sha FILE                    its SHA-256 in hex
#   get URL OUT [args]          nbget in the client namespace (300 s at most)
#   ok NAME URL SRC [args]      must succeed and equal SRC (nbget checks
#                               --sha256 too); LAST_ERR is its stderr
#   bad NAME URL PATTERN [args] must fail with PATTERN (grep) in its stderr
#   wait_bytes FILE BYTES [S]   wait (S seconds at most, default 60) until
#                               FILE holds BYTES: a download in the
#                               background is really under way

sha() { sha256sum "$1" | cut -d' ' -f1; }

get() {
	local url=$1 out=$2
	shift 2
	nbns_exec_client timeout 300 "$NBGET" "${GET_ARGS[@]}" "$@" get "$url" -o "$out"
}

ok() {
	local name=$1 url=$2 src=$3 t0 t1 err
	shift 3
	t0=$(date +%s.%N)
	err=$(get "$url" "$GET_OUT/$name" --sha256 "$(sha "$src")" "$@" 2>&1) ||
		fail "$name: nbget failed: $err"
	t1=$(date +%s.%N)
	[ "$(sha "$GET_OUT/$name")" = "$(sha "$src")" ] || fail "$name: content differs"
	printf 'ok   %-28s %10d bytes %7.2f s  %s\n' "$name" "$(stat -c %s "$src")" \
		"$(echo "$t1 - $t0" | bc)" "$(grep -o "$GET_SUMMARY" <<<"$err" || true)"
	LAST_ERR=$err
}

bad() {
	local name=$1 url=$2 pat=$3 err t0 t1
	shift 3
	t0=$(date +%s)
	if err=$(get "$url" "$GET_OUT/$name" "$@" 2>&1); then
		fail "$name: expected failure '$pat', got success"
	fi
	t1=$(date +%s)
	grep -q "$pat" <<<"$err" || fail "$name: expected '$pat', got: $err"
	printf 'ok   %-28s fails: %-40s %3d s\n' "$name" "$pat" $((t1 - t0))
}

wait_bytes() {
	local i
	for ((i = 0; i < ${3:-60} * 20; i++)); do
		[ "$(stat -c %s "$1" 2>/dev/null || echo 0)" -ge "$2" ] && return 0
		sleep 0.05
	done
	return 1
}
