# The RTT sweep's table (bench.sh): one row per way and round trip.
# Input: one line per boot, "RTT WAY N fwDHCP loader kernel marker rate
# own ROM/MiB empty/MiB frames/visit" ("-" = none); -v rtts="0 2 20 80" gives the row order.
# Columns: medians of the kernel rate (capture), loader->marker and
# ROM/MiB; the rate over the way's own rate at 0 ms (what the round trip
# costs it); for our loaders, the rate and loader->marker over the
# firmware's usual iPXE at the same round trip (the goals' ratios).
function med(key, k,   n, i, j, v, t) {
	n = 0
	for (i = 1; i <= cnt[key]; i++) if (val[key, i, k] != "-") v[++n] = val[key, i, k] + 0
	if (n == 0) return "-"
	for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
	return (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
}
function fmt(x, f) { return x == "-" ? "-" : sprintf(f, x) }
function div(a, b) { return (a == "-" || b == "-" || b + 0 == 0) ? "-" : sprintf("%.2f", a / b) }
{
	key = $2 SUBSEP $1
	if (!($2 in seen)) { seen[$2] = 1; ways[++nw] = $2 }
	i = ++cnt[key]
	val[key, i, "rate"] = $8
	val[key, i, "rom"] = $10
	val[key, i, "empty"] = (NF >= 11) ? $11 : "-"
	val[key, i, "fpv"] = (NF >= 12) ? $12 : "-"
	val[key, i, "ldmk"] = ($5 != "-" && $7 != "-") ? $7 - $5 : "-"
	if ($7 != "-") ok[key]++
}
END {
	theirs["bios-ours"] = "bios-undionly"; theirs["efi-ours"] = "efi-snponly"
	nr = split(rtts, rt, " ")
	for (o = 1; o <= nw; o++) for (r = 1; r <= nr; r++) {
		key = ways[o] SUBSEP rt[r]
		if (!(key in cnt)) continue
		rate[key] = med(key, "rate"); ldmk[key] = med(key, "ldmk"); rom[key] = med(key, "rom"); empty[key] = med(key, "empty"); fpv[key] = med(key, "fpv")
	}
	print "| way | RTT ms | rate MB/s | loader→marker ms | ROM/MiB | empty/MiB | frames/visit | rate / rate at 0 ms | rate ours / theirs | loader→marker ours / theirs | marker |"
	print "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|"
	for (o = 1; o <= nw; o++) for (r = 1; r <= nr; r++) {
		w = ways[o]; key = w SUBSEP rt[r]
		if (!(key in cnt)) continue
		z = w SUBSEP "0"
		base = (z in rate) ? rate[z] : "-"
		t = (w in theirs) ? theirs[w] SUBSEP rt[r] : ""
		rr = (t != "" && t in rate) ? div(rate[key], rate[t]) : "-"
		lr = (t != "" && t in ldmk) ? div(ldmk[key], ldmk[t]) : "-"
		printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %d/%d |\n", w, rt[r], fmt(rate[key], "%.1f"), fmt(ldmk[key], "%d"),
			fmt(rom[key], "%d"), fmt(empty[key], "%d"), fmt(fpv[key], "%.1f"), div(rate[key], base), rr, lr, ok[key], cnt[key]
	}
	print ""
	print "goals: bios-ours/bios-undionly rate >= 3 and loader→marker <= 0.35;"
	print "       efi-ours/efi-snponly rate >= 1 and loader→marker <= 0.6."
}
