#!/usr/bin/env bash
# Boot benchmark (issues 6, 7 and 8): the same kernel + initrd booted by
# real firmware in QEMU (TCG) on the namespace rig:
#   BIOS: our NBP (UNDI, HTTP) | Debian undionly.kkpxe + HTTP script |
#         pxelinux.0 over TFTP | lpxelinux.0 over HTTP (210 = http://S/) |
#         pxelinux.0 chained by our NBP with the article's script, its
#         TFTP turned into HTTP by our PXE API (bios-pxapi)
#   UEFI: our nbchain.efi (SNP, HTTP) | Debian snponly.efi + HTTP script |
#         OVMF's own TFTP of one combined image (systemd-boot's EFI stub
#         with .linux/.initrd/.cmdline sections: a UKI)
#   UEFI HTTP Boot (OVMF's PXE options off, see bootrig.sh RIG_BOOT):
#         OVMF fetches nbchain.efi by HTTP, which adopts the firmware's
#         address and fetches kernel+initrd (efi-http-ours) | OVMF's own
#         HTTP Boot of the UKI (efi-http-uki)
#   HTTPS (210 = https://S/, nginx on 443 with a CA made here): our TLS
#         images with the root in their slot (bios-ours-https,
#         efi-ours-https) | Debian's undionly.kkpxe / snponly.efi given a
#         script of https:// URLs (bios-undionly-https,
#         efi-snponly-https: if their build has no HTTPS, the error they
#         print is shown instead of a rate)
#   arm64 UEFI (AAVMF on QEMU's virt machine, Debian's arm64 kernel and
#         busybox): our nbchain-aa64.efi (efi-aa64-ours) | AAVMF's own
#         TFTP of an arm64 UKI (efi-aa64-uki; Debian ships no arm64 iPXE)
# and prints phase times from QEMU start plus the kernel's download rate.
#
#   bench.sh [BUILD_DIR]            (root; default BUILD_DIR: ./build)
#   env: NB_BENCH_RUNS (3), NB_BENCH_WAYS (all; e.g. "bios-ours efi-ours"),
#        NB_BENCH_CACHE (/var/tmp/nbbench-cache: fixtures, unpacked debs),
#        NB_BENCH_KEEP=1 keeps the work dir (serial logs, captures),
#        NB_BENCH_RTTS ("0 2 20 80": one run of every way per round trip,
#        0 = the tap alone, then one table across them, see sweep.awk;
#        "0 20 0 20" interleaves, the table takes the median of all),
#        NB_BENCH_RTT_MS (set: one round trip only, the old single run;
#        N: nbemu adds N ms of round trip between the guest and the
#        server, see bootrig.sh),
#        NB_BENCH_QEMU_ARGS (extra QEMU arguments, e.g. a -monitor),
#        NB_BENCH_BIOS_NIC (virtio-net-pci; e.g. e1000: the BIOS guests'
#        NIC, and so which iPXE ROM driver is under UNDI),
#        NB_BENCH_SS=1 samples the server's TCP (ss -tin) and the CPU
#        and scheduling of QEMU's and nbemu's threads every
#        NB_BENCH_SS_MS (25) ms into WAY-N.ss (sample.pl; read it with
#        ssstat.sh; keep it with NB_BENCH_KEEP=1),
#        NB_BENCH_QDUMP=1 adds QEMU's own capture of the NIC's traffic,
#        WAY-N.qemu.pcap (tapq.sh: how long frames waited in the tap),
#        NB_BENCH_PARALLEL (set: bios-ours and efi-ours boot the
#        nbchain-permac images, whose per-MAC script says `set parallel
#        N` before the kernel: N ranged parts; 1 is the same path with
#        one connection, to compare like with like).
#
# Where each phase comes from, so the ways are measured alike:
#   fw DHCP  the first DHCPACK to the guest in a capture on the tap
#            (dumpcap, host clock; the serial reader notes its wall-clock
#            start, which is QEMU's start: they run in one pipeline);
#   loader   the loader's own first line ("nbp: started"/"nbchain:
#            started"); for Debian's iPXE its first line ("PXE->EB" under
#            BIOS, "iPXE initialising devices" under UEFI); pxelinux
#            prints only on VGA, so the ROM's "[PXE-NBP]" line, printed
#            just before it jumps to the NBP; for the UKI, OVMF's
#            "Downloading NBP file" (the loader *is* the download);
#   kernel   the kernel's last data frame in the capture (HTTP payload or
#            TFTP DATA before the initrd.gz request); for the UKI, OVMF's
#            "NBP file downloaded successfully";
#   marker   the initramfs' marker line on the serial console.
#   rate     kernel bytes / (last kernel data frame - kernel request),
#            from the capture (includes connection setup and the request:
#            a slight underestimate; for the UKI the whole image over the
#            download's serial lines); ours also print their own figure,
#            shown as "own".
#   ROM/MiB  trips into the PXE ROM per MiB of kernel: the count our BIOS
#            NBP prints after a download's last progress line (each is a
#            mode switch and a far call; the rate follows it closely).
#   empty/MiB  of those trips, the ones that found no frame in the ROM:
#            the loop was waiting for data, not moving it.
#   frames/visit  frames per drain visit that found any (what one trip
#            moves; the ROM's virtio-net driver keeps 8 receive buffers).
# Serial lines are timestamped as they arrive by tsread.pl.
#
# Rig notes: the QEMU NIC ROM is iPXE, and so is undionly.kkpxe: their
# DHCP packets are byte-identical but for xid and the broadcast flag, so
# no dnsmasq match tells them apart.  The server therefore keeps per-client
# state as a real deployment would: once dnsmasq logs that it sent
# undionly.kkpxe, this script drops a host entry into dnsmasq's
# --dhcp-hostsdir (re-read by inotify) that tags the MAC "stage2", and a
# stage2 client is handed the HTTP script.  undionly's 2 s banner leaves
# ample time.  Under UEFI, OVMF sends no user class, so user class "iPXE"
# picks out snponly.efi.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=$(cd "${1:-$top/build}" && pwd) || { echo "no build dir" >&2; exit 1; }
runs=${NB_BENCH_RUNS:-3}
ways=${NB_BENCH_WAYS:-"bios-ours bios-undionly bios-pxelinux bios-lpxelinux bios-pxapi efi-ours efi-snponly efi-uki efi-http-ours efi-http-uki efi-aa64-ours efi-aa64-uki bios-ours-https bios-undionly-https efi-ours-https efi-snponly-https"}
cache=${NB_BENCH_CACHE:-/var/tmp/nbbench-cache}
boot_secs=120
[ "$(id -u)" = 0 ] || { echo "bench: needs root (namespaces)" >&2; exit 1; }

