# shellcheck shell=bash
# tests/lib/netns.sh — the shared test network of every hosted test.
#
# Source it from a bash test, then:
#
#   NBEMU=/path/to/nbemu            # required: meson passes it (see below)
#   . tests/lib/netns.sh
#   trap nbns_down EXIT
#   nbns_up --delay 10 --loss 1     # nbemu options: impairment of the path
#   nbns_exec_server dnsmasq ...    # daemons on 10.77.0.1 (wrap in timeout)
#   nbns_exec_client ./nbget ...    # our stack, on tap0 (IP 10.77.0.10)
#   nbns_exec_kernel curl ...       # a kernel client (IP 10.77.0.2)
#
# Topology (every name lives inside namespaces this file creates; the
# namespace names carry the test's PID, so parallel tests never collide,
# and nothing is ever added to or changed on the host's own interfaces):
#
#   [S] s0 10.77.0.1/24 --veth-- ms [M: nbemu bridges ms<->mc] mc --veth-- cm [C]
#   [C] br0 (no address) holds: cm, tap0 (our stack, 10.77.0.10), ck
#   [K] k0 10.77.0.2/24 --veth-- ck [C]
#
# Our stack (on tap0) and the kernel host K sit on the same bridge br0, so
# from br0 on they share exactly the same emulated path to the server: the
# same nbemu direction, the same delay, loss and rate.  nbemu always runs,
# with no impairment by default, so a test never changes its path shape by
# forgetting an option.  nbemu's "a" side is the server side, so a2b is
# server -> clients (downstream) and b2a is clients -> server (upstream):
# `nbns_up --a2b-loss 5` loses 5 % of downstream frames only.
#
# Works with and without `set -euo pipefail` in the caller.  nbns_up turns
# SIGTERM/INT/HUP into `exit` when the caller has no handler for them, so
# a runner's timeout still runs the caller's EXIT trap (bash skips EXIT
# traps on death by signal, which leaked namespaces before).
# Functions (all return non-zero on failure; none calls exit):
#   nbns_up [nbemu args...]   build the topology, start nbemu with the args
#   nbns_down                 stop nbemu (saving its counters), kill what the
#                             test left running in the namespaces, delete
#                             them; safe to call twice and from a trap
#   nbns_exec_server CMD...   run CMD in S (server)
#   nbns_exec_client CMD...   run CMD in C (where tap0 is: our stack)
#   nbns_exec_kernel CMD...   run CMD in K (kernel client host)
#   nbns_exec_mid CMD...      run CMD in M (emulator namespace)
#   nbns_emu_restart [args]   restart nbemu with new impairment (counters
#                             start again from zero)
#   nbns_emu_stats            ask the running nbemu for its counters (SIGUSR1)
#                             and print them, key=value per line
#   nbns_emu_stat KEY         print one counter (e.g. a2b.tx_big) from the
#                             latest stats nbns_emu_stats/restart saved
#                             (nbns_down removes NBNS_DIR: read them before)
#                             Counters, per direction: rx_/tx_frames, _bytes,
#                             _gso, _big (> 1514 bytes), rx_max, lost, dup,
#                             reordered, corrupted, segmented, segments,
#                             qdrop (bottleneck buffer), ring_full, tx_late
#                             (> 1 ms behind schedule), tx_late_max_us, ...
#   nbns_server_rate RATE     limit what S sends (downstream) with an htb
#                             qdisc on s0, e.g. 100mbit; "off" removes it
#
# Variables set by nbns_up (read-only for tests):
#   NBNS_SERVER_IP=10.77.0.1  NBNS_KERNEL_IP=10.77.0.2  NBNS_STACK_IP=10.77.0.10
#   NBNS_PREFIX_LEN=24  NBNS_NETMASK=255.255.255.0
#   NBNS_S NBNS_M NBNS_C NBNS_K   namespace names
#   NBNS_TAP=tap0  NBNS_SERVER_IF=s0  NBNS_KERNEL_IF=k0  NBNS_BRIDGE=br0
#   NBNS_DIR                  a private temp dir (removed by nbns_down unless
#                             NBNS_KEEP=1); tests may put files there
#   NBNS_EMU_STATS            nbemu's counters file, NBNS_EMU_LOG its stderr
# Inputs: NBEMU (path of the nbemu binary, required),
#   NBNS_EMU_TIMEOUT (seconds nbemu may live at most, default 1800),
#   NBNS_EMU_RT (SCHED_FIFO priority of nbemu, default 10; empty = normal
#   scheduling).  Real-time priority keeps the emulated delays exact on a
#   loaded machine: measured on 2 busy cores (load 8), 20 ms each way gave
#   an RTT of 42.7 ms avg / 60 ms max without it, 40.6 / 40.7 with it.
#
# Meson: tests/tools/meson.build defines `nbemu_exe`; a hosted test in a
# later folder passes it as  env : {'NBEMU' : nbemu_exe.full_path()}  and
# depends : [nbemu_exe].
#
# Rate limits: nbemu --rate limits both directions at the middle (with a
# bounded bottleneck buffer, --buffer).  A limit at the server itself, as a
# real server NIC or a shaped uplink would apply, is an htb qdisc on s0:
#   nbns_server_rate 100mbit     (= tc qdisc add dev s0 root handle 1: htb
#                                   default 1; tc class add dev s0 parent 1:
#                                   classid 1:1 htb rate 100mbit, run in S)
# (netem is not available on these kernels; htb and tbf are.)
#
# Offloads: none are turned off.  nbemu uses PACKET_VNET_HDR, so TSO/GSO
# super-frames and pending checksums cross the middle intact (see nbemu.c);
# the kernel segments and checksums frames itself before they enter tap0,
# so our stack always sees ordinary wire frames.  IPv6 is disabled in all
# four namespaces so no router solicitations, DAD or MLD frames add noise
# to the path and to packet counts.

