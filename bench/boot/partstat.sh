#!/usr/bin/env bash
# Every connection of a download in parts, from a capture kept by bench.sh
# (NB_BENCH_KEEP=1; taken on the guest's tap):
#
#   partstat.sh WAY-N.pcap [URI [NEXT_URI]]    (/vmlinuz, /initrd.gz)
#
# Counts the frames of every connection that asked for URI, from the
# first request for URI until the first request for NEXT_URI (kept-alive
# connections go on with the next file).  Per connection:
#   syn      ms from the first request for URI to its SYN (- when the
#            connection carried another file before, kept alive), and
#            how many SYNs it took (one the guest's link refused never
#            shows);
#   first/last  ms from that request to its first and last data frame;
#   bytes    server payload;
#   rexmit   segments the server sent again (tshark's retransmission and
#            fast retransmission marks); lost: gaps in sequence at the
#            tap (dropped before it, in the tap's queue);
#   gaps     gaps of >= 200 ms between two server data frames (a
#            retransmission timeout's size; Linux's least is 200 ms), and
#            the longest gap in ms;
#   acks     the guest's pure ACKs, its duplicate ACKs, and zero windows
#            (each connection ends with one: its body's end);
# then the same over all of them together (gaps: none of them sent).
set -uo pipefail
pcap=${1:?usage: partstat.sh PCAP [URI [NEXT_URI]]}
uri=${2:-/vmlinuz}
next=${3:-/initrd.gz}
tshark -r "$pcap" -Y 'tcp.port == 80' -T fields -E separator='|' \
	-e frame.time_epoch -e tcp.stream -e tcp.srcport -e tcp.len -e tcp.flags.syn \
	-e tcp.flags.ack -e tcp.analysis.retransmission -e tcp.analysis.fast_retransmission \
	-e tcp.analysis.lost_segment -e tcp.analysis.duplicate_ack -e tcp.analysis.zero_window \
	-e http.request.uri 2>/dev/null |
awk -F'|' -v uri="$uri" -v next_uri="$next" '
function ms(t) { return sprintf("%.0f", (t - t0) * 1000) }
# The SYN comes before the request it carries: remember every one.
$5 == 1 && $6 == 0 { syns[$2]++; if (!($2 in syn1)) syn1[$2] = $1 }
{ u = $12; sub(/\?.*/, "", u) }
u != "" && u != uri && t0 == "" { before[$2] = 1 }
u == uri && t0 == "" { t0 = $1 }
u == uri { mine[$2] = 1; if (!($2 in order)) order[$2] = ++ns; if (!($2 in req)) req[$2] = $1 }
u == next_uri && t0 != "" { exit }
t0 == "" || !($2 in mine) { next }
$3 == 80 && $4 > 0 {
	s = $2; n[s]++; by[s] += $4
	if (!(s in first)) first[s] = $1
	if (s in last) { g = $1 - last[s]; if (g > gmax[s]) gmax[s] = g; if (g >= 0.2) gaps[s]++ }
	if (alllast != "") { g = $1 - alllast; if (g > allgmax) allgmax = g; if (g >= 0.2) allgaps++ }
	last[s] = $1; alllast = $1
	if ($7 != "" || $8 != "") rx[s]++
	if ($9 != "") lost[s]++
}
$3 != 80 && $4 == 0 && $5 == 0 { acks[$2]++; if ($10 != "") dup[$2]++; if ($11 != "") zw[$2]++ }
END {
	if (t0 == "") { print "partstat: no request for " uri > "/dev/stderr"; exit 1 }
	printf "%-6s %-14s %7s %7s %9s %6s %5s %5s %7s %6s %5s %4s\n", "conn", "syn ms (n)", "first", "last",
		"bytes", "rexmit", "lost", "gaps", "gapmax", "acks", "dup", "zw"
	for (s in order) list[order[s]] = s
	for (i = 1; i <= ns; i++) {
		s = list[i]
		sy = (s in syn1 && !(s in before)) ? ms(syn1[s]) " (" syns[s] ")" : "-"
		printf "%-6s %-14s %7s %7s %9d %6d %5d %5d %7.0f %6d %5d %4d\n", s, sy,
			(s in first) ? ms(first[s]) : "-", (s in last) ? ms(last[s]) : "-", by[s], rx[s], lost[s],
			gaps[s], gmax[s] * 1000, acks[s], dup[s], zw[s]
		tb += by[s]; trx += rx[s]; tl += lost[s]; ta += acks[s]; td += dup[s]; tz += zw[s]
	}
	printf "%-6s %-14s %7s %7s %9d %6d %5d %5d %7.0f %6d %5d %4d\n", "all", ns " conns", "", ms(alllast),
		tb, trx, tl, allgaps, allgmax * 1000, ta, td, tz
}'