# The sweep: this script once per round trip (each with its own rig, as
# nbemu sits in the rig's path from the start), each run's boots into
# one file per round trip, then one table (sweep.awk).
if [ -z "${NB_BENCH_RTT_MS:-}" ] && [ -z "${NB_BENCH_SWEEP_RES:-}" ]; then
	rtts=${NB_BENCH_RTTS:-"0 2 20 80"}
	for r in $rtts; do
		[[ $r =~ ^[0-9]+(\.[0-9]+)?$ ]] || { echo "bench: bad RTT '$r' in NB_BENCH_RTTS" >&2; exit 1; }
	done
	sweep=$(mktemp -d /tmp/nbbench-sweep.XXXXXX)
	[ -n "${NB_BENCH_KEEP:-}" ] || trap 'rm -rf "$sweep"' EXIT
	for r in $rtts; do
		echo "### RTT $r ms"
		if [ "$r" = 0 ]; then NB_BENCH_SWEEP_RES=$sweep/$r bash "$here/bench.sh" "$build"
		else NB_BENCH_SWEEP_RES=$sweep/$r NB_BENCH_RTT_MS=$r bash "$here/bench.sh" "$build"; fi
		echo
	done
	# A round trip named twice interleaves runs (old/new back to back):
	# its boots add up in one file, its rows are printed once.
	rtts=$(tr ' ' '\n' <<<"$rtts" | awk 'NF && !seen[$0]++' | tr '\n' ' ')
	echo "# sweep: medians of all boots per way and round trip, $(date -u '+%F %T UTC')," \
		"load average $(cut -d' ' -f1-3 /proc/loadavg) at end"
	for r in $rtts; do [ -f "$sweep/$r" ] && sed "s/^/$r /" "$sweep/$r"; done |
		awk -v rtts="$rtts" -f "$here/sweep.awk"
	exit 0
fi

source "$top/tests/lib/fixtures.sh"
source "$top/tests/lib/bootrig.sh"
if [ -n "${NB_BENCH_RTT_MS:-}" ]; then
	# shellcheck disable=SC2034  # read by bootrig_up
	RIG_DELAY_MS=$(awk -v r="$NB_BENCH_RTT_MS" 'BEGIN { print r / 2 }')
	export NBEMU=$build/tests/tools/nbemu
fi
for t in qemu-system-x86_64 qemu-system-aarch64 aarch64-linux-gnu-objcopy dnsmasq nginx tshark \
	dumpcap perl objcopy apt-get dpkg; do
	command -v "$t" >/dev/null || { echo "bench: $t missing (see scripts/deps.d/bench-boot.txt)" >&2; exit 1; }
done

