#!/usr/bin/env bash
# A file larger than 65535 blocks of 512 bytes (32 MiB): the block number
# wraps to 0 and the transfer goes on, as tftpd-hpa does.  Once, on the
# unimpaired path, lock-step 512-byte blocks: the worst case for rollover.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/tftp_env.sh" "$@"
tftp_up
mkfile huge $((40 * 1000 * 1000 + 123))
t0=$SECONDS
tftp_get $PORT_HPA huge --blksize 512 --windowsize 0 || fail "rollover: $LAST"
tftp_check huge
grep -q "blksize 512 windowsize 1 " <<<"$LAST" || fail "negotiation: $LAST"
echo "ok: 40 MB (78126 blocks of 512) through a block-number wrap in $((SECONDS - t0)) s"
echo "$LAST"
