#!/usr/bin/env bash
# Boot storm benchmark (not a test): N clients start within one second and
# fetch one 16 MiB image through nbemu (1 Gbit/s, 250 KB drop-tail queue,
# RTT 2 ms).  Rows: our HTTP (nbget, one tap each) from nginx, the same
# with nginx restarted once a quarter of the crowd is downloading, curl
# (one namespace each, the kernel's TCP: the fairness reference), our TFTP
# (windowsize 16) from dnsmasq and from tftpd-hpa.  See README.md.  Columns: completion p50/p99/max from the first start, the
# ideal N x size / rate, p99/ideal, Jain's index over per-client rates,
# server-side TCP retransmissions (nstat in the server namespace; for TFTP
# the clients' duplicate blocks).
#
# usage (root): bench/storm/bench.sh BUILD_DIR [N...]   (default 25 50 100)
#   STORM_KINDS="http restart curl tftp-dnsmasq tftp-hpa" picks rows.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:?usage: bench.sh BUILD_DIR [N...]}" && pwd)
shift
Ns=("$@")
[ ${#Ns[@]} -gt 0 ] || Ns=(25 50 100)
KINDS=${STORM_KINDS:-http restart curl tftp-dnsmasq tftp-hpa}
NBGET=$build/tools/nbget/nbget
export NBEMU=$build/tests/tools/nbemu
NBAT=$build/tests/tools/nbat
. "$top/tests/lib/netns.sh"
. "$top/tests/lib/storm.sh"
. "$top/tests/lib/websrv.sh"
websrv_need nginx dnsmasq
TFTPD=/usr/sbin/in.tftpd
SIZE=$((16 << 20))
RATE=1000000000

cleanup() {
	set +e
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

retrans() { nbns_exec_server nstat -az TcpRetransSegs | awk '/TcpRetransSegs/ {print $2}'; }
# nbemu's CPU time in ms (utime + stime) and its context switches: the
# emulator shares the 2 cores with the clients it serves.
emu_cpu() {
	awk -v hz="$(getconf CLK_TCK)" '{printf "%d", ($14 + $15) * 1000 / hz}' "/proc/$NBNS_EMU_PID/stat"
	awk '/ctxt_switches/ {s += $2} END {printf " %d\n", s}' "/proc/$NBNS_EMU_PID/status"
}

row() { # KIND N
	local kind=$1 n=$2 out=$D/$1-$2 r0 r1 bg= e0 e1 l0
	rm -rf "$out"
	r0=$(retrans)
	e0=$(emu_cpu)
	read -r l0 _ </proc/loadavg
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
	tftp-dnsmasq|tftp-hpa)
		if [ "$kind" = tftp-dnsmasq ]; then
			nbns_exec_server "$DNSMASQ" --conf-file=/dev/null --port=0 \
				--enable-tftp --tftp-root="$D/tftp" --listen-address="$S" \
				--bind-interfaces --pid-file="$D/dnsmasq.pid"
		else
			nbns_exec_server "$TFTPD" -l -s -a "$S:69" -P "$D/dnsmasq.pid" "$D/tftp"
		fi
		sleep 0.3
		storm_run "$n" "$out" nbns_exec_client timeout 900 "$NBGET" \
			--tap st@I@ --ip @IP@/24 --timeout 890 --start-at @AT@ get "tftp://$S/img" \
			--windowsize 16 -o "$out/@I@.out"
		nbns_exec_server pkill -F "$D/dnsmasq.pid" || true ;;
	esac
	r1=$(retrans)
	e1=$(emu_cpu)
	local extra="retrans=$((r1 - r0))"
	case $kind in tftp-*)
		extra="dup_blocks=$(grep -ho '[0-9]* duplicates' "$out"/*.log | awk '{s += $1} END {print s + 0}')" ;;
	esac
	for f in "$out"/*.out; do
		[ "$(sha256sum "$f" | cut -d' ' -f1)" = "$SUM" ] ||
			sed -i "s/^$(basename "$f" .out) 0 /$(basename "$f" .out) 99 /" "$out/res"
	done
	extra+=" emu_cpu_ms=$((${e1% *} - ${e0% *})) emu_csw=$((${e1#* } - ${e0#* })) load=$l0-$(cut -d' ' -f1 /proc/loadavg)"
	printf '%-13s N=%-3d %s %s\n' "$kind" "$n" "$(storm_report "$out" "$n" $SIZE $RATE)" "$extra"
	rm -f "$out"/*.out
}

for n in "${Ns[@]}"; do
	for k in $KINDS; do
		row "$k" "$n"
	done
done