work=$(mktemp -d /tmp/nbbench.XXXXXX)
cap_pid=
# $! of the rig helper is a subshell: stop dnsmasq itself by its pid
# file, and wait (bounded) until it has released its sockets.
dns_stop() {
	local i pid
	pid=$(cat "$work/dnsmasq.pid" 2>/dev/null)
	if [ -n "$pid" ]; then
		kill "$pid" 2>/dev/null
		for ((i = 0; i < 50; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		rm -f "$work/dnsmasq.pid"
	fi
}
cleanup() {
	[ -n "$cap_pid" ] && kill -INT "$cap_pid" 2>/dev/null
	# bootrig_down kills the rig helper's subshell, not dnsmasq itself.
	dns_stop
	bootrig_down
	[ -n "${NB_BENCH_KEEP:-}" ] && echo "bench: kept $work" || rm -rf "$work"
}
trap cleanup EXIT
die() { echo "bench: $*" >&2; exit 1; }

# --- inputs -------------------------------------------------------------
nbp=$build/examples/chainloader/bios/nbchain.kpxe
nbp_article=$build/examples/chainloader/bios/nbchain-article.kpxe
efi=$build/examples/chainloader/efi/nbchain.efi
efi_aa64=$build/examples/chainloader/efi/aarch64/nbchain-aa64.efi
nbp_tls=$build/examples/chainloader/bios/nbchain-tls.kpxe
efi_tls=$build/examples/chainloader/efi/nbchain-tls.efi
if [ -n "${NB_BENCH_PARALLEL:-}" ]; then
	[[ $NB_BENCH_PARALLEL =~ ^[1-8]$ ]] || die "NB_BENCH_PARALLEL must be 1 to 8"
	nbp=$build/examples/chainloader/bios/nbchain-permac.kpxe
	efi=$build/examples/chainloader/efi/nbchain-permac.efi
fi
kernel=$(nbfx_kernel "$cache/fx") && initrd=$(nbfx_initrd "$cache/fx") || die "fixtures"
# The arm64 ways' kernel and initrd: served from /aa64/ (HTTP and TFTP).
kernel_aa64=$(nbfx_kernel "$cache/fx/arm64" arm64) &&
	initrd_aa64=$(nbfx_initrd "$cache/fx/arm64" arm64) || die "arm64 fixtures"

# Debian packages unpacked, never installed (ipxe must not be installed:
# it would not change the ROM, but the point is Debian's binaries as-is).
# PKG:ARCH for another architecture's (systemd-boot-efi:arm64: its stub
# lands beside the amd64 one, under its own name).
unpack() {
	local pkg=$1 dir=$cache/deb name=${1%%:*} arch='*'
	[ "$pkg" != "$name" ] && arch=${pkg#*:}
	mkdir -p "$dir/root"
	if [ ! -f "$dir/$pkg.done" ]; then
		# shellcheck disable=SC2086  # $arch may be the glob *
		(cd "$dir" && rm -f "$name"_*_$arch.deb && apt-get download "$pkg" >/dev/null 2>&1) ||
			die "apt-get download $pkg failed"
		# shellcheck disable=SC2086
		dpkg -x "$dir/$name"_*_$arch.deb "$dir/root" && touch "$dir/$pkg.done" || die "unpack $pkg"
	fi
}
for p in ipxe pxelinux syslinux-common systemd-boot-efi systemd-boot-efi:arm64; do unpack "$p"; done
D=$cache/deb/root
undionly=$D/usr/lib/ipxe/undionly.kkpxe
snponly=$D/usr/lib/ipxe/snponly.efi
pxelinux=$D/usr/lib/PXELINUX/pxelinux.0
lpxelinux=$D/usr/lib/PXELINUX/lpxelinux.0
ldlinux=$D/usr/lib/syslinux/modules/bios/ldlinux.c32
stub=$D/usr/lib/systemd/boot/efi/linuxx64.efi.stub
stub_aa64=$D/usr/lib/systemd/boot/efi/linuxaa64.efi.stub
for f in "$undionly" "$snponly" "$pxelinux" "$lpxelinux" "$ldlinux" "$stub" "$stub_aa64"; do
	[ -s "$f" ] || die "missing $f"
done

# The HTTPS ways' CA: nginx serves the leaf on 443 (bootrig.sh), the
# TLS images get the root in their slot (nbpatch), as in e2e's https.
mkdir -p "$work/ca"
"$top/tests/tls/mkca.sh" "$work/ca" "$RIG_SERVER" "$RIG_SERVER" >/dev/null || die "mkca.sh failed"
export RIG_TLS_CERT=$work/ca/ec.chain.pem RIG_TLS_KEY=$work/ca/ec.key
bootrig_up "$work" || die "rig"
S=$RIG_SERVER
http=$work/http tftp=$work/tftp
cp "$kernel" "$http/vmlinuz"; cp "$initrd" "$http/initrd.gz"
cp "$kernel" "$tftp/vmlinuz"; cp "$initrd" "$tftp/initrd.gz"
ksize=$(stat -c %s "$kernel")
mkdir -p "$http/aa64" "$tftp/aa64"
cp "$kernel_aa64" "$http/aa64/vmlinuz"; cp "$initrd_aa64" "$http/aa64/initrd.gz"
ksize_aa64=$(stat -c %s "$kernel_aa64")
[ -f "$efi_aa64" ] && cp "$efi_aa64" "$tftp/aa64/nbchain-aa64.efi"
[ -f "$nbp" ] && cp "$nbp" "$tftp/nbchain.kpxe"
[ -f "$nbp_article" ] && cp "$nbp_article" "$tftp/nbchain-article.kpxe"
[ -f "$efi" ] && cp "$efi" "$tftp/nbchain.efi" && cp "$efi" "$http/nbchain.efi"
for f in "$nbp_tls" "$efi_tls"; do
	[ -f "$f" ] || continue
	python3 "$top/tools/nbpatch/nbpatch.py" --ca "$work/ca/root.pem" -o "$tftp/$(basename "$f")" "$f" \
		>/dev/null || die "nbpatch $f failed"
done
cp "$undionly" "$snponly" "$pxelinux" "$lpxelinux" "$ldlinux" "$tftp/"
# lpxelinux and pxelinux through our PXE API take theirs from nginx.
cp "$pxelinux" "$ldlinux" "$http/"
mkdir -p "$tftp/pxelinux.cfg"
cat >"$tftp/pxelinux.cfg/default" <<CFG
SERIAL 0 115200
DEFAULT linux
LABEL linux
  KERNEL vmlinuz
  APPEND console=ttyS0 quiet initrd=initrd.gz
CFG
cp -r "$tftp/pxelinux.cfg" "$http/"
# The old iPXE needs initrd=NAME to hand the initrd to the EFI stub; on
# BIOS the kernel ignores it, so one script serves both.
cat >"$http/boot.ipxe" <<SCRIPT
#!ipxe
kernel http://$S/vmlinuz console=ttyS0 quiet initrd=initrd.gz
initrd http://$S/initrd.gz
boot
SCRIPT
sed "s|http://$S/|https://$S/|" "$http/boot.ipxe" >"$http/boot-https.ipxe"
# What the permac images chain (tests/boot/permac.ipxe): the guests' MAC.
if [ -n "${NB_BENCH_PARALLEL:-}" ]; then
	mkdir -p "$http/by-mac"
	printf '#!ipxe\nset parallel %s\nkernel http://%s/vmlinuz console=ttyS0 quiet\ninitrd http://%s/initrd.gz\nboot\n' \
		"$NB_BENCH_PARALLEL" "$S" "$S" >"$http/by-mac/52-54-00-90-00-43.ipxe"
fi
echo "console=ttyS0 quiet" >"$work/cmdline"
# Section addresses from systemd-boot's documented objcopy recipe (v252
# has no ukify); the stub finds the sections by name.
objcopy --add-section .osrel=/etc/os-release --change-section-vma .osrel=0x20000 \
	--add-section .cmdline="$work/cmdline" --change-section-vma .cmdline=0x30000 \
	--add-section .linux="$kernel" --change-section-vma .linux=0x2000000 \
	--add-section .initrd="$initrd" --change-section-vma .initrd=0x3000000 \
	"$stub" "$tftp/uki.efi" || die "building the UKI failed"
ukisize=$(stat -c %s "$tftp/uki.efi")
cp "$tftp/uki.efi" "$http/uki.efi"
# The same recipe on systemd-boot's arm64 stub (a PE for 0xAA64: the
# cross objcopy).  The arm64 kernel is uncompressed (~27 MB): the
# initrd goes past it.
aarch64-linux-gnu-objcopy --add-section .osrel=/etc/os-release --change-section-vma .osrel=0x20000 \
	--add-section .cmdline="$work/cmdline" --change-section-vma .cmdline=0x30000 \
	--add-section .linux="$kernel_aa64" --change-section-vma .linux=0x2000000 \
	--add-section .initrd="$initrd_aa64" --change-section-vma .initrd=0x4000000 \
	"$stub_aa64" "$tftp/aa64/uki.efi" || die "building the arm64 UKI failed"
ukisize_aa64=$(stat -c %s "$tftp/aa64/uki.efi")
chmod -R a+rX "$tftp" "$http"

# --- one boot -----------------------------------------------------------
dns_pid=
dns_start() {
	dns_stop
	[ -n "$dns_pid" ] && wait "$dns_pid" 2>/dev/null
	rm -rf "$work/hosts.d"; mkdir -p "$work/hosts.d"
	: >"$work/dnsmasq.log"
	bootrig_dnsmasq --dhcp-hostsdir="$work/hosts.d" "$@"
	dns_pid=${RIG_PIDS[-1]}
}
dns_config() {
	local m='--dhcp-match=set:efi64,option:client-arch,7'
	local m2='--dhcp-match=set:efi64,option:client-arch,9'
	local h='--dhcp-vendorclass=set:http,HTTPClient --dhcp-option-force=tag:http,60,HTTPClient'
	case $1 in
	bios-ours) dns_start --dhcp-boot=nbchain.kpxe,,$S --dhcp-option-force=210,http://$S/ ;;
	bios-undionly) dns_start --dhcp-boot=tag:stage2,http://$S/boot.ipxe \
		--dhcp-boot=tag:!stage2,undionly.kkpxe,,$S ;;
	bios-ours-https) dns_start --dhcp-boot=nbchain-tls.kpxe,,$S --dhcp-option-force=210,https://$S/ ;;
	bios-undionly-https) dns_start --dhcp-boot=tag:stage2,http://$S/boot-https.ipxe \
		--dhcp-boot=tag:!stage2,undionly.kkpxe,,$S ;;
	bios-pxelinux) dns_start --dhcp-boot=pxelinux.0,,$S ;;
	bios-lpxelinux) dns_start --dhcp-boot=lpxelinux.0,,$S \
		--dhcp-option-force=209,pxelinux.cfg/default --dhcp-option-force=210,http://$S/ ;;
	# The article's script sets 209 and 210 itself.
	bios-pxapi) dns_start --dhcp-boot=nbchain-article.kpxe,,$S ;;
	efi-ours) dns_start $m $m2 --dhcp-boot=tag:efi64,nbchain.efi,,$S \
		--dhcp-option-force=210,http://$S/ ;;
	efi-snponly) dns_start $m $m2 --dhcp-userclass=set:ipxe,iPXE \
		--dhcp-boot=tag:ipxe,http://$S/boot.ipxe \
		--dhcp-boot=tag:efi64,tag:!ipxe,snponly.efi,,$S ;;
	efi-ours-https) dns_start $m $m2 --dhcp-boot=tag:efi64,nbchain-tls.efi,,$S \
		--dhcp-option-force=210,https://$S/ ;;
	efi-snponly-https) dns_start $m $m2 --dhcp-userclass=set:ipxe,iPXE \
		--dhcp-boot=tag:ipxe,http://$S/boot-https.ipxe \
		--dhcp-boot=tag:efi64,tag:!ipxe,snponly.efi,,$S ;;
	efi-uki) dns_start $m $m2 --dhcp-boot=tag:efi64,uki.efi,,$S ;;
	# No 210: our loader's default is its boot URL's directory.
	efi-http-ours) dns_start $h --dhcp-boot=tag:http,http://$S/nbchain.efi ;;
	efi-http-uki) dns_start $h --dhcp-boot=tag:http,http://$S/uki.efi ;;
	# AAVMF asks as client arch 11 (ARM 64-bit UEFI).
	efi-aa64-ours) dns_start --dhcp-match=set:aa64,option:client-arch,11 \
		--dhcp-boot=tag:aa64,aa64/nbchain-aa64.efi,,$S --dhcp-option-force=210,http://$S/aa64/ ;;
	efi-aa64-uki) dns_start --dhcp-match=set:aa64,option:client-arch,11 \
		--dhcp-boot=tag:aa64,aa64/uki.efi,,$S ;;
	esac
}