NBNS_SERVER_IP=10.77.0.1
NBNS_KERNEL_IP=10.77.0.2
NBNS_STACK_IP=10.77.0.10
NBNS_PREFIX_LEN=24
NBNS_NETMASK=255.255.255.0
NBNS_TAP=tap0
NBNS_SERVER_IF=s0
NBNS_KERNEL_IF=k0
NBNS_BRIDGE=br0
NBNS_S=nb$$s
NBNS_M=nb$$m
NBNS_C=nb$$c
NBNS_K=nb$$k
NBNS_DIR=
NBNS_EMU_PID=
NBNS_EMU_JOB=
NBNS_EMU_STATS=
NBNS_EMU_LOG=
: "${NBNS_EMU_TIMEOUT:=1800}"
: "${NBNS_EMU_RT=10}"

_nbns_err() { echo "netns.sh: $*" >&2; return 1; }

# Quiet, private namespace: lo up, no IPv6.
_nbns_ns() {
	ip netns add "$1" || return 1
	ip -n "$1" link set lo up || return 1
	ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1 >/dev/null || return 1
}

nbns_exec_server() { ip netns exec "$NBNS_S" "$@"; }
nbns_exec_client() { ip netns exec "$NBNS_C" "$@"; }
nbns_exec_kernel() { ip netns exec "$NBNS_K" "$@"; }
nbns_exec_mid() { ip netns exec "$NBNS_M" "$@"; }

_nbns_emu_start() {
	rm -f "$NBNS_DIR/emu.ready"
	ip netns exec "$NBNS_M" timeout -s TERM "$NBNS_EMU_TIMEOUT" "$NBEMU" \
		--a ms --b mc --stats "$NBNS_EMU_STATS" --ready "$NBNS_DIR/emu.ready" \
		${NBNS_EMU_RT:+--rt "$NBNS_EMU_RT"} "$@" 2>>"$NBNS_EMU_LOG" &
	NBNS_EMU_JOB=$!
	local i
	for ((i = 0; i < 100; i++)); do
		if [ -s "$NBNS_DIR/emu.ready" ]; then
			# nbemu's own pid: `timeout` would die of SIGUSR1 itself.
			NBNS_EMU_PID=$(cat "$NBNS_DIR/emu.ready")
			return 0
		fi
		kill -0 "$NBNS_EMU_JOB" 2>/dev/null || break
		sleep 0.05
	done
	cat "$NBNS_EMU_LOG" >&2
	kill -KILL "$NBNS_EMU_JOB" 2>/dev/null || true
	NBNS_EMU_JOB=
	_nbns_err "nbemu did not start"
}

_nbns_emu_stop() {
	[ -n "$NBNS_EMU_JOB" ] || return 0
	# TERM to nbemu itself makes it write its counters; `timeout` then
	# exits with it.
	[ -z "$NBNS_EMU_PID" ] || kill -TERM "$NBNS_EMU_PID" 2>/dev/null || true
	local i
	for ((i = 0; i < 100; i++)); do
		kill -0 "$NBNS_EMU_JOB" 2>/dev/null || break
		sleep 0.05
	done
	[ -z "$NBNS_EMU_PID" ] || kill -KILL "$NBNS_EMU_PID" 2>/dev/null || true
	kill -KILL "$NBNS_EMU_JOB" 2>/dev/null || true
	wait "$NBNS_EMU_JOB" 2>/dev/null || true
	NBNS_EMU_JOB= NBNS_EMU_PID=
	return 0
}

