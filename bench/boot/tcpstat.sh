#!/usr/bin/env bash
# The kernel download's TCP in a capture kept by bench.sh (NB_BENCH_KEEP=1;
# captured on the guest's tap, so the server's segments are seen after the
# path's delay and the guest's ACKs as they leave it):
#
#   tcpstat.sh WAY-N.pcap [URI [BIN_MS]]      (URI: /vmlinuz)
#
# Prints, for the connection that fetched URI:
#   rtt      SYN -> SYN-ACK at the tap (the path's round trip);
#   data     server segments with payload (up to the next request on a
#            kept-alive connection), bytes, and the time from the
#            request to the last of them;
#   rexmit   segments tshark marks as retransmissions (fast or not), and
#            "lost" (a gap in sequence seen at the tap: dropped upstream);
#   acks     the guest's pure ACKs, per MiB and data segments per ACK;
#   window   the guest's advertised window (scaled): first after the
#            request, when half the bytes had arrived, largest (at the
#            end it shrinks to what is left of the image's buffer);
#   ramp     ms from the request until 1, 4 and 8 MiB had arrived (slow
#            start's share: at a round trip R a sender starting from 10
#            segments needs about log2(N / 14.5 KB) round trips to reach
#            N bytes in flight);
#   bins     with BIN_MS: per BIN_MS from the first data frame, the bytes
#            that arrived, the most in flight at the tap (sent, not yet
#            acknowledged: what waits on the guest's side) and the ACKs.
set -uo pipefail
pcap=${1:?usage: tcpstat.sh PCAP [URI]}
uri=${2:-/vmlinuz}
bin=${3:-0}
[[ $bin =~ ^[0-9]+$ ]] || { echo "tcpstat: BIN_MS must be a number of ms" >&2; exit 1; }
stream=$(tshark -r "$pcap" -Y "http.request.uri == \"$uri\"" -T fields -e tcp.stream 2>/dev/null | head -1)
[ -n "$stream" ] || { echo "tcpstat: no request for $uri in $pcap" >&2; exit 1; }
tshark -r "$pcap" -Y "tcp.stream == $stream" -T fields -E separator='|' \
	-e frame.time_epoch -e tcp.srcport -e tcp.len -e tcp.flags.syn -e tcp.flags.ack \
	-e tcp.window_size -e tcp.analysis.retransmission -e tcp.analysis.fast_retransmission \
	-e tcp.analysis.lost_segment -e http.request.uri -e tcp.seq -e tcp.ack 2>/dev/null |
awk -F'|' -v uri="$uri" -v bin="$bin" '
$4 == 1 && $5 == 0 { syn = $1 }
$4 == 1 && $5 == 1 && syn != "" && synack == "" { synack = $1 }
$10 == uri && req == "" { req = $1 }
# A kept-alive connection (iPXE) goes on with the next file: stop there.
$10 != "" && $10 != uri && req != "" { exit }
$2 == 80 && $3 > 0 {
	n++; bytes += $3; last = $1
	if ($7 != "" || $8 != "") rx++
	if ($9 != "") lost++
	if (t0 == "") t0 = $1
	if (bin > 0) { b = int(($1 - t0) * 1000 / bin); by[b] += $3; if (b > nb) nb = b
		e = $11 + $3; if (e > hi) hi = e; if (hi - ack > fl[b]) fl[b] = hi - ack }
	if (req != "") for (k = 1; k <= 3; k++) if (!(k in at) && bytes >= mark[k] * 1048576) at[k] = ($1 - req) * 1000
}
$2 != 80 && $3 == 0 && $4 == 0 && req != "" {
	a++; ack = $12; if (bin > 0 && t0 != "") na[int(($1 - t0) * 1000 / bin)]++
	w = $6 + 0; if (wfirst == "") wfirst = w; if (w > wmax) wmax = w
	ab[a] = bytes; aw[a] = w
}
BEGIN { mark[1] = 1; mark[2] = 4; mark[3] = 8 }
END {
	mib = bytes / 1048576
	for (i = 1; i <= a; i++) if (ab[i] >= bytes / 2) { whalf = aw[i]; break }
	printf "rtt %.1f ms\n", (synack - syn) * 1000
	printf "data %d segments, %d B, %.0f ms from the request (%.1f MB/s)\n", n, bytes,
		(last - req) * 1000, bytes / (last - req) / 1e6
	printf "rexmit %d retransmitted, %d lost at the tap\n", rx, lost
	printf "acks %d, %.0f per MiB, %.1f segments per ACK\n", a, a / mib, a ? n / a : 0
	printf "window first %d, at half %d, max %d B\n", wfirst, whalf, wmax
	printf "ramp 1 MiB %s ms, 4 MiB %s ms, 8 MiB %s ms\n", (1 in at) ? sprintf("%.0f", at[1]) : "-",
		(2 in at) ? sprintf("%.0f", at[2]) : "-", (3 in at) ? sprintf("%.0f", at[3]) : "-"
	for (i = 0; bin > 0 && i <= nb; i++)
		printf "bin %5d ms: %7d B arrived, %7d B in flight, %3d ACKs\n", i * bin, by[i], fl[i], na[i]
}'
