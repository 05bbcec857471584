#!/usr/bin/env bash
# nbemu rate and GSO: a rate limit is what TCP gets; without impairment
# GSO super-frames cross the emulator whole and TCP runs at >= 1 Gbit/s
# class speeds; with per-packet impairments they are segmented and
# corruption is caught by the receiver's checksums, never delivered.
. "$(dirname "$0")/emu_common.sh"

nbns_up --seed 5 || fail "nbns_up"
out=$(tcp_transfer 400000000)
echo "no impairment: $out"
mbit=$(field mbit "$out")
[ "$(field bytes "$out")" = 400000000 ] || fail "short transfer: $out"
[ "$(field bad "$out")" = 0 ] || fail "corrupted data: $out"
# Lower bounds are loose (a loaded CI machine starves both ends); the
# upper bounds are the limiter's promise and stay tight.
within "$mbit" 300 1e9 || fail "throughput $mbit Mbit/s without impairment (want >= 300)"
nbns_emu_stats >/dev/null || fail "stats"
big=$(nbns_emu_stat a2b.tx_big)
max=$(nbns_emu_stat a2b.rx_max)
echo "nbemu a2b: frames > 1514 bytes forwarded: $big, largest $max bytes"
within "$big" 1 1e12 || fail "no GSO frame crossed nbemu"
within "$max" 1515 1e9 || fail "largest frame $max"

nbns_emu_restart --rate 100mbit --seed 5 || fail "restart"
out=$(tcp_transfer 25000000)
echo "rate 100mbit: $out"
mbit=$(field mbit "$out")
[ "$(field bytes "$out")" = 25000000 ] || fail "short transfer: $out"
# Payload is 1448 of 1514 wire bytes: 95.6 Mbit/s at best.
within "$mbit" 50 100 || fail "throughput $mbit Mbit/s at 100mbit (want 50..100)"

nbns_emu_restart --rate 20mbit --delay 10 --seed 5 || fail "restart"
out=$(tcp_transfer 6000000)
echo "rate 20mbit delay 10: $out"
mbit=$(field mbit "$out")
within "$mbit" 10 20 || fail "throughput $mbit Mbit/s at 20mbit (want 10..20)"

# Server-side htb shaping composes with the emulator.
nbns_emu_restart --seed 5 || fail "restart"
nbns_server_rate 50mbit || fail "htb"
out=$(tcp_transfer 12000000)
echo "htb 50mbit at the server: $out"
within "$(field mbit "$out")" 25 51 || fail "throughput with htb 50mbit: $out"
nbns_server_rate off

nbns_emu_restart --loss 0.5 --corrupt 0.5 --dup 1 --reorder 1 --delay 2 --seed 5 ||
	fail "restart"
out=$(tcp_transfer 30000000)
echo "loss+corrupt+dup+reorder: $out"
[ "$(field bytes "$out")" = 30000000 ] || fail "short transfer: $out"
[ "$(field bad "$out")" = 0 ] || fail "corruption reached the application: $out"
nbns_emu_stats >/dev/null || fail "stats"
for k in segmented corrupted dup reordered lost; do
	v=$(nbns_emu_stat a2b.$k)
	echo "nbemu a2b.$k=$v"
	within "$v" 1 1e12 || fail "a2b.$k is $v"
done
[ "$(nbns_emu_stat a2b.tx_big)" = 0 ] || fail "super-frames left unsegmented under loss"
# /proc/net/snmp, "Tcp:" header line then values: pick InCsumErrors.
csum=$(nbns_exec_kernel awk '/^Tcp:/ { if (!n) { for (i = 1; i <= NF; i++) if ($i == "InCsumErrors") c = i; n = 1 } else print $c }' /proc/net/snmp)
echo "kernel host TcpInCsumErrors=$csum"
within "$csum" 1 1e12 || fail "no checksum error seen: corruption not detectable"
pass "rate"
