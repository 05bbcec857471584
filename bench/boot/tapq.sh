#!/usr/bin/env bash
# How long the kernel's data frames waited in the tap before QEMU read
# them, from two captures of one boot (bench.sh with NB_BENCH_KEEP=1 and
# NB_BENCH_QEMU_ARGS="-object filter-dump,id=fq,netdev=n0,file=DIR/q.pcap"):
#
#   tapq.sh WAY-N.pcap QEMU.pcap [URI]          (URI: /vmlinuz)
#
# WAY-N.pcap is dumpcap on the tap (a frame is seen as it enters the
# tap's queue); QEMU's filter-dump sees it when QEMU's main loop reads it
# from the tap, stamped with the guest clock plus an unknown whole-second
# offset.  The offset is taken as the smallest difference over all
# frames (some frame was read at once), so the waits are relative to the
# quickest read and a bound from below.  Frames are matched by sequence
# number (the first copy of each).  Prints the waits' percentiles, and
# QEMU's reads grouped into bursts (frames read within 50 us of the
# previous one): how many frames a burst moved and the gaps between
# bursts: the main loop's rhythm.
set -uo pipefail
tap=${1:?usage: tapq.sh WAY-N.pcap QEMU.pcap [URI]}
qp=${2:?usage: tapq.sh WAY-N.pcap QEMU.pcap [URI]}
uri=${3:-/vmlinuz}
port=$(tshark -r "$tap" -Y "http.request.uri == \"$uri\"" -T fields -e tcp.srcport 2>/dev/null | head -1)
[ -n "$port" ] || { echo "tapq: no request for $uri in $tap" >&2; exit 1; }
f="tcp.srcport == 80 && tcp.dstport == $port && tcp.len > 0"
{
	tshark -r "$tap" -Y "$f" -T fields -e frame.time_epoch -e tcp.seq_raw 2>/dev/null | sed 's/^/A /'
	tshark -r "$qp" -Y "$f" -T fields -e frame.time_epoch -e tcp.seq_raw 2>/dev/null | sed 's/^/Q /'
} | awk '
$1 == "A" && !($3 in ta) { ta[$3] = $2 }
$1 == "Q" && !($3 in tq) { tq[$3] = $2; qs[++nq] = $2 }
END {
	for (s in ta) if (s in tq) { d = tq[s] - ta[s]; if (n == 0 || d < mn) mn = d; dd[++n] = d }
	for (i = 1; i <= n; i++) printf "W %.3f\n", (dd[i] - mn) * 1000
	# QEMU reads in arrival order (its capture is in that order).
	b = 0
	for (i = 1; i <= nq; i++) {
		if (i == 1 || qs[i] - qs[i - 1] > 50e-6) { if (b) printf "S %d\n", sz; b++; sz = 0
			if (i > 1) printf "G %.0f\n", (qs[i] - qs[i - 1]) * 1e6 }
		sz++
	}
	if (b) printf "S %d\n", sz
	if (nq) printf "T %.0f %d\n", (qs[nq] - qs[1]) * 1000, nq
}' | sort -k1,1 -k2,2n | awk '
function pct(k, p) { return v[k, int((c[k] - 1) * p) + 1] }
{ v[$1, ++c[$1]] = $2; if ($1 == "T") { span = $2; nq = $3 } }
END {
	if (!c["W"]) { print "tapq: no frame in both captures"; exit 1 }
	printf "frames in both: %d; wait in the tap (ms, from the quickest): median %.2f, p75 %.2f, p90 %.2f, p99 %.2f, max %.2f\n",
		c["W"], pct("W", .5), pct("W", .75), pct("W", .9), pct("W", .99), v["W", c["W"]]
	printf "QEMU reads: %d frames in %d bursts over %d ms; frames per burst median %d, p90 %d, max %d; gap between bursts (us) median %d, p90 %d\n",
		nq, c["S"], span, pct("S", .5), pct("S", .9), v["S", c["S"]], pct("G", .5), pct("G", .9)
}'
