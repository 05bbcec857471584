#!/usr/bin/env bash
# nbemu delay: ping RTT between the kernel host and the server follows the
# configured one-way delay, and stays small with no delay.
. "$(dirname "$0")/emu_common.sh"

nbns_up --seed 1 || fail "nbns_up"
nbns_exec_kernel ping -c 1 -W 2 "$NBNS_SERVER_IP" >/dev/null || fail "no path"
rtt=$(ping_median -c 20 -i 0.05)
echo "delay 0: median RTT ${rtt} ms"
within "$rtt" 0 3 || fail "RTT $rtt ms with no delay (want < 3)"

nbns_emu_restart --delay 20 --seed 1 || fail "restart"
nbns_exec_kernel ping -c 1 -W 2 "$NBNS_SERVER_IP" >/dev/null || fail "no path"
rtt=$(ping_median -c 20 -i 0.05)
echo "delay 20 each way: median RTT ${rtt} ms"
within "$rtt" 39.5 44 || fail "RTT $rtt ms with 20 ms each way (want 39.5..44)"

# Departure slots: frames leave up to a slot late, never early.
nbns_emu_restart --delay 20 --quantum 250 --seed 1 || fail "restart"
nbns_exec_kernel ping -c 1 -W 2 "$NBNS_SERVER_IP" >/dev/null || fail "no path"
rtt=$(ping_median -c 20 -i 0.05)
echo "delay 20 each way, 250 us slots: median RTT ${rtt} ms"
within "$rtt" 39.5 44.5 || fail "RTT $rtt ms with 20 ms each way in 250 us slots (want 39.5..44.5)"
nbns_emu_stats | grep -q '^wakeups=' || fail "no wakeups count in the stats"

# Asymmetric: only the upstream direction delayed.
nbns_emu_restart --b2a-delay 30 --seed 1 || fail "restart"
nbns_exec_kernel ping -c 1 -W 2 "$NBNS_SERVER_IP" >/dev/null || fail "no path"
rtt=$(ping_median -c 20 -i 0.05)
echo "b2a delay 30: median RTT ${rtt} ms"
within "$rtt" 29.5 34 || fail "RTT $rtt ms with 30 ms upstream only (want 29.5..34)"

# Jitter widens the spread but keeps the median.
nbns_emu_restart --delay 10 --jitter 5 --seed 1 || fail "restart"
nbns_exec_kernel ping -c 1 -W 2 "$NBNS_SERVER_IP" >/dev/null || fail "no path"
out=$(ping_times -c 40 -i 0.05)
rtt=$(median <<<"$out")
mn=$(head -1 <<<"$out")
p10=$(sed -n 4p <<<"$out")
p90=$(sed -n 36p <<<"$out")
echo "delay 10 jitter 5: median RTT $rtt ms, min $mn, 10th..90th percentile $p10..$p90"
within "$rtt" 17 24 || fail "median RTT $rtt with 10+-5 ms each way (want 17..24)"
# Two uniform +-5 ms draws per round trip: the middle 80 % spreads well
# beyond 3 ms, and nothing arrives under the floor of 2 x (10 - 5) ms.
# (Percentiles, not max: a loaded host adds the odd late reply.)
within "$(awk -v a="$p90" -v b="$p10" 'BEGIN{print a-b}')" 3 20 || fail "jitter spread $p10..$p90"
within "$mn" 9.9 30 || fail "RTT $mn below the jitter floor"
nbns_emu_stats | grep late
pass "delay"