# undionly's second stage: tag the guest once it has been sent the NBP.
stage2_watch() {
	local i
	for ((i = 0; i < 600; i++)); do
		if grep -q 'dnsmasq-tftp.*sent .*undionly.kkpxe' "$work/dnsmasq.log" 2>/dev/null; then
			echo "52:54:00:90:00:43,set:stage2" >"$work/hosts.d/stage2"
			return 0
		fi
		sleep 0.1
	done
}

# boot WAY N: serial -> $work/WAY-N.ts, capture -> $work/WAY-N.pcap,
# QEMU start (wall clock, s) -> $work/WAY-N.t0
# shellcheck disable=SC2054  # commas in QEMU arguments are its syntax
boot() {
	local way=$1 n=$2 base=$work/$1-$2 fw=${1%%-*} wpid='' i
	dns_config "$way"
	[ "${way%-https}" = bios-undionly ] && { stage2_watch & wpid=$!; }
	local secs=$boot_secs q=(qemu-system-x86_64)
	case $way in
	# Their error comes within seconds; after it the firmware only
	# tries other devices.
	*undionly-https|*snponly-https) secs=60 ;;
	efi-aa64-*)
		# TCG runs arm64 guests several times slower (tests/lib/bootrig.sh).
		fw=aa64 secs=$((boot_secs * 3))
		q=(qemu-system-aarch64) ;;
	esac
	q+=(-accel tcg -nodefaults -nographic -serial stdio -no-reboot
		-netdev tap,id=n0,ifname=tap0,script=no,downscript=no,vnet_hdr=off)
	if [ "$fw" = aa64 ]; then
		cp /usr/share/AAVMF/AAVMF_VARS.fd "$work/vars.fd"
		q+=(-M virt -cpu cortex-a57 -m 1024
			-drive if=pflash,format=raw,unit=0,readonly=on,file=/usr/share/AAVMF/AAVMF_CODE.fd
			-drive if=pflash,format=raw,unit=1,file="$work/vars.fd"
			-device virtio-net-pci,netdev=n0,romfile=,mac=52:54:00:90:00:43)
	elif [ "$fw" = bios ]; then
		q+=(-M pc -m 256 -boot n -device "${NB_BENCH_BIOS_NIC:-virtio-net-pci}",netdev=n0,mac=52:54:00:90:00:43)
	else
		cp /usr/share/OVMF/OVMF_VARS_4M.fd "$work/vars.fd"
		q+=(-M q35 -m 512
			-drive if=pflash,format=raw,unit=0,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd
			-drive if=pflash,format=raw,unit=1,file="$work/vars.fd"
			-device virtio-net-pci,netdev=n0,romfile=,mac=52:54:00:90:00:43)
		# HTTP Boot comes after PXEv4 and PXEv6, each ~60 s with no offer.
		[ "${way#efi-http}" != "$way" ] && q+=(
			-fw_cfg name=opt/org.tianocore/IPv4PXESupport,string=n
			-fw_cfg name=opt/org.tianocore/IPv6PXESupport,string=n)
	fi
	# shellcheck disable=SC2206  # extra arguments split on blanks
	[ -n "${NB_BENCH_QEMU_ARGS:-}" ] && q+=(${NB_BENCH_QEMU_ARGS})
	# Capture on the tap with host timestamps (QEMU's filter-dump stamps
	# packets with the guest clock plus a whole-second start, up to 1 s
	# off).  Not via rig(): $! must be dumpcap itself to stop it.
	ip netns exec "$RIG_NS" dumpcap -q -i tap0 -w "$base.pcap" 2>"$base.dumpcap.log" &
	cap_pid=$!
	for ((i = 0; i < 50; i++)); do grep -qs 'Capturing on' "$base.dumpcap.log" && break; sleep 0.1; done
	local spid=''
	rm -f "$work/qemu.pid"
	q+=(-pidfile "$work/qemu.pid")
	# What QEMU read from the tap, when (tapq.sh): a write per frame in
	# QEMU's main loop, so off unless asked for.
	[ -n "${NB_BENCH_QDUMP:-}" ] && q+=(-object filter-dump,id=fq,netdev=n0,file="$base.qemu.pcap")
	if [ -n "${NB_BENCH_SS:-}" ]; then
		rig perl "$here/sample.pl" "${NB_BENCH_SS_MS:-25}" "$work/qemu.pid" "$work/emu.ready" \
			"$base.ss" "$((secs + 10))" &
		spid=$!
	fi
	# Frames the tap dropped on the way to QEMU (its ring of 1,000
	# full): a loss inside the guest's host that a capture on the tap
	# still shows as delivered.
	local drop0
	drop0=$(rig cat /sys/class/net/tap0/statistics/tx_dropped)
	rig timeout "$secs" "${q[@]}" </dev/null 2>&1 | perl "$here/tsread.pl" >"$base.ts"
	echo $(($(rig cat /sys/class/net/tap0/statistics/tx_dropped) - drop0)) >"$base.tapdrop"
	# The sampler stops once QEMU has gone.
	[ -n "$spid" ] && wait "$spid"
	awk '$1 == "#" && $2 == "t0" { print $3; exit }' "$base.ts" >"$base.t0"
	sleep 0.2
	kill -INT "$cap_pid" 2>/dev/null; wait "$cap_pid" 2>/dev/null; cap_pid=
	[ -n "$wpid" ] && { kill "$wpid" 2>/dev/null; wait "$wpid" 2>/dev/null; }
	cp "$work/dnsmasq.log" "$base.dnsmasq.log"
}

