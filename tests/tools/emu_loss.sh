#!/usr/bin/env bash
# nbemu loss: a configured loss rate is what the traffic sees, within
# binomial tolerance, in each direction and round trip.
. "$(dirname "$0")/emu_common.sh"

# One way, upstream (kernel host -> server): 2000 UDP datagrams, 10 %.
# Binomial sd = sqrt(2000 * 0.1 * 0.9) = 13.4 datagrams; allow 4.5 sd.
# 1000 datagrams/s: at 4000/s a loaded CI machine (ASan, QEMU next door)
# dropped another 13 % in socket buffers, which is not nbemu's loss.
nbns_up --b2a-loss 10 --seed 7 || fail "nbns_up"
nbns_exec_kernel ping -c 3 -i 0.05 -W 1 "$NBNS_SERVER_IP" >/dev/null # ARP warm-up
port=$((6000 + RANDOM % 1000))
nbns_exec_server timeout 30 "$NBBLAST" udp-recv --port "$port" --count 2000 --timeout 25 \
	>"$NBNS_DIR/udp.out" &
rp=$!
sleep 0.3
nbns_exec_kernel timeout 30 "$NBBLAST" udp-send --host "$NBNS_SERVER_IP" --port "$port" \
	--count 2000 --pps 1000 || fail "udp-send"
wait "$rp"
got=$(sed -n 's/^received=//p' "$NBNS_DIR/udp.out")
echo "udp: 2000 sent, $got received through 10 % loss"
within "$got" 1740 1860 || fail "received $got of 2000 with 10 % loss (want 1740..1860)"
nbns_emu_stats >/dev/null || fail "stats"
lost=$(nbns_emu_stat b2a.lost)
echo "nbemu b2a.lost=$lost"
within "$lost" 140 260 || fail "nbemu counted $lost lost (want 140..260)"

# Round trip, 10 % each way: a ping survives with 0.9^2, i.e. 19 % loss;
# n = 500 gives sd 1.75 %.
nbns_emu_restart --loss 10 --seed 11 || fail "restart"
out=$(nbns_exec_kernel ping -q -c 500 -i 0.005 -W 1 "$NBNS_SERVER_IP")
pct=$(sed -n 's/.* \([0-9.]*\)% packet loss.*/\1/p' <<<"$out")
echo "ping: $pct % round-trip loss with 10 % each way (expect 19)"
within "$pct" 12 26 || fail "round-trip loss $pct % (want 12..26)"

# No loss configured: nothing lost.
nbns_emu_restart --seed 3 || fail "restart"
out=$(nbns_exec_kernel ping -q -c 200 -i 0.005 -W 1 "$NBNS_SERVER_IP")
pct=$(sed -n 's/.* \([0-9.]*\)% packet loss.*/\1/p' <<<"$out")
[ "$pct" = 0 ] || fail "loss $pct % with no impairment"
pass "loss"
