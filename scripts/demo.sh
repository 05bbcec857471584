#!/usr/bin/env bash
# The main job: a VM network-boots through our chainloader.  In a
# throw-away network namespace, dnsmasq hands a QEMU machine's firmware
# our loader by TFTP; the loader adopts the firmware's DHCP lease (sends no
# DHCP of its own), drives the NIC through the firmware's driver with our
# TCP/HTTP stack, fetches a Debian kernel and a busybox initramfs from
# nginx, and boots them.  Shown for a BIOS machine (PXE ROM, UNDI) and a
# UEFI machine (OVMF, SNP); then the article's setup on BIOS: the loader
# chains Debian's pxelinux.0 and serves it a PXE API over which its
# config, kernel and initrd all travel by HTTP.  Needs root.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
[ "$(id -u)" = 0 ] || { echo "demo: run as root (namespaces, tap devices, apt)" >&2; exit 1; }
"$top/scripts/deps.sh"
b=$top/build-demo
log=$top/build-demo.log
if ! { [ -f "$b/build.ninja" ] || meson setup "$b" "$top" ${NB_MESON_ARGS:-} >"$log" 2>&1; } ||
   ! ninja -C "$b" >>"$log" 2>&1; then
	cat "$log" >&2
	echo "demo: build failed" >&2
	exit 1
fi
fx=$b/tests/boot/fixtures
for mode in bios efi; do
	echo "=== $mode: QEMU PXE-boots the chainloader, which boots Linux over HTTP"
	img=$b/examples/chainloader/bios/nbchain.kpxe
	[ $mode = efi ] && img=$b/examples/chainloader/efi/nbchain.efi
	NB_E2E_SHOW=1 "$top/tests/boot/e2e.sh" $mode ok "$img" "$fx"
done
echo "=== bios: the chainloader chains pxelinux.0, whose files come over HTTP through our PXE API"
NB_E2E_SHOW=1 "$top/tests/boot/e2e.sh" bios pxeapi "$b/examples/chainloader/bios/nbchain-article.kpxe" "$fx"
echo "demo: done"