# --- phases of one boot ---------------------------------------------------
# first_ts FILE REGEX start|end: ms of the first serial segment matching.
first_ts() {
	awk -v re="$2" -v col="$3" '{ t = $0; sub(/^[0-9]+ [0-9]+ /, "", t) }
		t ~ re { print (col == "end" ? $2 : $1); exit }' "$1"
}
# analyse WAY N -> "fwdhcp loader kernel marker rate own rom" (ms, MB/s,
# ROM calls per MiB; - = n/a)
analyse() {
	local way=$1 base=$work/$1-$2 t0 pk fwd ld kf mk rate=- own=- rom=- empty=- fpv=- kreq ireq kend
	local kuri=/vmlinuz iuri=/initrd.gz kfile=vmlinuz ifile=initrd.gz ksz=$ksize usz=$ukisize
	case $way in efi-aa64-*)
		kuri=/aa64/vmlinuz iuri=/aa64/initrd.gz kfile=aa64/vmlinuz ifile=aa64/initrd.gz
		ksz=$ksize_aa64 usz=$ukisize_aa64 ;;
	esac
	t0=$(cat "$base.t0")
	# One capture pass: epoch, DHCP type, HTTP URI, TFTP file.
	# Data frames (HTTP payload from port 80, TFTP DATA) are marked "d".
	pk=$(tshark -r "$base.pcap" -Y 'dhcp.option.dhcp == 5 || http.request || tftp.opcode == 1 ||
		(tcp.srcport == 80 && tcp.len > 0) || tftp.opcode == 3' \
		-T fields -E separator='|' -e frame.time_epoch -e dhcp.option.dhcp \
		-e http.request.uri -e tftp.source_file -e tcp.len -e tftp.opcode 2>/dev/null)
	ms() { awk -v t="$1" -v z="$t0" 'BEGIN { if (t == "") print "-"; else printf "%d\n", (t - z) * 1000 }'; }
	fwd=$(ms "$(awk -F'|' '$2 == 5 { print $1; exit }' <<<"$pk")")
	kreq=$(awk -F'|' -v u="$kuri" -v f="$kfile" '$3 == u || $4 == f { print $1; exit }' <<<"$pk")
	ireq=$(awk -F'|' -v u="$iuri" -v f="$ifile" '$3 == u || $4 == f { print $1; exit }' <<<"$pk")
	# The kernel's last data frame: the last one before the initrd request.
	kend=$(awk -F'|' -v b="$ireq" '$1 >= b { exit } $5 != "" || $6 == 3 { t = $1 } END { print t }' <<<"$pk")
	kf=$(ms "$kend")
	if [ -n "$kreq" ] && [ -n "$ireq" ] && [ -n "$kend" ]; then
		rate=$(awk -v s="$ksz" -v a="$kreq" -v b="$kend" 'BEGIN { printf "%.1f", s / (b - a) / 1e6 }')
	fi
	case $way in
	*-ours|*-ours-https) ld=$(first_ts "$base.ts" 'nbp: started|nbchain: started' end)
		# The kernel's last progress figure before the initrd's line.
		own=$(awk '{ t = $0; sub(/^[0-9]+ [0-9]+ /, "", t) }
			t ~ /fetching .*initrd.gz/ { print r; exit }
			t ~ /MB\/s/ { m = t; sub(/ *MB\/s.*/, "", m); sub(/.* /, "", m); r = m }' "$base.ts")
		# The ROM calls line that follows the kernel's last progress line.
		rom=$(awk -v s="$ksz" '{ t = $0; sub(/^[0-9]+ [0-9]+ /, "", t) }
			t ~ /fetching .*initrd.gz/ { if (c != "") printf "%d\n", c * 1048576 / s; exit }
			t ~ /^ *[0-9]+ ROM calls/ { c = t; sub(/ ROM calls.*/, "", c); sub(/^ */, "", c) }' "$base.ts")
		empty=$(awk -v s="$ksz" '{ t = $0; sub(/^[0-9]+ [0-9]+ /, "", t) }
			t ~ /fetching .*initrd.gz/ { if (e != "") printf "%d\n", e * 1048576 / s; exit }
			t ~ /ROM calls, [0-9]+ found no frame/ { e = t; sub(/.*ROM calls, /, "", e); sub(/ found.*/, "", e) }' "$base.ts")
		# Frames per visit that found any: what one trip moves.
		fpv=$(awk '{ t = $0; sub(/^[0-9]+ [0-9]+ /, "", t) }
			t ~ /fetching .*initrd.gz/ { if (f != "") print f; exit }
			t ~ /found no frame, [0-9]+ visits, [0-9]+ frames/ { n = split(t, w, " ")
				for (i = 1; i < n; i++) { if (w[i + 1] == "found") e = w[i]
					if (w[i + 1] == "visits,") v = w[i]; if (w[i + 1] == "frames") fr = w[i] }
				f = (v > e) ? sprintf("%.1f", fr / (v - e)) : "" }' "$base.ts")
		# The capture shows no URLs inside TLS: the loader's own
		# figure is the rate, its initrd line ends the kernel.
		if [ "${way%-https}" != "$way" ]; then
			kf=$(first_ts "$base.ts" 'fetching .*initrd.gz' start) rate=$own
		fi ;;
	bios-undionly|bios-undionly-https) ld=$(first_ts "$base.ts" 'PXE->EB' start) ;;
	bios-pxelinux) ld=$(first_ts "$base.ts" 'pxelinux.0 : [0-9]+ bytes' end) ;;
	bios-lpxelinux) ld=$(first_ts "$base.ts" 'lpxelinux.0 : [0-9]+ bytes' end) ;;
	bios-pxapi) ld=$(first_ts "$base.ts" 'nbp: started' end) ;;
	efi-snponly|efi-snponly-https) ld=$(first_ts "$base.ts" 'iPXE initialising devices' start) ;;
	efi-http-uki) ld=$(first_ts "$base.ts" 'Start HTTP Boot' start)
		kf=$(first_ts "$base.ts" 'BdsDxe: loading Boot' start)
		if [ -n "$ld" ] && [ -n "$kf" ]; then
			rate=$(awk -v s="$ukisize" -v a="$ld" -v b="$kf" 'BEGIN { printf "%.1f", s / (b - a) / 1e3 }')
		fi ;;
	efi-uki|efi-aa64-uki) ld=$(first_ts "$base.ts" 'Downloading NBP file' start)
		kf=$(first_ts "$base.ts" 'NBP file downloaded successfully' end)
		if [ -n "$ld" ] && [ -n "$kf" ]; then
			rate=$(awk -v s="$usz" -v a="$ld" -v b="$kf" 'BEGIN { printf "%.1f", s / (b - a) / 1e3 }')
		fi ;;
	esac
	mk=$(first_ts "$base.ts" "$NB_BOOT_MARKER" end)
	echo "${fwd:--} ${ld:--} ${kf:--} ${mk:--} $rate ${own:--} ${rom:--} ${empty:--} ${fpv:--}"
}

