#!/usr/bin/env bash
# Boot storm benchmark (not a test): N clients start within one second and
# fetch one 16 MiB image through nbemu (1 Gbit/s, 250 KB drop-tail queue,
# RTT 2 ms).  Rows: our HTTP (nbget, one tap each) from nginx, the same
# with nginx restarted once a quarter of the crowd is downloading, curl
# (one namespace each, the kernel's TCP: the fairness reference), our TFTP
# (windowsize 16) from dnsmasq, tftpd-hpa and atftpd, and a firmware's
# lock-step TFTP (iPXE's request) from dnsmasq and tftpd-hpa.  See
# README.md.  Columns: completion p50/p99/max from the first start, the
# ideal N x size / rate, p99/ideal, Jain's index over per-client rates and
# over the bytes sent while all were active, the TCP counters of both
# ends (nstat and ss in the server namespace, nbget's own), for TFTP the
# clients' duplicate blocks.
#
# usage (root): bench/storm/bench.sh BUILD_DIR [N...]   (default 25 50 100)
#   STORM_KINDS="http restart curl tftp-dnsmasq tftp-hpa" picks rows (the
#     default; more: tftp-fw-dnsmasq tftp-fw-hpa tftp-atftpd).
#   STORM_SPREAD_MS=0 starts every client at the same instant (default
#     1000: evenly over one second).
#   STORM_NBGET=PATH runs another nbget build (old vs new).
#   STORM_DETAIL=1 prints a line per client; STORM_SAVE=DIR keeps each
#     row's results, logs and ss samples in DIR/KIND-N.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:?usage: bench.sh BUILD_DIR [N...]}" && pwd)
shift
Ns=("$@")
[ ${#Ns[@]} -gt 0 ] || Ns=(25 50 100)
KINDS=${STORM_KINDS:-http restart curl tftp-dnsmasq tftp-hpa}
NBGET=${STORM_NBGET:-$build/tools/nbget/nbget}
export NBEMU=$build/tests/tools/nbemu
NBAT=$build/tests/tools/nbat
ATFTPD=$build/tests/tftp/atftpd/root/usr/sbin/atftpd
. "$top/tests/lib/netns.sh"
. "$top/tests/lib/storm.sh"
. "$top/tests/lib/websrv.sh"
websrv_need nginx dnsmasq
TFTPD=/usr/sbin/in.tftpd
SIZE=$((16 << 20))
RATE=1000000000

cleanup() {
	set +e
	storm_sample_stop
	[ -z "${D:-}" ] || websrv_nginx_stop "$D/ngx"
	nbns_exec_server pkill -F "$D/dnsmasq.pid" 2>/dev/null
	storm_down
	nbns_down
}
trap cleanup EXIT
max=0
for n in "${Ns[@]}"; do [ "$n" -gt "$max" ] && max=$n; done
nbns_up --rate 1gbit --buffer 250000 --delay 1
websrv_init img=$SIZE
mkdir -p "$D/tftp"
cp "$W/img" "$D/tftp/img"
chmod -R a+rX "$D/tftp"
SUM=$(sha256sum "$W/img" | cut -d' ' -f1)
websrv_nginx_conf -w 2 -c 1024 "$D/ngx" "server { listen $S:8080; root $W; }"
websrv_nginx_start "$D/ngx"
storm_taps "$max"
storm_kns "$max"

case " $KINDS " in *" tftp-atftpd "*)
	# As the hosted TFTP tests get it: atftpd's package conflicts with
	# tftpd-hpa's, so it is unpacked into the build dir.
	if [ ! -x "$ATFTPD" ]; then
		d=$build/tests/tftp/atftpd
		mkdir -p "$d"
		(cd "$d" && rm -f atftpd_*.deb && apt-get download atftpd >/dev/null &&
			dpkg -x atftpd_*.deb root) || { echo "cannot fetch atftpd" >&2; exit 1; }
	fi ;;
esac

# The server's TCP counters (nstat in its namespace), in this order:
# segments resent, RTOs, RTOs found spurious (F-RTO/Eifel), tail loss
# probes, SYN(-ACK) retransmissions, SACK recoveries, retransmissions
# lost again.
SRV_CTRS="TcpRetransSegs TcpExtTCPTimeouts TcpExtTCPSpuriousRTOs TcpExtTCPLossProbes TcpExtTCPSynRetrans TcpExtTCPSackRecovery TcpExtTCPLostRetransmit"
srv_tcp() {
	# shellcheck disable=SC2086
	nbns_exec_server nstat -az $SRV_CTRS |
		awk -v want="$SRV_CTRS" 'BEGIN {n = split(want, w, " ")} {v[$1] = $2}
			END {for (i = 1; i <= n; i++) printf "%d ", v[w[i]]}'
}
# "a b c" - "x y z", labelled.
srv_delta() {
	awk -v a="$1" -v b="$2" 'BEGIN {
		split(a, x, " "); split(b, y, " ")
		n = split("retrans rto spurious_rto tlp syn_retrans sack_recov lost_retrans", l, " ")
		for (i = 1; i <= n; i++) printf "%s%s=%d", (i > 1 ? " " : ""), l[i], y[i] - x[i]
	}'
}
# Where downstream frames were dropped: at the bottleneck (nbemu's queue,
# a2b.qdrop) or in front of a client (its tap's or veth's TX drops: the
# kernel queues a frame there until the client reads it, and drops when
# the client is too slow).  Prints "QDROP TAPDROP".
drops() {
	local q
	q=$(nbns_emu_stats | sed -n 's/^a2b.qdrop=//p')
	printf '%s %s\n' "${q:-0}" "$(ip -n "$NBNS_C" -s -j link show |
		python3 -c 'import json, sys
print(sum(l["stats64"]["tx"]["dropped"] for l in json.load(sys.stdin)
          if l["ifname"].startswith(("st", "sk"))))')"
}
# Our clients' own view (nbget's summary lines): segments they already
# held (needless retransmissions), segments past a hole (losses), what
# they resent (SYN, request), the latest first byte, and by whom.
cli_tcp() {
	awk '/^nbget: tcp / {
		for (i = 3; i <= NF; i++) { split($i, kv, "="); v[kv[1]] += kv[2] }
		if (/retransmits=[1-9]/) rc++
		fb = $(NF - 1) + 0; if (fb > fbm) fbm = fb
		n++ }
		END { if (n) printf "cli_dup=%d cli_ooo=%d cli_resent=%d (by %d) first_byte_max=%dms", v["dup"], v["ooo"], v["retransmits"], rc, fbm }' "$1"/*.log
}
# One line per client, by start: start (ms after the first), first byte
# (ms after its start, nbget), duration, rate, bytes sent while all were
# active, and its TCP counters.
clients() {
	local out=$1 t0
	t0=$(sort -k3,3n "$out/res" | awk 'NR == 1 {print $3}')
	for f in "$out"/*.log; do
		i=$(basename "$f" .log)
		printf '%s %s\n' "$i" "$(grep -h '^nbget: tcp ' "$f" | tr -d ';' |
			awk '{for (i = 3; i <= NF; i++) if ($i ~ /=/) printf "%s ", $i
			      printf "fb=%s", $(NF - 1)}')"
	done >"$out/cli"
	awk -v t0="$t0" -v size=$SIZE '
		FILENAME ~ /share$/ { sh[$1] = $2; next }
		FILENAME ~ /cli$/ { c[$1] = $0; sub(/^[0-9]+ /, "", c[$1]); next }
		{ d = ($4 - $3) / 1e9
		  printf "%3d start=%dms dur=%.2fs rate=%.2fMB/s active_bytes=%d rc=%d %s\n",
			$1, ($3 - t0) / 1e6, d, size / d / 1e6, sh["10.77.0." (19 + $1)], $2, c[$1] }' \
		"$out/share" "$out/cli" <(sort -k3,3n "$out/res") >"$out/clients"
}
# nbemu's CPU time in ms (utime + stime) and its context switches: the
# emulator shares the 2 cores with the clients it serves.
emu_cpu() {
	awk -v hz="$(getconf CLK_TCK)" '{printf "%d", ($14 + $15) * 1000 / hz}' "/proc/$NBNS_EMU_PID/stat"
	awk '/ctxt_switches/ {s += $2} END {printf " %d\n", s}' "/proc/$NBNS_EMU_PID/status"
}

row() { # KIND N
	local kind=$1 n=$2 out=$D/$1-$2 r0 r1 bg= e0 e1 l0 d0 d1
	rm -rf "$out"
	mkdir -p "$out"
	r0=$(srv_tcp)
	e0=$(emu_cpu)
	d0=$(drops)
	read -r l0 _ </proc/loadavg
	case $kind in http|restart|curl) storm_sample "$out" 8080 ;; esac
	case $kind in
	http|restart)
		if [ "$kind" = restart ]; then
			# Once a quarter of the crowd is downloading: a fixed
			# 2 s missed the storm when the clients started late.
			( storm_busy 8080 $((n / 4)); websrv_nginx_stop "$D/ngx"
			  websrv_nginx_start "$D/ngx" ) &
			bg=$!
		fi
		storm_run "$n" "$out" nbns_exec_client timeout 600 "$NBGET" \
			--tap st@I@ --ip @IP@/24 --timeout 590 --start-at @AT@ \
			get "http://$S:8080/img" \
			-o "$out/@I@.out"
		[ -z "$bg" ] || wait "$bg" ;;
	curl)
		storm_run "$n" "$out" ip netns exec "nb$$k@I@" timeout 600 "$NBAT" @AT@ curl -sS \
			--retry 8 --retry-connrefused -C - -o "$out/@I@.out" "http://$S:8080/img" ;;
	tftp-*)
		# Ours asks for blksize 1468 (the link's largest) and windowsize
		# 16; the firmware rows ask as iPXE does (blksize 1432, tsize,
		# no windowsize: one block per round trip).  OVMF asks for
		# 1468 and windowsize 4, which dnsmasq and tftpd-hpa ignore:
		# against them it is lock-step like iPXE.
		local opts=(--windowsize 16)
		case $kind in tftp-fw-*) opts=(--blksize 1432 --windowsize 0) ;; esac
		case $kind in
		*-dnsmasq)
			nbns_exec_server "$DNSMASQ" --conf-file=/dev/null --port=0 \
				--enable-tftp --tftp-root="$D/tftp" --listen-address="$S" \
				--bind-interfaces --pid-file="$D/dnsmasq.pid" ;;
		*-hpa)
			nbns_exec_server "$TFTPD" -l -s -a "$S:69" -P "$D/dnsmasq.pid" "$D/tftp" ;;
		*-atftpd)
			# The one Debian server with RFC 7440 windowsize.
			nbns_exec_server timeout 1800 "$ATFTPD" --daemon --no-fork \
				--bind-address "$S" --port 69 --maxthread 200 \
				--logfile /dev/null --user nobody --group nogroup \
				"$D/tftp" >/dev/null 2>&1 &
			echo $! >"$D/atftpd.job" ;;
		esac
		sleep 0.3
		storm_run "$n" "$out" nbns_exec_client timeout 900 "$NBGET" \
			--tap st@I@ --ip @IP@/24 --timeout 890 --start-at @AT@ get "tftp://$S/img" \
			"${opts[@]}" -o "$out/@I@.out"
		if [ "$kind" = tftp-atftpd ]; then
			kill "$(cat "$D/atftpd.job")" 2>/dev/null || true
			wait "$(cat "$D/atftpd.job")" 2>/dev/null || true
		else
			nbns_exec_server pkill -F "$D/dnsmasq.pid" || true
		fi ;;
	esac
	storm_sample_stop
	r1=$(srv_tcp)
	e1=$(emu_cpu)
	d1=$(drops)
	local extra tcpl=""
	case $kind in
	tftp-*)
		# What the server agreed to (from the OACK), and the blocks it
		# sent twice.
		extra="dup_blocks=$(grep -ho '[0-9]* duplicates' "$out"/*.log | awk '{s += $1} END {print s + 0}')"
		extra+=" negotiated=$(grep -ho 'blksize [0-9]* windowsize [0-9]*' "$out"/*.log | sort | uniq -c |
			awk '{printf "%s%dx%s/%s", (NR > 1 ? "," : ""), $1, $3, $5}')" ;;
	*)
		extra="retrans=$((${r1%% *} - ${r0%% *}))"
		tcpl="  $(storm_share "$out" "$n") $(srv_delta "$r0" "$r1")"
		[ "$kind" = curl ] || tcpl+=" $(cli_tcp "$out")" ;;
	esac
	for f in "$out"/*.out; do
		[ "$(sha256sum "$f" | cut -d' ' -f1)" = "$SUM" ] ||
			sed -i "s/^$(basename "$f" .out) 0 /$(basename "$f" .out) 99 /" "$out/res"
	done
	extra+=" qdrop=$((${d1% *} - ${d0% *})) tapdrop=$((${d1#* } - ${d0#* }))"
	extra+=" emu_cpu_ms=$((${e1% *} - ${e0% *})) emu_csw=$((${e1#* } - ${e0#* })) load=$l0-$(cut -d' ' -f1 /proc/loadavg)"
	printf '%-13s N=%-3d %s %s\n' "$kind" "$n" "$(storm_report "$out" "$n" $SIZE $RATE)" "$extra"
	[ -z "$tcpl" ] || echo "$tcpl"
	rm -f "$out"/*.out
	[ -f "$out/share" ] || : >"$out/share"
	clients "$out"
	[ "${STORM_DETAIL:-0}" = 0 ] || sed 's/^/    /' "$out/clients"
	if [ -n "${STORM_SAVE:-}" ]; then
		mkdir -p "$STORM_SAVE"
		rm -rf "${STORM_SAVE:?}/$kind-$n"
		cp -a "$out" "$STORM_SAVE/$kind-$n"
	fi
}

for n in "${Ns[@]}"; do
	for k in $KINDS; do
		row "$k" "$n"
	done
done
