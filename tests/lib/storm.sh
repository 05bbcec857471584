# shellcheck shell=bash
# tests/lib/storm.sh — many clients at once on the netns.sh network: the
# boot-storm test (tests/storm) and benchmark (bench/storm) share it.
#
# Source after tests/lib/netns.sh and nbns_up.  Every client has its own
# tap (our stack) or its own namespace with a veth (curl), all in the
# client-side bridge br0, so they share nbemu's bottleneck to the server.
#
#   storm_taps N              taps st1..stN in br0 (for nbget clients)
#   storm_kns N               namespaces nb<pid>k1..kN, veths in br0 (curl)
#   storm_ip I                the address of client I (10.77.0.(19+I), I<=200)
#   storm_run N OUT CMD...    start N clients within one second: CMD runs
#                             with @I@ replaced by the client's number,
#                             @IP@ by its address, @AT@ by its start time; writes OUT/res (one line
#                             per client: I rc start_ns end_ns) and
#                             OUT/I.log; returns when all ended
#   storm_report OUT N BYTES RATE_BPS   p50 p99 max, ideal, Jain's index,
#                             late: clients that reached an @AT@ barrier
#                             after their time (raise STORM_MARGIN)
#   storm_sample OUT PORT     in the background until storm_sample_stop:
#                             every ~100 ms, the server's `ss -tin` for
#                             its connections on PORT into OUT/ss (a
#                             "T <time>" line before each sample)
#   storm_sample_stop         end it
#   storm_share OUT N         from OUT/res and OUT/ss: Jain's index over
#                             the bytes each client was sent while all
#                             were downloading (last start -> first end)
#                             and the server's TCP per connection (see
#                             the function)
#   storm_busy PORT COUNT     wait (30 s at most) until the server has
#                             COUNT connections to PORT that carried
#                             256 KB each: when
#                             a crowd is really downloading (the clients'
#                             starts are late on a loaded machine)
#   storm_down                delete what storm_kns created (nbns_down
#                             removes the rest with the namespaces)
STORM_KNS=()

storm_ip() { echo "10.77.0.$((19 + $1))"; }

storm_taps() {
	local i
	for ((i = 1; i <= $1; i++)); do
		ip -n "$NBNS_C" tuntap add dev "st$i" mode tap || return 1
		ip -n "$NBNS_C" link set "st$i" master br0 up || return 1
	done
}

storm_kns() {
	local i ns
	for ((i = 1; i <= $1; i++)); do
		ns=nb$$k$i
		_nbns_ns "$ns" || return 1
		STORM_KNS+=("$ns")
		ip -n "$NBNS_C" link add "sk$i" type veth peer name k0 netns "$ns" || return 1
		ip -n "$NBNS_C" link set "sk$i" master br0 up || return 1
		ip -n "$ns" addr add "$(storm_ip "$i")/24" dev k0 || return 1
		ip -n "$ns" link set k0 up || return 1
	done
}

storm_busy() {
	local i
	# Established is not enough: on a loaded machine the kernel finishes
	# handshakes long before the server accepts them, and a restart then
	# hit connections that had carried no byte.  Count those that have
	# carried 256 KB.
	for ((i = 0; i < 300; i++)); do
		[ "$(nbns_exec_server ss -Htni state established "( sport = :$1 )" |
			grep -o 'bytes_acked:[0-9]*' | awk -F: '$2 >= 262144' | wc -l)" -ge "$2" ] && return 0
		sleep 0.1
	done
	return 1
}

storm_down() {
	local ns
	for ns in "${STORM_KNS[@]}"; do
		ip netns pids "$ns" 2>/dev/null | xargs -r kill -KILL 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done
	STORM_KNS=()
	return 0
}