# --- run ----------------------------------------------------------------
echo "# libnetboot boot benchmark: $(date -u '+%F %T UTC'), $(nproc) cpus," \
	"load average $(cut -d' ' -f1-3 /proc/loadavg) at start"
if [ -n "${NB_BENCH_RTT_MS:-}" ]; then echo "# path: nbemu, RTT $NB_BENCH_RTT_MS ms"
else echo "# path: the tap alone"; fi
[ -n "${NB_BENCH_PARALLEL:-}" ] && echo "# ours: nbchain-permac images, set parallel $NB_BENCH_PARALLEL"
echo "# kernel $(basename "$(readlink -f "$kernel")") $ksize B, initrd $(stat -c %s "$initrd") B," \
	"UKI $ukisize B; $runs boots per way; times in ms from QEMU start"
echo "# arm64: kernel $ksize_aa64 B, initrd $(stat -c %s "$initrd_aa64") B, UKI $ukisize_aa64 B"
res=${NB_BENCH_SWEEP_RES:-$work/results}
# A sweep's file adds up the runs of a round trip named more than once.
[ -n "${NB_BENCH_SWEEP_RES:-}" ] || : >"$res"
for way in $ways; do
	case $way in
	bios-ours) [ -f "$nbp" ] || { echo "# skip $way: no $nbp"; continue; } ;;
	bios-ours-https) [ -f "$nbp_tls" ] || { echo "# skip $way: no $nbp_tls"; continue; } ;;
	efi-ours-https) [ -f "$efi_tls" ] || { echo "# skip $way: no $efi_tls"; continue; } ;;
	bios-pxapi) [ -f "$nbp_article" ] || { echo "# skip $way: no $nbp_article"; continue; } ;;
	efi-ours|efi-http-ours) [ -f "$efi" ] || { echo "# skip $way: no $efi"; continue; } ;;
	efi-aa64-ours) [ -f "$efi_aa64" ] || { echo "# skip $way: no $efi_aa64"; continue; } ;;
	esac
	for ((n = 1; n <= runs; n++)); do
		boot "$way" "$n"
		r=$(analyse "$way" "$n")
		echo "$way $n $r" >>"$res"
		printf '%-14s boot %d: fwDHCP %6s loader %6s kernel %6s marker %6s rate %5s MB/s own %s ROM/MiB %s empty/MiB %s frames/visit %s\n' \
			"$way" "$n" $r
		echo "#   $way boot $n: the tap dropped $(cat "$work/$way-$n.tapdrop") frames before QEMU read them"
		[ -n "${NB_BENCH_SS:-}" ] && "$here/ssstat.sh" "$work/$way-$n.ss" 5 | sed 's/^/#   /'
		[ -n "${NB_BENCH_QDUMP:-}" ] && "$here/tapq.sh" "$work/$way-$n.pcap" "$work/$way-$n.qemu.pcap" 2>&1 |
			sed 's/^/#   /'
		case $way in *undionly-https|*snponly-https)
			# What iPXE says when the kernel's https:// fetch fails.
			e=$(awk '{ sub(/^[0-9]+ [0-9]+ /, ""); sub(/\r$/, "") }
				/^Features:/ { f = $0 } /Could not start download/ && !c { c = $0 }
				END { print c (f ? "; " f : "") }' "$work/$way-$n.ts")
			echo "#   $way boot $n: ${e:-no error line}" ;;
		esac
	done
done
echo "# load average $(cut -d' ' -f1-3 /proc/loadavg) at end"

# Medians per way; start->marker and fetch ratios against the others.
echo
awk '
function med(w, k,   n, i, j, v, t) {
	n = 0
	for (i = 1; i <= cnt[w]; i++) if (val[w, i, k] != "-") v[++n] = val[w, i, k] + 0
	if (n == 0) return "-"
	for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
	return (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
}
{ w = $1; if (!(w in cnt)) order[++nw] = w; i = ++cnt[w]
  for (k = 3; k <= 9; k++) val[w, i, k] = $k
  val[w, i, 10] = ($4 != "-" && $6 != "-") ? $6 - $4 : "-"
  if ($6 != "-") ok[w]++ }
END {
	printf "%-14s %8s %8s %8s %8s %12s %10s %9s %8s %5s\n", "way (median)", "fwDHCP", "loader", "kernel",
		"marker", "ld->marker", "rate MB/s", "own MB/s", "ROM/MiB", "ok"
	for (o = 1; o <= nw; o++) {
		w = order[o]
		for (k = 3; k <= 10; k++) m[w, k] = med(w, k)
		printf "%-14s %8s %8s %8s %8s %12s %10s %9s %8s %3d/%d\n", w, m[w, 3], m[w, 4], m[w, 5], m[w, 6],
			m[w, 10], m[w, 7], m[w, 8], m[w, 9], ok[w], cnt[w]
	}
	print ""
	ratio("bios-ours", "bios-undionly", 10, "NBP start->marker / undionly.kkpxe start->marker (goal <= 0.35)")
	ratio("bios-ours", "bios-pxelinux", 10, "NBP start->marker / pxelinux.0 start->marker (goal < 1)")
	ratio("bios-ours", "bios-undionly", 7, "NBP kernel rate / undionly.kkpxe rate (goal >= 3)")
	ratio("bios-ours", "bios-pxelinux", 7, "NBP kernel rate / pxelinux.0 rate")
	ratio("bios-pxapi", "bios-pxelinux", 6, "pxelinux.0 via our PXE API QEMU->marker / pxelinux.0 TFTP QEMU->marker")
	ratio("bios-pxapi", "bios-lpxelinux", 6, "pxelinux.0 via our PXE API QEMU->marker / lpxelinux.0 HTTP QEMU->marker")
	ratio("bios-pxapi", "bios-lpxelinux", 7, "pxelinux.0 via our PXE API kernel rate / lpxelinux.0 rate")
	ratio("efi-ours", "efi-snponly", 10, "nbchain.efi start->marker / snponly.efi start->marker (goal <= 0.6)")
	ratio("efi-ours", "efi-snponly", 7, "nbchain.efi kernel rate / snponly.efi rate (goal >= 1)")
	ratio("efi-ours", "efi-uki", 6, "nbchain.efi QEMU->marker / OVMF TFTP UKI QEMU->marker")
	ratio("efi-http-ours", "efi-http-uki", 6, "HTTP Boot: nbchain.efi QEMU->marker / OVMF HTTP UKI QEMU->marker (goal <= 0.7)")
	ratio("bios-ours-https", "bios-ours", 8, "BIOS kernel rate HTTPS / HTTP, own figures (goal >= 0.5)")
	ratio("efi-ours-https", "efi-ours", 8, "UEFI kernel rate HTTPS / HTTP, own figures (goal >= 0.5)")
	ratio("efi-ours-https", "efi-snponly-https", 7, "nbchain-tls.efi HTTPS rate / snponly.efi HTTPS rate (goal >= 2)")
	ratio("efi-aa64-ours", "efi-aa64-uki", 10, "nbchain-aa64.efi start->marker / AAVMF TFTP UKI download->marker")
	ratio("efi-aa64-ours", "efi-aa64-uki", 6, "nbchain-aa64.efi QEMU->marker / AAVMF TFTP UKI QEMU->marker")
}
function ratio(a, b, k, what) {
	if (!((a, k) in m) || !((b, k) in m) || m[a, k] == "-" || m[b, k] == "-" || m[b, k] == 0)
		printf "  %-75s n/a\n", what
	else
		printf "  %-75s %.2f\n", what, m[a, k] / m[b, k]
}' "$res"