nbns_up() {
	# bash does not run an EXIT trap when a signal kills it: turn the
	# signals a test runner's timeout sends into an exit, so the caller's
	# `trap nbns_down EXIT` still removes the namespaces.  A caller's own
	# handlers are left alone.
	local sig
	for sig in TERM INT HUP; do
		[ -n "$(trap -p "$sig")" ] || trap "exit 143" "$sig"
	done
	[ -n "${NBEMU:-}" ] && [ -x "$NBEMU" ] || _nbns_err "NBEMU must name the nbemu binary" || return 1
	local t
	for t in ip timeout sysctl tc; do
		command -v "$t" >/dev/null || _nbns_err "missing tool: $t" || return 1
	done
	NBNS_DIR=$(mktemp -d "/tmp/nbns.$$.XXXXXX") || return 1
	NBNS_EMU_STATS=$NBNS_DIR/emu.stats
	NBNS_EMU_LOG=$NBNS_DIR/emu.log
	local ns
	for ns in "$NBNS_S" "$NBNS_M" "$NBNS_C" "$NBNS_K"; do
		_nbns_ns "$ns" || return 1
	done
	# Each veth is created inside M or C with its peer placed straight into
	# the other namespace: no interface ever appears in the host namespace.
	ip -n "$NBNS_M" link add name ms type veth peer name s0 netns "$NBNS_S" || return 1
	ip -n "$NBNS_M" link add name mc type veth peer name cm netns "$NBNS_C" || return 1
	ip -n "$NBNS_C" link add name ck type veth peer name k0 netns "$NBNS_K" || return 1
	# STP off and no multicast snooping: ports forward at once and the
	# bridge sends no frames of its own.
	ip -n "$NBNS_C" link add name br0 type bridge stp_state 0 forward_delay 0 \
		mcast_snooping 0 || return 1
	ip -n "$NBNS_C" tuntap add dev tap0 mode tap || return 1
	for ns in cm ck tap0; do
		ip -n "$NBNS_C" link set "$ns" master br0 up || return 1
	done
	ip -n "$NBNS_C" link set br0 up || return 1
	ip -n "$NBNS_M" link set ms up || return 1
	ip -n "$NBNS_M" link set mc up || return 1
	ip -n "$NBNS_S" addr add "$NBNS_SERVER_IP/$NBNS_PREFIX_LEN" dev s0 || return 1
	ip -n "$NBNS_S" link set s0 up || return 1
	ip -n "$NBNS_K" addr add "$NBNS_KERNEL_IP/$NBNS_PREFIX_LEN" dev k0 || return 1
	ip -n "$NBNS_K" link set k0 up || return 1
	_nbns_emu_start "$@"
}

nbns_emu_restart() {
	_nbns_emu_stop
	_nbns_emu_start "$@"
}

nbns_emu_stats() {
	[ -n "$NBNS_EMU_PID" ] || _nbns_err "nbemu is not running" || return 1
	local i
	# nbemu writes the file by rename, so it appears whole or not at all.
	rm -f "$NBNS_EMU_STATS"
	kill -USR1 "$NBNS_EMU_PID" || return 1
	for ((i = 0; i < 100; i++)); do
		if [ -f "$NBNS_EMU_STATS" ]; then
			cat "$NBNS_EMU_STATS"
			return 0
		fi
		sleep 0.05
	done
	_nbns_err "nbemu did not dump its counters"
}

nbns_emu_stat() {
	[ -f "$NBNS_EMU_STATS" ] || _nbns_err "no nbemu stats yet" || return 1
	sed -n "s/^$1=//p" "$NBNS_EMU_STATS"
}

nbns_server_rate() {
	ip netns exec "$NBNS_S" tc qdisc del dev s0 root 2>/dev/null || true
	[ "$1" = off ] && return 0
	ip netns exec "$NBNS_S" tc qdisc add dev s0 root handle 1: htb default 1 &&
		ip netns exec "$NBNS_S" tc class add dev s0 parent 1: classid 1:1 htb rate "$1"
}

nbns_down() {
	_nbns_emu_stop
	local ns pid
	for ns in "$NBNS_S" "$NBNS_M" "$NBNS_C" "$NBNS_K"; do
		[ -e "/run/netns/$ns" ] || continue
		# Only processes inside our own namespaces: what the test started.
		for pid in $(ip netns pids "$ns" 2>/dev/null); do
			kill -TERM "$pid" 2>/dev/null && sleep 0.1 || true
		done
	done
	for ns in "$NBNS_S" "$NBNS_M" "$NBNS_C" "$NBNS_K"; do
		[ -e "/run/netns/$ns" ] || continue
		for pid in $(ip netns pids "$ns" 2>/dev/null); do
			kill -KILL "$pid" 2>/dev/null || true
		done
		ip netns del "$ns" 2>/dev/null || true
	done
	if [ -n "$NBNS_DIR" ] && [ "${NBNS_KEEP:-0}" != 1 ]; then
		rm -rf "$NBNS_DIR" || true
		NBNS_DIR=
	fi
	return 0
}