# Client I starts at (I-1)*STORM_SPREAD_MS/N ms (default 1000: the
# whole crowd within one second; 0: all at the same instant).
# With @AT@ in CMD (nbget --start-at @AT@, or NBAT @AT@ CMD...) every
# client is forked and set up first and waits for its own wall-clock time
# (STORM_MARGIN seconds from now, default 2 + N/6): the start window is
# then real, not stretched by forks on a loaded machine; its start is
# that time.  Without @AT@ each client sleeps its delay and then forks.
storm_run() {
	local n=$1 out=$2 i at= t0 margin
	shift 2
	mkdir -p "$out"
	: >"$out/res"
	local pids=() ip delay
	case "$*" in *@AT@*) at=1 ;; esac
	margin=${STORM_MARGIN:-$((2 + n / 6))}
	t0=${EPOCHREALTIME/./}
	t0=$((t0 + margin * 1000000))
	# No fork in this loop (no $(...)): on a loaded machine each costs
	# tens of ms, and one per argument per client spread 32 "simultaneous"
	# starts over half a minute.
	for ((i = 1; i <= n; i++)); do
		local args=() a tus atstr
		ip=10.77.0.$((19 + i))
		delay=$(((i - 1) * ${STORM_SPREAD_MS:-1000} / n))
		tus=$((t0 + delay * 1000))
		printf -v delay '%d.%03d' $((delay / 1000)) $((delay % 1000))
		printf -v atstr '%d.%06d' $((tus / 1000000)) $((tus % 1000000))
		for a in "$@"; do
			a=${a//@I@/$i}
			a=${a//@AT@/$atstr}
			args+=("${a//@IP@/$ip}")
		done
		(
			if [ -n "$at" ]; then
				s=${tus}000
			else
				sleep "$delay"
				s=${EPOCHREALTIME/./}000
			fi
			# Not "cmd; rc=$?": under the caller's set -e a failing
			# client would end this subshell before it reports.
			"${args[@]}" >"$out/$i.log" 2>&1 && rc=0 || rc=$?
			echo "$i $rc $s ${EPOCHREALTIME/./}000" >>"$out/res"
		) &
		pids+=($!)
	done
	wait "${pids[@]}" 2>/dev/null
	return 0
}

# Completion times from the first start: p50, p99, max against the ideal
# N x size / rate, and Jain's fairness index over the clients' rates.
storm_report() {
	local out=$1 n=$2 bytes=$3 rate=$4 t0
	t0=$(sort -k3,3n "$out/res" | awk 'NR == 1 {print $3}')
	awk -v t0="$t0" '{printf "%.6f\n", ($4 - t0) / 1e9}' "$out/res" |
		sort -g >"$out/done"
	awk -v n="$n" -v b="$bytes" -v r="$rate" -v t0="$t0" '
		NR == FNR { c[FNR] = $1; m = FNR; next }
		{ if ($2 == 0) ok++; d = ($4 - $3) / 1e9; x = b / (d > 0 ? d : 1e-9)
		  sx += x; sxx += x * x; k++; st[k] = ($3 - t0) / 1e9; dur[k] = d }
		END {
			p50 = c[int((m - 1) * 0.50) + 1]; p99 = c[int((m - 1) * 0.99) + 1]
			ideal = n * b * 8 / r
			printf "clients=%d ok=%d p50=%.2fs p99=%.2fs max=%.2fs ideal=%.2fs p99/ideal=%.2f jain=%.3f jain_fair=%.3f jain_norm=%.3f late=%d\n",
				k, ok, p50, p99, c[m], ideal, p99 / ideal, sx * sx / (k * sxx),
				fair_jain(st, k, b, r / 8), norm_jain(st, dur, k, b, r / 8, c[m]), late
		}
		'"$STORM_FAIR_AWK" late="$(cat "$out"/*.log 2>/dev/null | grep -c 'late [0-9]* ms')" "$out/done" "$out/res"
}

# A perfectly fair bottleneck: every active client gets 1/n of the link
# from its start, with no start-up cost.  fair_fin() simulates it event
# by event (a start or a finish) over the start offsets st[1..k], fills
# fin[] with each client's end and returns the last one.
#
# jain_fair: the per-rate Jain index such a link gives for the same
# start times and size.  The per-rate index cannot reach 1 when starts
# are spread over a time comparable to the storm: early clients share
# the link with fewer others.
#
# jain_norm: Jain's index as Jain, Chiu and Hawe define it, over each
# client's rate normalised by its fair one (x = fair time / own time),
# so a fair link gives 1 whatever the start times.  The fair times come
# from a link as fast as the run's own: the rate at which the model ends
# when the last client did (bisected), because a run that reached only
# 80 % of the line rate would otherwise count the early clients' lost
# head start as unfairness.
STORM_FAIR_AWK='
function fair_fin(st, k, size, Bps, fin,   i, t, left, act, next_t, dt, per, done) {
	for (i = 1; i <= k; i++) { left[i] = size; fin[i] = -1 }
	t = 0; done = 0
	while (done < k) {
		act = 0; next_t = -1
		for (i = 1; i <= k; i++) {
			if (fin[i] >= 0) continue
			if (st[i] <= t + 1e-12) act++
			else if (next_t < 0 || st[i] < next_t) next_t = st[i]
		}
		if (act == 0) { t = next_t; continue }
		per = Bps / act; dt = -1
		for (i = 1; i <= k; i++)
			if (fin[i] < 0 && st[i] <= t + 1e-12 && (dt < 0 || left[i] / per < dt))
				dt = left[i] / per
		if (next_t >= 0 && next_t - t < dt) dt = next_t - t
		for (i = 1; i <= k; i++)
			if (fin[i] < 0 && st[i] <= t + 1e-12) {
				left[i] -= per * dt
				if (left[i] <= size * 1e-9) { fin[i] = t + dt; done++ }
			}
		t += dt
	}
	return t
}
function fair_jain(st, k, size, Bps,   fin, i, x, sx, sxx) {
	fair_fin(st, k, size, Bps, fin)
	for (i = 1; i <= k; i++) { x = size / (fin[i] - st[i]); sx += x; sxx += x * x }
	return sx * sx / (k * sxx)
}
function norm_jain(st, dur, k, size, Bps, last,   fin, lo, hi, mid, it, i, x, sx, sxx) {
	# The model never ends before total / rate; a run cannot end sooner
	# than the line rate allows, so the run'"'"'s rate lies between.
	lo = k * size / last; hi = Bps > lo ? Bps : lo
	for (it = 0; it < 40; it++) {
		mid = (lo + hi) / 2
		if (fair_fin(st, k, size, mid, fin) > last) lo = mid; else hi = mid
	}
	fair_fin(st, k, size, hi, fin)
	for (i = 1; i <= k; i++) {
		x = (fin[i] - st[i]) / (dur[i] > 0 ? dur[i] : 1e-9)
		sx += x; sxx += x * x
	}
	return sx * sx / (k * sxx)
}'


STORM_SAMPLER=
storm_sample() {
	local out=$1 port=$2
	# shellcheck disable=SC2016 # expanded by the inner bash
	# One bash inside the server's namespace: `ip netns exec` per sample
	# would remount /sys ten times a second.  Real-time priority (below
	# nbemu's): at normal priority a storm of 25 clients on 2 cores
	# stretched the 100 ms to over a second.  Bounded: 10 minutes.
	ip netns exec "$NBNS_S" chrt -f 5 bash -c '
		for ((k = 0; k < 6000; k++)); do
			echo "T ${EPOCHREALTIME/./}"
			ss -Htni "( sport = :$1 )"
			sleep 0.1
		done' storm-sample "$port" >"$out/ss" 2>/dev/null &
	STORM_SAMPLER=$!
}

storm_sample_stop() {
	[ -n "$STORM_SAMPLER" ] || return 0
	kill "$STORM_SAMPLER" 2>/dev/null || true
	wait "$STORM_SAMPLER" 2>/dev/null || true
	STORM_SAMPLER=
	return 0
}

# Fairness that does not depend on the start times, from the server's
# samples of bytes_acked per connection (summed by client address):
#  - jain_active: Jain's index over the bytes each client was sent
#    between the last client's start and the first one's end, when every
#    client was downloading ("n/a" when that window is under 0.3 s: an
#    early client already ended; start all at once, STORM_SPREAD_MS=0);
#  - jain_bins: the mean, over 0.5 s bins, of Jain's index over the
#    bytes sent in the bin to the clients running through all of it.
# The per-rate index (storm_report) mixes in the start order: with starts
# spread over a second, an early client has the link to itself for a
# while and ends early.  Also the server's TCP per connection from the
# same samples: retransmitted segments (most on one connection), the
# most consecutive RTO backoffs seen (ss "backoff"), how many connections
# backed off twice or more in a row, and the server's smoothed RTT and
# segments in flight (unacked) averaged over the samples of running
# clients (data queued in front of a receiver shows in both).
# Prints: jain_active=J window=S jain_bins=J srv_backoff_max=B
# conns_backoff2=C srv_retrans_max=R srv_rtt=MS srv_inflight=SEGS;
# writes OUT/share: one line per client "ip bytes" (jain_active's).
storm_share() {
	local out=$1 n=$2
	awk -v n="$n" -v share="$out/share" '
		FILENAME ~ /res$/ {
			ip = "10.77.0." (19 + $1)
			st[ip] = $3 / 1000; en[ip] = $4 / 1000
			if (NR == 1 || st[ip] > ta) ta = st[ip]
			if (NR == 1 || en[ip] < tb) tb = en[ip]
			next
		}
		# A sample is complete at the next "T" line (or the end).
		$1 == "T" { sample(); t = $2; ns++; next }
		/^[A-Z]/ { peer = $NF; ip = peer; sub(/:[0-9]+$/, "", ip); next }
		peer != "" {
			b = 0; r = 0; k = 0
			if (match($0, /bytes_acked:[0-9]+/)) b = substr($0, RSTART + 12, RLENGTH - 12) + 0
			if (match($0, /retrans:[0-9]+\/[0-9]+/)) { split(substr($0, RSTART + 8, RLENGTH - 8), q, "/"); r = q[2] + 0 }
			if (match($0, /backoff:[0-9]+/)) k = substr($0, RSTART + 8, RLENGTH - 8) + 0
			# Per client, monotonic: a new connection counts from 0,
			# a vanished one keeps what it had.
			cum[ip] += b - last[peer]; last[peer] = b
			if (ip in st && t >= st[ip] && t <= en[ip]) {
				if (match($0, / rtt:[0-9.]+/)) { rs += substr($0, RSTART + 5, RLENGTH - 5); rn++ }
				cs += match($0, / unacked:[0-9]+/) ? substr($0, RSTART + 9, RLENGTH - 9) : 0; cn++
			}
			if (k > bo[peer]) bo[peer] = k
			if (r > rt[peer]) rt[peer] = r
			peer = ""
		}
		function sample(   c, s1, s2, m, x) {
			if (!ns) return
			if (t <= ta) for (c in cum) a[c] = cum[c]
			if (t <= tb) for (c in cum) z[c] = cum[c]
			if (!bin_t) { bin_t = t; for (c in cum) bin[c] = cum[c]; return }
			if (t - bin_t < 500000) return
			s1 = s2 = m = 0
			for (c in st)
				if (st[c] <= bin_t && en[c] >= t) {
					x = cum[c] - bin[c]; s1 += x; s2 += x * x; m++
				}
			if (m >= 2 && s2 > 0) { js += s1 * s1 / (m * s2); jn++ }
			delete bin
			bin_t = t; for (c in cum) bin[c] = cum[c]
		}
		END {
			sample()
			for (c in st) { x = z[c] - a[c]; s += x; ss += x * x; print c, x > share }
			for (p in bo) { if (bo[p] > bmax) bmax = bo[p]; if (bo[p] >= 2) c2++ }
			for (p in rt) if (rt[p] > rmax) rmax = rt[p]
			w = (tb - ta) / 1e6
			if (w < 0.3 || ss == 0) j = "n/a"
			else j = sprintf("%.3f", s * s / (n * ss))
			printf "jain_active=%s window=%.2fs jain_bins=%s srv_backoff_max=%d conns_backoff2=%d srv_retrans_max=%d srv_rtt=%.2fms srv_inflight=%.1f\n",
				j, w, jn ? sprintf("%.3f", js / jn) : "n/a", bmax, c2 + 0, rmax,
				rn ? rs / rn : 0, cn ? cs / cn : 0
		}' "$out/res" "$out/ss"
}
