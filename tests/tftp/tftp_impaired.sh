#!/usr/bin/env bash
# Loss and reordering on the emulated path (nbemu, both directions), then
# delay: every server must still deliver byte-exact files.  Sizes are
# chosen per server so the run stays short: lock-step servers recover a
# lost DATA block only by their own timer (dnsmasq's is seconds).
here=$(cd "$(dirname "$0")" && pwd)
. "$here/tftp_env.sh" "$@"
tftp_up --loss 5 --reorder 5 --reorder-delay 3 --seed 7

mkfile big 3000017
mkfile med 1000001
mkfile small 150001

run() { # srv port file [opts]
	local srv=$1 port=$2 file=$3
	shift 3
	local t0=$SECONDS
	tftp_get "$port" "$file" "$@" || fail "$srv $file $*: $LAST"
	tftp_check "$file"
	echo "ok: $srv $file $* ($((SECONDS - t0)) s): $(grep -E 'bytes in|tftp:' <<<"$LAST" | tr '\n' ' ')"
}

echo "--- 5% loss + 5% reordering each way"
run atftpd $PORT_ATFTPD big
run atftpd $PORT_ATFTPD med --windowsize 4 --blksize 512
run hpa $PORT_HPA med
run dnsmasq $PORT_DNSMASQ small
nbns_emu_stats | grep -E '^(a2b|b2a)\.(lost|reordered)=' | tr '\n' ' '; echo
for k in a2b.lost b2a.lost a2b.reordered; do
	[ "$(nbns_emu_stat $k)" -gt 0 ] || fail "nbemu did not impair ($k=0)"
done

echo "--- 20 ms RTT with 2% loss and 1 ms jitter"
nbns_emu_restart --delay 10 --jitter 1 --loss 2 --seed 11 || fail "nbemu restart"
run atftpd $PORT_ATFTPD big
run hpa $PORT_HPA small
run dnsmasq $PORT_DNSMASQ small --blksize 512
echo "ok: impaired transfers byte-exact"
