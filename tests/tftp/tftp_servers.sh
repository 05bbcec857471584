#!/usr/bin/env bash
# nbget's TFTP client against real tftpd-hpa, atftpd and dnsmasq on an
# unimpaired emulated path: files of 0 bytes, exactly one block, exactly N
# blocks and odd sizes; with the default options and with each one turned
# off or changed; server errors.  Every download is compared by SHA-256.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/tftp_env.sh" "$@"
tftp_up

mkfile empty 0
mkfile one512 512
mkfile one1468 1468
mkfile n1468 $((1468 * 40))
mkfile n512 $((512 * 100))
mkfile odd 300007
mkfile mid 1000003

declare -A PORT=([hpa]=$PORT_HPA [atftpd]=$PORT_ATFTPD [dnsmasq]=$PORT_DNSMASQ)
# windowsize each server grants when asked for 16 (only atftpd has RFC 7440)
declare -A WIN=([hpa]=1 [atftpd]=16 [dnsmasq]=1)
n=0
for srv in hpa atftpd dnsmasq; do
	p=${PORT[$srv]}
	for f in empty one512 one1468 n1468 n512 odd; do
		tftp_get "$p" "$f" || fail "$srv $f: $LAST"
		tftp_check "$f"
		grep -q "blksize 1468 windowsize ${WIN[$srv]} " <<<"$LAST" ||
			fail "$srv $f: unexpected negotiation: $LAST"
		n=$((n + 1))
	done
	# each option off or changed, on a file of ~1 MB
	for opts in "--blksize 0" "--windowsize 0" "--blksize 0 --windowsize 0" \
		"--blksize 512" "--blksize 100 --windowsize 4" "--windowsize 64"; do
		# shellcheck disable=SC2086
		tftp_get "$p" mid $opts || fail "$srv mid $opts: $LAST"
		tftp_check mid
		n=$((n + 1))
	done
	# exactly one / N blocks at 512 too (the zero-length final block)
	tftp_get "$p" one512 --blksize 512 || fail "$srv one512/512: $LAST"
	tftp_check one512
	tftp_get "$p" n512 --blksize 0 || fail "$srv n512/0: $LAST"
	tftp_check n512
	grep -q "blksize 512 " <<<"$LAST" || fail "$srv: --blksize 0 gave $LAST"
	# a missing file is the server's "file not found", message kept
	if tftp_get "$p" no-such-file; then fail "$srv: missing file succeeded"; fi
	grep -q "server error 1" <<<"$LAST" || fail "$srv: missing file: $LAST"
	grep -qi "not found" <<<"$LAST" || fail "$srv: error text: $LAST"
	n=$((n + 3))
	echo "ok: $srv"
done
echo "ok: $n downloads from 3 servers, byte-exact"
