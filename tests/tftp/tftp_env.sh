# shellcheck shell=bash
# Shared setup of the hosted TFTP tests: the shared test network
# (tests/lib/netns.sh) with three real servers on the server side, each on
# its own port of 10.77.0.1 so one topology serves every case:
#   tftpd-hpa  :1069   atftpd :2069 (the only one with RFC 7440 windowsize)
#   dnsmasq    :69     (its TFTP server cannot listen elsewhere)
# atftpd's package conflicts with tftpd-hpa's, so it is unpacked with
# `apt-get download` + `dpkg -x` into a folder of the build dir.
#
#   . tftp_env.sh NBGET NBEMU NETNS_SH ATFTPD_DIR
#   tftp_up [nbemu args]; tftp_get PORT FILE [nbget args]; tftp_check FILE
set -euo pipefail
NBGET=$(readlink -f "${1:?usage: $0 NBGET NBEMU NETNS_SH ATFTPD_DIR}")
export NBEMU=$(readlink -f "${2:?}")
NETNS_SH=${3:?}
ATFTPD_DIR=${4:?}
PORT_HPA=1069
PORT_ATFTPD=2069
PORT_DNSMASQ=69
for t in ip timeout in.tftpd dnsmasq sha256sum dpkg apt-get head cmp; do
	command -v "$t" >/dev/null || { echo "FAIL: missing tool: $t" >&2; exit 1; }
done
# shellcheck source=../lib/netns.sh
. "$NETNS_SH"
# netns.sh is written for scripts without `set -e`: run its teardown
# without it, and keep the test's own exit status.
trap 'rc=$?; set +e; nbns_down; exit $rc' EXIT
fail() {
	echo "FAIL: $*" >&2
	[ -n "${NBNS_DIR:-}" ] && for f in "$NBNS_DIR"/*.log; do
		[ -f "$f" ] && { echo "== $f"; tail -n 20 "$f"; } >&2
	done
	exit 1
}

# atftpd from its .deb, cached in the build dir; fails (never skips) when
# it cannot be fetched or does not run.
atftpd_bin() {
	local bin=$ATFTPD_DIR/root/usr/sbin/atftpd
	if [ ! -x "$bin" ]; then
		mkdir -p "$ATFTPD_DIR"
		(cd "$ATFTPD_DIR" && rm -f atftpd_*.deb &&
			apt-get download atftpd >/dev/null 2>&1 &&
			dpkg -x atftpd_*.deb root) || { echo "FAIL: cannot fetch atftpd" >&2; return 1; }
	fi
	"$bin" --help >/dev/null 2>&1 || [ $? -le 1 ] || { echo "FAIL: atftpd does not run" >&2; return 1; }
	echo "$bin"
}

# Make test files: name, size in bytes (random content).
mkfile() { head -c "$2" /dev/urandom >"$ROOT/$1"; }

tftp_up() {
	nbns_up "$@" || fail "nbns_up"
	ROOT=$NBNS_DIR/root
	OUT=$NBNS_DIR/out
	mkdir -p "$ROOT" "$OUT"
	# Servers drop to an unprivileged user: let it read the files.
	chmod 755 "$NBNS_DIR" "$ROOT"
	local atftpd
	atftpd=$(atftpd_bin) || fail "atftpd unavailable"
	nbns_exec_server timeout 1800 in.tftpd -L -s "$ROOT" \
		-a "$NBNS_SERVER_IP:$PORT_HPA" -v >"$NBNS_DIR/hpa.log" 2>&1 &
	nbns_exec_server timeout 1800 "$atftpd" --daemon --no-fork \
		--bind-address "$NBNS_SERVER_IP" --port "$PORT_ATFTPD" \
		--logfile "$NBNS_DIR/atftpd.log" --user nobody --group nogroup \
		"$ROOT" >"$NBNS_DIR/atftpd.out" 2>&1 &
	nbns_exec_server timeout 1800 dnsmasq --no-daemon --port=0 \
		--enable-tftp --tftp-root="$ROOT" --listen-address="$NBNS_SERVER_IP" \
		--bind-interfaces --no-resolv --no-hosts --user=nobody \
		--pid-file="$NBNS_DIR/dnsmasq.pid" --log-facility="$NBNS_DIR/dnsmasq.log" \
		>"$NBNS_DIR/dnsmasq.out" 2>&1 &
	# Wait (bounded) until all three listen.
	local i
	for ((i = 0; i < 50; i++)); do
		local n
		n=$(nbns_exec_server ss -Hlun 2>/dev/null | grep -cE ":($PORT_HPA|$PORT_ATFTPD|$PORT_DNSMASQ)\b" || true)
		[ "$n" -ge 3 ] && return 0
		sleep 0.1
	done
	nbns_exec_server ss -Hlun >&2
	fail "TFTP servers did not start"
}

# tftp_get PORT FILE [nbget args...]: download into $OUT/FILE with our
# stack; nbget's stdout+stderr in $LAST.
tftp_get() {
	local port=$1 file=$2
	shift 2
	rm -f "$OUT/$file"
	LAST=$(nbns_exec_client timeout 300 "$NBGET" --tap "$NBNS_TAP" \
		--ip "$NBNS_STACK_IP/$NBNS_PREFIX_LEN" --timeout 240 \
		get "tftp://$NBNS_SERVER_IP:$port/$file" -o "$OUT/$file" "$@" 2>&1)
}

# Byte-exact check by SHA-256.
tftp_check() {
	local a b
	a=$(sha256sum <"$ROOT/$1" | cut -d' ' -f1)
	b=$(sha256sum <"$OUT/$1" | cut -d' ' -f1)
	[ "$a" = "$b" ] || fail "$1: SHA-256 differs ($a vs $b)"
}
