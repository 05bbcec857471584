#!/usr/bin/env bash
# One boot's samples (bench.sh NB_BENCH_SS=1, sample.pl) over its kernel
# download:
#
#   ssstat.sh WAY-N.ss [STEPS]       (STEPS: rows of the TCP table, 10)
#
# The kernel's connection is the server socket that acknowledged the
# most bytes; its download runs from the first sample that shows it to
# the first that has 99 % of its bytes acknowledged.  Prints:
#   tcp      the congestion control and, at every 1/STEPS of the bytes:
#            ms since the first sample, MB acknowledged, cwnd (segments),
#            ssthresh, smoothed and minimum RTT (ms), pacing and
#            delivery rate (MB/s), unacked segments, BBR's bandwidth
#            estimate and pacing gain (when BBR);
#   limited  the socket's own account at the end: busy ms and the shares
#            limited by the receiver's window and the send buffer (the
#            rest of busy is the congestion window, or pacing);
#   threads  per thread of QEMU and nbemu over the download: CPU ms and
#            % of the wall time, ms runnable but waiting for a CPU, time
#            slices, voluntary and involuntary switches, mean wait per
#            slice (us);
#   load     the 1-minute load average at the first and last sample.
set -uo pipefail
ss=${1:?usage: ssstat.sh WAY-N.ss [STEPS]}
steps=${2:-10}
{ [[ $steps =~ ^[0-9]+$ ]] && [ "$steps" -gt 0 ]; } || { echo "ssstat: STEPS must be a number" >&2; exit 1; }
[ -s "$ss" ] || { echo "ssstat: no samples in $ss" >&2; exit 1; }
awk -v steps="$steps" '
function kv(line, key,   i, n, f) {
	n = split(line, f, " ")
	for (i = 1; i <= n; i++) {
		if (f[i] == key && i < n) return f[i + 1]
		if (index(f[i], key ":") == 1) return substr(f[i], length(key) + 2)
	}
	return ""
}
function bps(v) { sub(/bps$/, "", v); return v == "" ? "-" : sprintf("%.1f", v / 8e6) }
$1 == "T" { ns++; t[ns] = $2; next }
$1 == "L" { ld[ns] = $2; next }
$1 == "P" { id = $2 " " $3 " " $4; if (!(id in seen)) { seen[id] = 1; ids[++ni] = id }
	run[id, ns] = $5; wt[id, ns] = $6; sl[id, ns] = $7; vc[id, ns] = $8; nv[id, ns] = $9; next }
$1 == "S" { peer = $5; line[peer, ns] = $0
	a = kv($0, "bytes_acked") + 0; acked[peer, ns] = a
	if (!(peer in first)) first[peer] = ns
	if (a > most[peer]) most[peer] = a
	if (match($0, / (cubic|bbr|reno|bbr2|dctcp|htcp|vegas) /)) cc[peer] = substr($0, RSTART + 1, RLENGTH - 2)
	next }
END {
	for (p in most) if (most[p] > best) { best = most[p]; k = p }
	if (k == "") { print "ssstat: no server socket in the samples"; exit 1 }
	s0 = first[k]
	for (i = s0; i <= ns; i++) if (((k, i) in acked) && acked[k, i] >= 0.99 * best) { s1 = i; break }
	if (s1 == "") s1 = ns
	wall = (t[s1] - t[s0]) * 1000
	printf "tcp: %s, peer %s, %.0f bytes acknowledged, %d samples over %.0f ms\n", cc[k], k, best, s1 - s0 + 1, wall
	printf "  %7s %6s %5s %8s %7s %7s %8s %8s %7s %8s %5s\n", "ms", "MB", "cwnd", "ssthresh", "rtt", "minrtt",
		"pacing", "delivery", "unacked", "bbr bw", "gain"
	next_mark = 0
	for (i = s0; i <= s1; i++) {
		if (!((k, i) in line)) continue
		if (acked[k, i] < next_mark * best / steps && i != s1) continue
		while (next_mark * best / steps <= acked[k, i]) next_mark++
		l = line[k, i]
		r = kv(l, "rtt"); sub(/\/.*/, "", r)
		b = kv(l, "bbr"); bw = "-"; g = "-"
		if (match(l, /bw:[0-9.]+[A-Za-z]*bps/)) { bw = substr(l, RSTART + 3, RLENGTH - 3)
			if (bw ~ /Mbps$/) { sub(/Mbps/, "", bw); bw = sprintf("%.1f", bw / 8) }
			else if (bw ~ /Kbps$/) { sub(/Kbps/, "", bw); bw = sprintf("%.2f", bw / 8000) }
			else { sub(/bps/, "", bw); bw = sprintf("%.1f", bw / 8e6) } }
		if (match(l, /pacing_gain:[0-9.]+/)) g = substr(l, RSTART + 12, RLENGTH - 12)
		ss_ = kv(l, "ssthresh"); un = kv(l, "unacked")
		printf "  %7.0f %6.2f %5s %8s %7s %7s %8s %8s %7s %8s %5s\n", (t[i] - t[s0]) * 1000, acked[k, i] / 1e6,
			kv(l, "cwnd"), ss_ == "" ? "-" : ss_, r, kv(l, "minrtt"), bps(kv(l, "pacing_rate")),
			bps(kv(l, "delivery_rate")), un == "" ? 0 : un, bw, g
	}
	l = line[k, s1]
	printf "limited: busy %s, rwnd_limited %s, sndbuf_limited %s\n", kv(l, "busy") == "" ? "-" : kv(l, "busy"),
		kv(l, "rwnd_limited") == "" ? "-" : kv(l, "rwnd_limited"), kv(l, "sndbuf_limited") == "" ? "-" : kv(l, "sndbuf_limited")
	printf "threads over the download (%.0f ms):\n", wall
	printf "  %-5s %7s %-18s %8s %5s %8s %7s %7s %7s %8s\n", "who", "tid", "comm", "cpu ms", "%", "wait ms",
		"slices", "vcsw", "nvcsw", "us/slice"
	for (j = 1; j <= ni; j++) {
		id = ids[j]
		if (!((id, s0) in run) || !((id, s1) in run)) continue
		dr = (run[id, s1] - run[id, s0]) / 1e6; dw = (wt[id, s1] - wt[id, s0]) / 1e6
		ds = sl[id, s1] - sl[id, s0]
		if (dr < 0.05 && ds == 0) continue
		split(id, w, " ")
		printf "  %-5s %7s %-18s %8.1f %5.1f %8.1f %7d %7d %7d %8s\n", w[1], w[2], w[3], dr,
			(wall > 0 ? 100 * dr / wall : 0), dw, ds, vc[id, s1] - vc[id, s0], nv[id, s1] - nv[id, s0],
			(ds > 0 ? sprintf("%.0f", dw * 1000 / ds) : "-")
	}
	printf "load: %s at the first sample, %s at the last\n", ld[s0], ld[s1]
}' "$ss"
