#!/usr/bin/env bash
# End to end: real firmware PXE-boots our chainloader in QEMU, which adopts
# the firmware's lease and fetches a kernel and initrd over HTTP.
#   e2e.sh bios|efi ok|missing|chain|pxeapi|probe|script|script-key LOADER FIXTURE_DIR [PROBE]
# ok:      the kernel prints the marker; the capture shows no DHCP packet
#          from the guest after the loader was fetched; nginx served both
#          files to our loader.
# missing: option 210 points at a missing directory; the loader prints the
#          404 and returns control to the firmware, which moves on.
# chain:   (BIOS) the loader's script chains Debian's pxelinux.0 fetched
#          over HTTP; pxelinux runs on the PXE API our loader serves, which
#          fetches its config, kernel and initrd by our own TFTP client
#          from dnsmasq, and the kernel prints the marker.
# chain:   (UEFI) the loader's script fetches a UKI (systemd-boot's EFI
#          stub with the kernel, initrd and command line inside) by
#          tftp:// and starts it with LoadImage/StartImage.
# pxeapi:  (BIOS) the article's script (209/210 set, 210 an http:// URL)
#          chains pxelinux.0; pxelinux's TFTP over our PXE API becomes
#          HTTP: nginx serves ldlinux.c32, the config, kernel and initrd to
#          our loader, and the capture shows no TFTP after our NBP.
# script:  the embedded script is one line chaining a per-MAC script
#          (tests/boot/by-mac/) with the SMBIOS UUID and serial QEMU is
#          given, the arch and the platform in the query; that script
#          picks the kernel by ${platform} and ${buildarch} and boots to
#          the marker.  Both show a menu: the BIOS one's default boots
#          after its timeout, the UEFI one's item is picked by a key (the
#          monitor's sendkey, read through ConIn).  Prints loader start
#          to marker.
# script-key: (BIOS) the same, the default made rescue after 30 s: the
#          monitor's sendkey l (the 8042, or SeaBIOS's buffer at 40:1E)
#          must pick Linux.
# probe:   (BIOS) the loader chains PROBE (tests/boot/pxeprobe.S), which
#          checks our PXE API the way a chained program finds it, then
#          returns; the ROM must carry on.
# sb-ok:   (UEFI) OVMF with Secure Boot on (Debian's snakeoil keys): the
#          loader and a copy of the kernel re-signed with the snakeoil key
#          boot to the marker as in ok.
# sb-unsigned-kernel: (UEFI) the same with Debian's kernel as shipped
#          (signed by Debian, whose key is not in this db): LoadImage
#          refuses it, the loader says so and the firmware moves on.
# sb-unsigned-loader: (UEFI) an unsigned nbchain.efi: the firmware itself
#          refuses it after fetching it; our loader never runs.
# disk:    (UEFI) the loader is \EFI\BOOT\BOOTX64.EFI on a FAT disk image,
#          the firmware never PXE-boots: the loader finds the NIC, runs
#          its own DHCP and boots the kernel of option 210 to the marker.
# disk-grub: (UEFI) the same start with the chain test's script: the
#          loader's own DHCP, then grubnetx64.efi by tftp://; at hand-back
#          PXE Base Code gets the loader's DHCP packets (the firmware never
#          had any), where GRUB finds its lease to read grub.cfg and the
#          kernel by TFTP and boot to the marker.
# sb-shim: (UEFI) Secure Boot, from a disk: Debian's shim (re-signed with
#          the snakeoil key) starts our loader as its second stage; the
#          stock Debian kernel is not trusted by db but by shim, so it
#          boots only if the loader asks shim (SHIM_LOCK) to verify it.
# sb-shim-unsigned: the same with the kernel's signature removed: shim
#          refuses it, the loader says so and returns to the firmware.
# http:    (UEFI) OVMF starts by UEFI HTTP Boot (RIG_BOOT=http): dnsmasq
#          answers HTTPClient with http://.../boot/nbchain.efi and no 210;
#          the loader adopts the firmware's address (no new lease: after
#          the firmware's DHCP the capture shows one DHCPINFORM for the
#          server's options and its ACK), takes the 210 default from its
#          boot URL and boots /boot/vmlinuz to the marker.
# http-fallback: (UEFI) the arch-16 DHCP fallback on a real path with no
#          IPv4 lease: the boot URL DHCPv4 gives is a 404 (the loader is
#          published over IPv6 only), so OVMF gives up on HTTP Boot over
#          IPv4 and HTTP-boots the loader over IPv6
#          (DHCPv6 option 59, nginx on [fd90::1]); the device path then
#          holds IPv6() and Uri(), no IPv4(); the loader, whose stack is
#          IPv4, runs exactly one DHCPv4 exchange as HTTPClient arch 16 and
#          boots the 210's kernel to the marker.
# pxe6:    (UEFI) OVMF's "UEFI PXEv6" entry boots (its PXEv4 switched off,
#          RIG_BOOT=pxe6): dnsmasq answers DHCPv6 with option 59
#          tftp://[fd90::1]/nbchain.efi and serves it by TFTP over IPv6;
#          the loader adopts the firmware's DHCPv6 Reply (the capture shows
#          no DHCPv6 from the guest after the loader's download but the
#          one Release PXE Base Code sends when the loader's exclusive
#          SNP open unbinds it), takes
#          DHCPv6 option 210 (http://[fd90::1]/) as ${210} and fetches
#          kernel and initrd from nginx over IPv6 to the marker.
# http-inform: (UEFI) the same, dnsmasq giving HTTPClient a 210 of
#          http://.../inform/ (and a 209): OVMF keeps no copy of the ACK,
#          so the 210 reaches the loader only through its DHCPINFORM; the
#          kernel is only under /inform/.
# grub:    (UEFI) the loader chains Debian's grubnetx64.efi by tftp://,
#          handing the NIC back first; GRUB finds its lease in the PXE Base
#          Code we refilled, reads (tftp)/grub/grub.cfg and boots the
#          kernel and initrd by TFTP to the marker.
# snponly: (UEFI) the same with Debian's snponly.efi: iPXE binds the SNP
#          of the device we loaded it from, runs its DHCP and a script
#          that boots the kernel to the marker.
# sb-chain-unsigned: (UEFI) Secure Boot on, the signed loader chains
#          snponly.efi (not signed by a key in db): the loader prints the
#          refusal and returns to the firmware.
# RIG_ARCH=aarch64 (efi ok, missing, chain): the same on QEMU's arm64 virt
# machine with AAVMF (PXE client arch 11), LOADER being BOOTAA64.EFI, the
# kernel and busybox Debian's arm64 builds (FIXTURE_DIR/arm64), every wait
# scaled for TCG's slower arm64 emulation.
# https:  the TLS image (nbchain-tls.kpxe / nbchain-tls.efi) with a CA
#          made here (tests/tls/mkca.sh) put into its slot by nbpatch;
#          option 210 is https://: nginx serves kernel and initrd over
#          TLS 1.2 (ECDSA P-256 leaf, ECDSA intermediate, RSA root) and the
#          kernel prints the marker, as in ok.
# https-wrongca: the same with an unrelated root in the slot: the loader
#          prints the cause (untrusted certificate) and returns to the
#          firmware, which moves on.
# https-fwca: (UEFI) the same as https with the image's slot empty and
#          the root only in the firmware's TlsCaCertificate variable, as
#          EDK2's own HTTPS boot takes it (OVMF fills the variable from
#          the fw_cfg file etc/edk2/https/cacerts at every start).
# https-pxeapi: (BIOS) pxeapi with 210 = https:// (LOADER
#          nbchain-tls-article.kpxe, the CA in its slot): pxelinux.0 and
#          every file pxelinux asks for come over TLS, nginx's plain-http
#          log stays empty.
# Everything runs in a namespace this script creates and removes
# (NB_E2E_KEEP=DIR copies its work directory, capture and logs, there
# first).
set -uo pipefail
mode=${1:?bios|efi} case=${2:?ok|missing} loader=${3:?loader image} fx=${4:?fixture dir}
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../lib/fixtures.sh"
source "$here/../lib/bootrig.sh"
work=$(mktemp -d /tmp/nbe2e.XXXXXX)
qpid=
cleanup() { [ -n "$qpid" ] && kill "$qpid" 2>/dev/null; bootrig_down; [ -n "${NB_E2E_KEEP:-}" ] && cp -a "$work" "$NB_E2E_KEEP"; rm -rf "$work"; }
trap cleanup EXIT
fail() {
	echo "FAIL: $*" >&2
	echo "--- serial (last 40 lines)"; bootrig_clean_log "$work/serial.log" | tail -40
	echo "--- nginx access log (last 10 lines)"; tail -10 "$work/nginx/access.log" 2>/dev/null
	exit 1
}

qemu_extra=() fwca=()
# tmul scales the waits of ok and missing (bounded all the same).
deb_arch=amd64 fxdir=$fx efi_arches=(7 9) tmul=1 objcopy=objcopy uki_initrd=0x3000000
# http-fallback waits for OVMF's failed HTTP Boot over IPv4 first.
[ "$case" = http-fallback ] || [ "$case" = pxe6 ] && tmul=2
if [ "${RIG_ARCH:-x86_64}" = aarch64 ]; then
	# The arm64 kernel is uncompressed (~27 MB): the UKI's initrd goes
	# past it.
	deb_arch=arm64 fxdir=$fx/arm64 efi_arches=(11) tmul=4
	objcopy=aarch64-linux-gnu-objcopy uki_initrd=0x4000000
fi
kernel=$(nbfx_kernel "$fxdir" $deb_arch) && initrd=$(nbfx_initrd "$fxdir" $deb_arch) ||
	fail "fixtures"
# The success lines name the arch only where there is a choice (efi).
arch_note=; [ "$mode" = efi ] && arch_note=" ${RIG_ARCH:-x86_64}"
tls=
case $case in https*)
	tls=1
	mkdir -p "$work/ca"
	"$here/../tls/mkca.sh" "$work/ca" "$RIG_SERVER" "$RIG_SERVER" || fail "mkca.sh failed"
	export RIG_TLS_CERT=$work/ca/ec.chain.pem RIG_TLS_KEY=$work/ca/ec.key
	anchor=$work/ca/root.pem
	[ "$case" = https-wrongca ] && anchor=$work/ca/other-root.pem
	if [ "$case" = https-fwca ]; then
		python3 "$here/../../tools/nbpatch/nbpatch.py" --clear -o "$work/loader.img" "$loader" ||
			fail "nbpatch failed"
		# OVMF sets TlsCaCertificate at every start from this fw_cfg
		# file (and deletes it when there is none): an EFI_SIGNATURE_LIST
		# of EFI_CERT_X509_GUID, as p11-kit's edk2-cacerts export.
		python3 - "$work/ca/root.der" "$work/cacerts.bin" <<'PY' || fail "cannot write the signature list"
import struct, sys, uuid
der = open(sys.argv[1], 'rb').read()
sig = bytes(16) + der  # owner GUID 0, then the certificate
x509 = uuid.UUID('a5c059a1-94e4-4aa7-87b5-ab155c2bf072').bytes_le
open(sys.argv[2], 'wb').write(x509 + struct.pack('<III', 28 + len(sig), 0, len(sig)) + sig)
PY
		fwca=(-fw_cfg name=etc/edk2/https/cacerts,file="$work/cacerts.bin")
	else
		python3 "$here/../../tools/nbpatch/nbpatch.py" --ca "$anchor" -o "$work/loader.img" "$loader" ||
			fail "nbpatch failed"
	fi
	python3 "$here/../../tools/nbpatch/nbpatch.py" --show "$work/loader.img"
	loader=$work/loader.img;;
esac
# http-fallback boots the loader by UEFI HTTP Boot over IPv6.
[ "$case" = http-fallback ] && export RIG_HTTP6=1
# pxe6: nginx on [fd90::1], stateful DHCPv6, PXEv4 off.
[ "$case" = pxe6 ] && export RIG_HTTP6=1 RIG_BOOT=pxe6
bootrig_up "$work" || fail "rig"
cp "$kernel" "$work/http/vmlinuz"
cp "$initrd" "$work/http/initrd.gz"
loader_img=$loader
if [ "$case" = script ] || [ "$case" = script-key ]; then
	# Only the per-platform paths hold a kernel: a wrong ${platform} or
	# ${buildarch} is a 404.
	rm -f "$work/http/vmlinuz" "$work/http/initrd.gz"
	mkdir -p "$work/http/by-mac" "$work/http/bios/i386" "$work/http/uefi/x86_64"
	cp "$here"/by-mac/*.ipxe "$work/http/by-mac/"
	for d in bios/i386 uefi/x86_64; do
		cp "$kernel" "$work/http/$d/vmlinuz"; cp "$initrd" "$work/http/$d/initrd.gz"
	done
	chmod -R a+rX "$work/http"
	sm_uuid=6b3c1f0e-2f4a-4d2b-9c1e-5a7d3e9f0a11 sm_serial=NB-E2E-7
	qemu_extra=(-uuid "$sm_uuid" -smbios type=1,serial=$sm_serial)
	# script-key (BIOS): the default is the rescue item after 30 s, so
	# only a key boots Linux.
	[ "$case" = script-key ] && sed -i 's/--default linux --timeout 1500/--default rescue --timeout 30000/' \
		"$work/http/by-mac/52-54-00-90-00-43.ipxe"
	# UEFI and script-key: the menu's key comes from the keyboard (the
	# monitor's sendkey).
	if [ "$mode" = efi ] || [ "$case" = script-key ]; then
		mkfifo "$work/mon.in" "$work/mon.out"
		qemu_extra+=(-monitor "pipe:$work/mon")
	fi
fi
case $case in sb-*)
	# Secure Boot: Debian's snakeoil OVMF, whose db is this certificate.
	export RIG_OVMF=snakeoil
	sb_key=$work/snakeoil.key sb_cert=/usr/share/ovmf/PkKek-1-snakeoil.pem
	# The shipped key is encrypted with the password "snakeoil"
	# (README.Debian); sbsign would prompt for it.
	openssl pkey -in /usr/share/ovmf/PkKek-1-snakeoil.key -passin pass:snakeoil \
		-out "$sb_key" 2>/dev/null || fail "cannot decrypt the snakeoil key"
	sbverify --cert "$sb_cert" "$kernel" >/dev/null 2>&1 &&
		fail "the stock kernel verifies against the snakeoil key: the refusal cases prove nothing"
	sbverify --list "$loader" 2>/dev/null | grep -q '^signature ' &&
		fail "the built loader is already signed"
	if [ "$case" != sb-unsigned-loader ]; then
		loader_img=$work/nbchain.signed.efi
		sbsign --key "$sb_key" --cert "$sb_cert" --output "$loader_img" "$loader" >/dev/null 2>&1 ||
			fail "sbsign of the loader failed"
	fi
	if [ "$case" = sb-ok ]; then
		sbattach --remove "$work/http/vmlinuz" >/dev/null 2>&1 || fail "sbattach --remove failed"
		sbsign --key "$sb_key" --cert "$sb_cert" --output "$work/http/vmlinuz" "$work/http/vmlinuz" \
			>/dev/null 2>&1 || fail "sbsign of the kernel failed"
		chmod a+r "$work/http/vmlinuz"
	fi
	for f in "$loader_img" "$work/http/vmlinuz"; do
		st=absent; sbverify --cert "$sb_cert" "$f" >/dev/null 2>&1 && st=valid
		echo "$(basename "$f"): snakeoil signature $st"
	done;;
esac
prefix=http://$RIG_SERVER/
[ "$case" = missing ] && prefix=http://$RIG_SERVER/missing/
[ -n "$tls" ] && prefix=https://$RIG_SERVER/
if [ "$mode" = efi ]; then
	name=nbchain.efi
	if [ "$case" = chain ]; then
		# Section addresses as systemd-boot documents for objcopy (v252
		# has no ukify); the stub finds the sections by name.
		echo "console=ttyS0 quiet" >"$work/cmdline"
		stub=$(nbfx_efistub "$fxdir" $deb_arch) || fail "no systemd-boot EFI stub"
		$objcopy --add-section .osrel=/etc/os-release --change-section-vma .osrel=0x20000 \
			--add-section .cmdline="$work/cmdline" --change-section-vma .cmdline=0x30000 \
			--add-section .linux="$kernel" --change-section-vma .linux=0x2000000 \
			--add-section .initrd="$initrd" --change-section-vma .initrd=$uki_initrd \
			"$stub" "$work/tftp/next.efi" ||
			fail "building the UKI failed (systemd-boot-efi installed?)"
		chmod a+r "$work/tftp/next.efi"
	fi
	case $case in grub|snponly|sb-chain-unsigned|disk-grub)
		next=/usr/lib/grub/x86_64-efi/monolithic/grubnetx64.efi
		[ "${case%grub}" != "$case" ] || next=/usr/lib/ipxe/snponly.efi
		[ -s "$next" ] || fail "$next is missing (grub-efi-amd64-bin / ipxe installed?)"
		cp "$next" "$work/tftp/next.efi"
		mkdir -p "$work/tftp/grub"
		# grubnetx64 has no http module built in: its TFTP, from the
		# server of the lease it found in PXE Base Code.
		cp "$kernel" "$initrd" "$work/tftp/"
		printf 'set timeout=0\nlinux /%s console=ttyS0 quiet\ninitrd /%s\nboot\n' \
			"$(basename "$kernel")" "$(basename "$initrd")" >"$work/tftp/grub/grub.cfg"
		printf '#!ipxe\nkernel http://%s/vmlinuz initrd=initrd.gz console=ttyS0 quiet\ninitrd http://%s/initrd.gz\nboot\n' \
			$RIG_SERVER $RIG_SERVER >"$work/http/next.ipxe"
		chmod -R a+rX "$work/tftp" "$work/http";;
	esac
	if [ "$case" = http ] || [ "$case" = http-inform ]; then
		export RIG_BOOT=http
		mkdir -p "$work/http/boot"
		mv "$work/http/vmlinuz" "$work/http/initrd.gz" "$work/http/boot/"
		cp "$loader_img" "$work/http/boot/$name"
		inform_opts=()
		http_dir=boot
		if [ "$case" = http-inform ]; then
			# The kernel only where the server's 210 points, not
			# beside the loader: the default from the boot URL is a 404.
			http_dir=inform
			mkdir -p "$work/http/inform"
			mv "$work/http/boot/vmlinuz" "$work/http/boot/initrd.gz" "$work/http/inform/"
			inform_opts=(--dhcp-option-force=tag:http,210,http://$RIG_SERVER/inform/
				--dhcp-option-force=tag:http,209,inform.cfg)
		fi
		chmod -R a+rX "$work/http"
		bootrig_dnsmasq_http "http://$RIG_SERVER/boot/$name" "${inform_opts[@]}"
	elif [ "$case" = pxe6 ]; then
		# No 210 in DHCPv6: the loader reads a DHCPv6 option of the
		# same number as ${210}.  dnsmasq guesses an unknown option's
		# type from its text: this one is a string.
		bootrig_dnsmasq --dhcp-option-force=option6:bootfile-url,"tftp://[$RIG_SERVER6]/$name" \
			--dhcp-option-force=option6:210,"http://[$RIG_SERVER6]/"
	elif [ "$case" = http-fallback ]; then
		# OVMF tries HTTP Boot over IPv4 first: DHCPv4's boot URL is a
		# 404 (the image published over IPv6 only), so it moves on to
		# HTTP Boot over IPv6 at once (an offer without a URL would hold
		# it in DHCP for a minute).  DHCPv6
		# gives the boot URL (option 59) and the vendor class (16) OVMF
		# wants: it looks for "HTTPClient" 6 bytes into the option,
		# after the enterprise number and class length, and dnsmasq
		# writes this option as a 2-byte length and the text, so 4
		# bytes of text stand in for the rest of the header.  The
		# loader then finds an IPv6() node in its device path and no
		# IPv4 lease to adopt.
		export RIG_BOOT=http
		mkdir -p "$work/http/boot"
		mv "$work/http/vmlinuz" "$work/http/initrd.gz" "$work/http/boot/"
		cp "$loader_img" "$work/http/boot/$name"
		chmod -R a+rX "$work/http"
		bootrig_dnsmasq_http "http://$RIG_SERVER/v4/$name" --dhcp-option-force=210,http://$RIG_SERVER/boot/ \
			--dhcp-option-force=option6:16,343:HTTPClient \
			--dhcp-option-force=option6:bootfile-url,"http://[$RIG_SERVER6]/boot/$name"
	elif [ "${case#disk}" != "$case" ] || [ "${case#sb-shim}" != "$case" ]; then
		# A FAT "superfloppy" (no partition table), built without
		# mounting; the disk boots first (bootindex), and dnsmasq
		# offers no boot file, so nothing can PXE-boot.
		mkfs.vfat -C "$work/disk.img" 16384 >/dev/null || fail "mkfs.vfat failed (dosfstools?)"
		mmd -i "$work/disk.img" ::/EFI ::/EFI/BOOT || fail "mtools could not write the disk image"
		boot_img=$loader_img
		if [ "${case#sb-shim}" != "$case" ]; then
			# shim boots first and loads us under the name of its
			# second stage; shim itself re-signed for this db.
			shim=$(nbfx_shim "$fx") || fail "no shim fixture"
			cp "$shim" "$work/shim.efi" && sbattach --remove "$work/shim.efi" >/dev/null 2>&1
			sbsign --key "$sb_key" --cert "$sb_cert" --output "$work/shim.efi" "$work/shim.efi" \
				>/dev/null 2>&1 || fail "sbsign of shim failed"
			mcopy -i "$work/disk.img" "$loader_img" ::/EFI/BOOT/grubx64.efi ||
				fail "mtools could not write the disk image"
			boot_img=$work/shim.efi
			if [ "$case" = sb-shim-unsigned ]; then
				sbattach --remove "$work/http/vmlinuz" >/dev/null 2>&1 ||
					fail "sbattach --remove failed"
			fi
		fi
		mcopy -i "$work/disk.img" "$boot_img" ::/EFI/BOOT/BOOTX64.EFI ||
			fail "mtools could not write the disk image"
		qemu_extra=(-drive if=none,id=d0,format=raw,file="$work/disk.img"
			-device virtio-blk-pci,drive=d0,bootindex=0)
		if [ "$case" = disk-grub ]; then
			# The loader's own DHCP gets the TFTP server (siaddr)
			# its script chains GRUB from, and GRUB its grub.cfg.
			bootrig_dnsmasq --dhcp-boot=$name,,$RIG_SERVER
		else
			bootrig_dnsmasq --dhcp-option-force=210,$prefix
		fi
	elif [ "$case" = snponly ] || [ "$case" = sb-chain-unsigned ]; then
		bootrig_dnsmasq --dhcp-userclass=set:ipxe,iPXE \
			--dhcp-match=set:efi64,option:client-arch,7 \
			--dhcp-boot=tag:ipxe,http://$RIG_SERVER/next.ipxe \
			--dhcp-boot=tag:!ipxe,tag:efi64,$name,,$RIG_SERVER
	else
	match=()
	for a in "${efi_arches[@]}"; do match+=(--dhcp-match=set:efi64,option:client-arch,$a); done
	bootrig_dnsmasq "${match[@]}" \
		--dhcp-boot=tag:efi64,$name,,$RIG_SERVER --dhcp-option-force=210,$prefix
	fi
else
	name=nbchain.kpxe
	if [ "$case" = probe ]; then
		cp "${5:?probe NBP}" "$work/http/pxeprobe.0"
		# What the probe reads through the file and TFTP APIs.
		head -c 300001 /dev/urandom >"$work/http/probe.bin"
		chmod a+r "$work/http/probe.bin"
		probe_sum=$(od -An -v -tu1 "$work/http/probe.bin" | awk '{ for (i = 1; i <= NF; i++) s += $i } END { print s % 65536 }')
		bootrig_dnsmasq --dhcp-boot=$name,,$RIG_SERVER
	elif [ "$case" = chain ] || [ "$case" = pxeapi ] || [ "$case" = https-pxeapi ]; then
		# pxelinux's files: on the TFTP server for chain, on nginx only
		# for pxeapi (dnsmasq then has nothing but our NBP).
		files=$work/http; [ "$case" = chain ] && files=$work/tftp
		cp /usr/lib/PXELINUX/pxelinux.0 "$work/http/" || fail "pxelinux is not installed"
		cp /usr/lib/syslinux/modules/bios/ldlinux.c32 "$files/"
		cp "$kernel" "$files/vmlinuz"
		cp "$initrd" "$files/initrd.gz"
		mkdir -p "$files/pxelinux.cfg"
		printf 'DEFAULT linux\nLABEL linux\n  KERNEL vmlinuz\n  APPEND initrd=initrd.gz console=ttyS0 quiet\n' \
			>"$files/pxelinux.cfg/default"
		bootrig_dnsmasq --dhcp-boot=$name,,$RIG_SERVER
	else
		bootrig_dnsmasq --dhcp-boot=$name,,$RIG_SERVER --dhcp-option-force=210,$prefix
	fi
fi
cp "$loader_img" "$work/tftp/$name"

# The BIOS missing case also has a VGA card: the error must reach the
# screen, read back through the QEMU monitor (a pipe pair).
if [ "$mode" = bios ] && [ "$case" = missing ]; then
	mkfifo "$work/mon.in" "$work/mon.out"
	qemu_extra=(-device VGA -monitor "pipe:$work/mon")
fi
start=$(date +%s%N)
( if [ "$mode" = efi ]; then bootrig_qemu_efi "$work/serial.log" $((150 * tmul)) "${qemu_extra[@]}" "${fwca[@]}"
  else bootrig_qemu_bios "$work/serial.log" 150 "${qemu_extra[@]}"; fi ) &
qpid=$!
# Wait (bounded) for the serial log to show a pattern; prints elapsed s.
wait_log() {
	local pat=$1 secs=$2 i
	for ((i = 0; i < secs * 10; i++)); do
		if bootrig_clean_log "$work/serial.log" 2>/dev/null | grep -a -q -E "$pat"; then
			echo "$(( ($(date +%s%N) - start) / 1000000 ))"
			return 0
		fi
		kill -0 "$qpid" 2>/dev/null || { bootrig_clean_log "$work/serial.log" | grep -a -q -E "$pat" && echo 0 && return 0; return 1; }
		sleep 0.1
	done
	return 1
}

if [ "$case" = sb-unsigned-loader ]; then
	t_back=$(wait_log 'BdsDxe: failed to load Boot.*(Access Denied|Security Violation)' 120) ||
		fail "the firmware did not refuse the unsigned loader"
	log=$(bootrig_clean_log "$work/serial.log")
	grep -a -q 'nbchain: started' <<<"$log" && fail "the unsigned loader ran"
	grep -a -q "sent $work/tftp/$name" "$work/dnsmasq.log" ||
		fail "the firmware did not fetch the loader (refused for another reason?)"
	[ -n "${NB_E2E_SHOW:-}" ] && grep -a -v '^$' <<<"$log" | tail -20
	echo "ok: efi Secure Boot: $(grep -a -o -m1 'BdsDxe: failed to load Boot[0-9A-F]*' <<<"$log" | head -1): $(grep -a -o -m1 -E 'Access Denied|Security Violation' <<<"$log") at ${t_back} ms; the loader never started"
	exit 0
fi
t_start=$(wait_log 'nbp: started|nbchain: started' $((90 * tmul))) || fail "the loader never started"
case $case in sb-*)
	bootrig_clean_log "$work/serial.log" | grep -a -q 'nbchain: started (Secure Boot on)' ||
		fail "the loader does not see Secure Boot on";;
esac
if [ "$case" = sb-unsigned-kernel ]; then
	wait_log 'boot: the kernel is not signed by a trusted key: ' 120 >/dev/null ||
		fail "no Secure Boot refusal message for the unsigned kernel"
	wait_log 'returning to the firmware' 30 >/dev/null || fail "the loader did not return to the firmware"
	t_back=$(wait_log 'BdsDxe: failed to start Boot|Start PXE over IPv6' 60) ||
		fail "the firmware did not take control back"
	log=$(bootrig_clean_log "$work/serial.log")
	grep -a -q "$NB_BOOT_MARKER" <<<"$log" && fail "the refused kernel ran"
	grep -q 'GET /vmlinuz HTTP/1.1" 20[06] .*libnetboot-chainloader' "$work/nginx/access.log" ||
		fail "nginx did not serve the kernel to our loader"
	[ -n "${NB_E2E_SHOW:-}" ] && grep -a -v '^$' <<<"$log" | tail -20
	echo "ok: efi Secure Boot: $(grep -a -o 'boot: the kernel is not signed by a trusted key: .*' <<<"$log" | head -1); firmware resumed at ${t_back} ms"
	exit 0
fi
if [ "$mode" = efi ] && [ "$case" = chain ]; then
	wait_log 'fetching tftp://.*/next.efi' $((90 * tmul)) >/dev/null || fail "the loader did not fetch the UKI"
	t_mark=$(wait_log "$NB_BOOT_MARKER" $((120 * tmul))) || fail "no kernel marker from the chained UKI"
	wait "$qpid"; qpid=
	[ -n "${NB_E2E_SHOW:-}" ] && bootrig_clean_log "$work/serial.log" | grep -a -v '^$'
	bootrig_clean_log "$work/serial.log" | grep -a -q 'chain: the image did not start' &&
		fail "StartImage failed"
	rrq=$(tshark -r "$work/guest.pcap" -Y 'tftp.source_file == "next.efi"' 2>/dev/null | wc -l)
	[ "$rrq" -gt 0 ] || fail "no TFTP request for next.efi in the capture"
	echo "ok: efi ${RIG_ARCH:-x86_64} chain: UKI fetched by tftp:// and started by LoadImage/StartImage; marker at ${t_mark} ms"
elif [ "$case" = script ] || [ "$case" = script-key ]; then
	menu_ms=0
	if [ "$mode" = efi ] || [ "$case" = script-key ]; then
		# Its default (rescue) waits 30 s: only the key boots Linux.
		timeout 60 cat "$work/mon.out" >/dev/null 2>&1 </dev/null &
		t_menu=$(wait_log '\[r\] Rescue shell' 90) || fail "no menu"
		timeout 5 bash -c "echo 'sendkey l' >'$work/mon.in'"
		t_pick=$(wait_log '^-> ' 20) || fail "the key did not reach the menu (ConIn; BIOS: 8042 or 40:1E)"
		menu_ms=$((t_pick - t_menu))
	fi
	t_mark=$(wait_log "$NB_BOOT_MARKER|returning to the" 150) || fail "no kernel marker"
	log=$(bootrig_clean_log "$work/serial.log")
	grep -a -q "$NB_BOOT_MARKER" <<<"$log" || fail "no kernel marker"
	wait "$qpid"; qpid=
	[ -n "${NB_E2E_SHOW:-}" ] && grep -a -v '^$' <<<"$log"
	if [ "$mode" = bios ]; then
		mac=52-54-00-90-00-43 arch=i386 plat=pcbios dir=bios/i386
		for want in 'Boot menu for 52:54:00:90:00:43 \(QEMU\)' '\[l\] Linux \(pcbios i386\)' \
			'\[r\] Rescue shell' '^-> linux$'; do
			grep -a -q -E "$want" <<<"$log" || fail "menu: missing $want"
		done
	else
		mac=52-54-00-90-00-42 arch=x86_64 plat=efi dir=uefi/x86_64
		grep -a -q "machine $sm_uuid serial $sm_serial on efi/x86_64" <<<"$log" ||
			fail "the per-MAC script did not see the SMBIOS UUID and serial"
		grep -a -q '^-> linux$' <<<"$log" || fail "the key l did not pick Linux"
	fi
	grep -q "GET /by-mac/$mac.ipxe?uuid=$sm_uuid&serial=$sm_serial&arch=$arch&platform=$plat HTTP/1.1\" 20[06] " \
		"$work/nginx/access.log" || fail "nginx did not serve the per-MAC script for the expected query"
	for f in vmlinuz initrd.gz; do
		grep -q "GET /$dir/$f HTTP/1.1\" 20[06] .*libnetboot-chainloader" "$work/nginx/access.log" ||
			fail "nginx did not serve /$dir/$f to our loader"
	done
	echo "ok: $mode script: one-line embedded script chained by-mac/$mac.ipxe (SMBIOS uuid and serial," \
		"$plat/$arch)$([ "$mode" = bios ] && [ "$case" = script ] && echo ', menu default after its 1.5 s timeout' ||
		echo ", menu item picked by a key after ${menu_ms} ms");" \
		"loader at ${t_start} ms, marker at ${t_mark} ms, loader to marker $((t_mark - t_start)) ms"
elif [ "$case" = probe ]; then
	wait_log 'probe: (done|FAIL)' 120 >/dev/null || fail "the probe did not finish"
	log=$(bootrig_clean_log "$work/serial.log")
	[ -n "${NB_E2E_SHOW:-}" ] && grep -a -v "^$" <<<"$log" | tail -25
	grep -a -q 'probe: FAIL' <<<"$log" && fail "$(grep -a 'probe: FAIL' <<<"$log")"
	for want in 'probe: !PXE at SS:SP\+4 ok' 'probe: INT 1Ah finds PXENV\+ ok' \
		'probe: GET_CACHED_INFO via PXENV\+ ok' 'probe: option 209=pxelinux.cfg/default$' \
		'probe: option 210=/boot/$' 'probe: unsupported opcode via !PXE ok' \
		'probe: E820 hides 16-32 MiB ok' "probe: file API 300001 bytes sum $probe_sum\$" \
		"probe: tftp API 300001 bytes sum $probe_sum\$"; do
		grep -a -q -E "$want" <<<"$log" || fail "missing: $want"
	done
	grep -q 'GET /probe.bin HTTP/1.1" 200 .*libnetboot-pxeapi' "$work/nginx/access.log" ||
		fail "nginx did not serve probe.bin through our PXE API"
	# The probe returns like a failing NBP: the ROM must carry on.
	wait_log 'No more network devices' 60 >/dev/null ||
		fail "the ROM did not resume after the chained NBP returned"
	echo "ok: bios probe: !PXE, INT 1Ah, PXENV+ entry, cached info with the script's 209/210, CF on failure, file and TFTP APIs reading an http:// URL exactly, E820 hiding all as a chained NBP sees them; the ROM resumed when it returned"
elif [ "$case" = chain ] || [ "$case" = pxeapi ] || [ "$case" = https-pxeapi ]; then
	wait_log 'chain: serving the PXE API' 90 >/dev/null || fail "the loader did not chain"
	wait_log 'PXELINUX' 30 >/dev/null || fail "pxelinux did not start"
	t_mark=$(wait_log "$NB_BOOT_MARKER" 120) || fail "no kernel marker after pxelinux"
	wait "$qpid"; qpid=
	[ -n "${NB_E2E_SHOW:-}" ] && bootrig_clean_log "$work/serial.log" | grep -a -v '^$'
	unload=$(bootrig_clean_log "$work/serial.log" | grep -a -o 'PXE API unloaded after .*')
	[ -n "$unload" ] || fail "pxelinux did not unload our PXE API before booting"
	alog=$work/nginx/access.log
	if [ "$case" = https-pxeapi ]; then
		alog=$work/nginx/access-tls.log
		[ -s "$work/nginx/access.log" ] && fail "requests over plain http: $(head -3 "$work/nginx/access.log")"
	fi
	grep -q 'GET /pxelinux.0 HTTP/1.1" 20[06] .*libnetboot-chainloader' "$alog" ||
		fail "nginx did not serve pxelinux.0 to our loader"
	if [ "$case" != chain ]; then
		for f in ldlinux.c32 pxelinux.cfg/default vmlinuz initrd.gz; do
			grep -q "GET /$f HTTP/1.1\" 200 .*libnetboot-pxeapi" "$alog" ||
				fail "nginx did not serve $f through our loader"
		done
		# Our NBP's first TCP SYN marks it running: no TFTP request
		# (nor DHCP) may leave the guest after that.
		syn=$(tshark -r "$work/guest.pcap" -Y 'tcp.flags.syn == 1 && tcp.flags.ack == 0' -T fields -e frame.number 2>/dev/null | head -1)
		[ -n "$syn" ] || fail "no TCP connection in the capture"
		late=$(tshark -r "$work/guest.pcap" -Y "(udp.dstport == 69 || udp.srcport == 68) && frame.number > $syn" 2>/dev/null | wc -l)
		[ "$late" = 0 ] || fail "$late TFTP/DHCP requests left the guest after our NBP started"
		by=HTTP; [ "$case" = https-pxeapi ] && by="HTTPS ($(grep -c . "$alog") requests over TLS, none over http)"
		echo "ok: bios $case: pxelinux.0, ldlinux.c32, config, kernel and initrd by $by through our PXE API, no TFTP after our NBP; $unload; marker at ${t_mark} ms"
	else
		echo "ok: bios chain: pxelinux.0 by HTTP, its files by TFTP through our PXE API; $unload; marker at ${t_mark} ms"
	fi
elif [ "$case" = sb-shim-unsigned ]; then
	wait_log 'shim: the image failed verification: ' 120 >/dev/null || fail "shim did not refuse the unsigned kernel"
	wait_log 'boot: the kernel is not signed by a trusted key: ' 10 >/dev/null || fail "no refusal message"
	wait_log 'returning to the firmware' 30 >/dev/null || fail "the loader did not return to the firmware"
	log=$(bootrig_clean_log "$work/serial.log")
	[ -n "${NB_E2E_SHOW:-}" ] && grep -a -v '^$' <<<"$log" | tail -20
	grep -a -q "$NB_BOOT_MARKER" <<<"$log" && fail "the refused kernel ran"
	echo "ok: efi Secure Boot under shim: $(grep -a -o 'shim: the image failed verification: .*' <<<"$log" | head -1); the loader returned to the firmware"
elif [ "$case" = disk-grub ]; then
	wait_log 'fetching tftp://.*/next.efi' 90 >/dev/null || fail "the loader did not fetch next.efi"
	t_mark=$(wait_log "$NB_BOOT_MARKER" 240) || fail "no kernel marker from the chained GRUB"
	wait "$qpid"; qpid=
	log=$(bootrig_clean_log "$work/serial.log")
	[ -n "${NB_E2E_SHOW:-}" ] && grep -a -v '^$' <<<"$log"
	grep -a -q 'not started by PXE' <<<"$log" || fail "the loader did not notice it came from a disk"
	grep -a -q -E '^net: .* \(DHCP\)' <<<"$log" || fail "the loader did not run its own DHCP"
	grep -a -q 'chain: the image did not start\|did not rebind\|did not take the lease back' <<<"$log" &&
		fail "hand-back or StartImage failed"
	# GRUB configures its network only from the DHCPACK in PXE Base Code,
	# which the firmware never filled (no PXE boot): reading its files
	# from the lease's server shows the loader's own packets got there.
	for f in grub/grub.cfg "$(basename "$kernel")"; do
		grep -a -q "sent $work/tftp/$f" "$work/dnsmasq.log" || fail "GRUB did not read $f by TFTP"
	done
	first_rrq=$(tshark -r "$work/guest.pcap" -Y 'udp.dstport == 69' -T fields -e tftp.source_file 2>/dev/null | head -1)
	[ "$first_rrq" = next.efi ] || fail "the first TFTP request is for '$first_rrq', not the loader's next.efi (did the firmware PXE-boot?)"
	discovers=$(tshark -r "$work/guest.pcap" -Y 'udp.srcport == 68 && dhcp.option.dhcp == 1' 2>/dev/null | wc -l)
	[ "$discovers" = 1 ] || fail "$discovers DHCPDISCOVERs from the guest (want the loader's one exchange, none from GRUB)"
	echo "ok: efi from a disk, chain GRUB: the loader's own DHCP (one exchange) refilled PXE Base Code at hand-back; GRUB read grub.cfg and the kernel by TFTP; loader at ${t_start} ms, marker at ${t_mark} ms"
elif [ "$case" = disk ] || [ "$case" = sb-shim ]; then
	t_mark=$(wait_log "$NB_BOOT_MARKER|returning to the firmware" 120) || fail "no kernel marker"
	bootrig_clean_log "$work/serial.log" | grep -a -q "$NB_BOOT_MARKER" || fail "no kernel marker"
	wait "$qpid"; qpid=
	log=$(bootrig_clean_log "$work/serial.log")
	[ -n "${NB_E2E_SHOW:-}" ] && grep -a -v '^$' <<<"$log"
	if [ "$case" = sb-shim ]; then
		grep -a -q 'not signed by a trusted key\|shim: ' <<<"$log" && fail "shim or the firmware refused the kernel"
		echo "ok: efi Secure Boot under shim: Debian's kernel (Debian's key, not in db) passed shim's check and booted; marker at ${t_mark} ms"
		exit 0
	fi
	grep -a -q 'not started by PXE' <<<"$log" || fail "the loader did not notice it came from a disk"
	grep -a -q -E '^net: .* \(DHCP\)' <<<"$log" || fail "the loader did not run its own DHCP"
	grep -q 'GET /vmlinuz HTTP/1.1" 20[06] .*libnetboot-chainloader' "$work/nginx/access.log" ||
		fail "nginx did not serve the kernel to our loader"
	tftp=$(tshark -r "$work/guest.pcap" -Y 'udp.dstport == 69' 2>/dev/null | wc -l)
	[ "$tftp" = 0 ] || fail "$tftp TFTP requests: the firmware PXE-booted"
	dhcp=$(tshark -r "$work/guest.pcap" -Y 'udp.srcport == 68' 2>/dev/null | wc -l)
	[ "$dhcp" -gt 0 ] || fail "no DHCP from the guest in the capture (capture broken?)"
	echo "ok: efi from a disk: loader at ${t_start} ms, own DHCP ($dhcp packets from the guest, no TFTP), marker at ${t_mark} ms"
elif [ "$case" = grub ] || [ "$case" = snponly ]; then
	wait_log 'fetching tftp://.*/next.efi' 90 >/dev/null || fail "the loader did not fetch next.efi"
	t_mark=$(wait_log "$NB_BOOT_MARKER" 240) || fail "no kernel marker from the chained $case"
	wait "$qpid"; qpid=
	log=$(bootrig_clean_log "$work/serial.log")
	[ -n "${NB_E2E_SHOW:-}" ] && grep -a -v '^$' <<<"$log"
	grep -a -q 'chain: the image did not start\|did not rebind\|did not take the lease back' <<<"$log" &&
		fail "hand-back or StartImage failed"
	if [ "$case" = grub ]; then
		for f in grub/grub.cfg "$(basename "$kernel")"; do
			grep -a -q "sent $work/tftp/$f" "$work/dnsmasq.log" ||
				fail "GRUB did not read $f by TFTP"
		done
		how="GRUB read grub.cfg and the kernel by TFTP"
	else
		grep -q 'GET /next.ipxe HTTP/1.1" 200' "$work/nginx/access.log" ||
			fail "iPXE did not fetch its script"
		grep -q 'GET /vmlinuz HTTP/1.1" 200 .*iPXE' "$work/nginx/access.log" ||
			fail "nginx did not serve the kernel to the chained iPXE"
		how="iPXE ran its DHCP and script and fetched the kernel by HTTP"
	fi
	echo "ok: efi chain $case: the loader handed the NIC back; $how; marker at ${t_mark} ms"
elif [ "$case" = sb-chain-unsigned ]; then
	wait_log 'chain: the image is not signed by a trusted key: ' 120 >/dev/null ||
		fail "no Secure Boot refusal message for the unsigned chained image"
	wait_log 'returning to the firmware' 30 >/dev/null || fail "the loader did not return to the firmware"
	t_back=$(wait_log 'BdsDxe: failed to start Boot|Start PXE over IPv6' 60) ||
		fail "the firmware did not take control back"
	log=$(bootrig_clean_log "$work/serial.log")
	[ -n "${NB_E2E_SHOW:-}" ] && grep -a -v '^$' <<<"$log" | tail -20
	grep -a -q 'iPXE' <<<"$log" && fail "the refused image ran"
	echo "ok: efi Secure Boot: $(grep -a -o 'chain: the image is not signed by a trusted key: .*' <<<"$log" | head -1); firmware resumed at ${t_back} ms"
elif [ "$case" = http-fallback ]; then
	t_mark=$(wait_log "$NB_BOOT_MARKER" 240) || fail "no kernel marker"
	wait "$qpid"; qpid=
	log=$(bootrig_clean_log "$work/serial.log")
	[ -n "${NB_E2E_SHOW:-}" ] && grep -a -v '^$' <<<"$log"
	grep -a -q 'Start HTTP Boot over IPv6' <<<"$log" || fail "the firmware did not HTTP-boot over IPv6"
	grep -q "GET /boot/$name HTTP/1.1\" 200 .*UefiHttpBoot" "$work/nginx/access.log" ||
		fail "the firmware did not fetch the loader by HTTP"
	grep -a -q 'HTTP Boot left no complete lease: our own DHCP as HTTPClient' <<<"$log" ||
		fail "the loader did not fall back to its own DHCP"
	grep -a -q -E '^net: .* \(DHCP\)' <<<"$log" || fail "the loader did not run its own DHCP"
	for f in vmlinuz initrd.gz; do
		grep -q "GET /boot/$f HTTP/1.1\" 20[06] .*libnetboot-chainloader" "$work/nginx/access.log" ||
			fail "nginx did not serve /boot/$f to our loader"
	done
	grep -q "GET /v4/$name HTTP/1.1\" 404 " "$work/nginx/access.log" ||
		fail "the firmware did not try (and fail) HTTP Boot over IPv4 first"
	# The firmware's DHCPv4 ends before its HTTP request over IPv6 for
	# the loader; DHCPv4 after that SYN is ours: one exchange (DISCOVER,
	# REQUEST), as HTTPClient arch 16.
	syn=$(tshark -r "$work/guest.pcap" -Y 'ipv6 && tcp.flags.syn == 1 && tcp.flags.ack == 0' \
		-T fields -e frame.number 2>/dev/null | head -1)
	[ -n "$syn" ] || fail "no TCP connection over IPv6 in the capture"
	late="udp.srcport == 68 && frame.number > $syn"
	ours=$(tshark -r "$work/guest.pcap" -Y "$late" 2>/dev/null | wc -l)
	disc=$(tshark -r "$work/guest.pcap" -Y "$late && dhcp.option.dhcp == 1" 2>/dev/null | wc -l)
	req=$(tshark -r "$work/guest.pcap" -Y "$late && dhcp.option.dhcp == 3" 2>/dev/null | wc -l)
	http=$(tshark -r "$work/guest.pcap" -Y "$late && dhcp.option.vendor_class_id == \"HTTPClient:Arch:00016:UNDI:003000\" && dhcp.option.client_system_architecture == 16" 2>/dev/null | wc -l)
	[ "$disc" = 1 ] && [ "$req" = 1 ] && [ "$ours" = 2 ] ||
		fail "after the firmware fetched the loader: $ours DHCP packets ($disc DISCOVER, $req REQUEST), want one exchange"
	[ "$http" = 2 ] || fail "$http of our 2 DHCP packets carry option 60 HTTPClient:Arch:00016 and arch 16"
	early=$(tshark -r "$work/guest.pcap" -Y "udp.srcport == 68 && frame.number < $syn" 2>/dev/null | wc -l)
	v6=$(tshark -r "$work/guest.pcap" -Y "udp.srcport == 546 && frame.number < $syn" 2>/dev/null | wc -l)
	echo "ok: efi HTTP Boot over IPv6, no IPv4 lease in the path: loader at ${t_start} ms; firmware DHCPv4 $early packets (its URL a 404), DHCPv6 $v6;" \
		"ours one DHCPv4 exchange as HTTPClient arch 16; marker at ${t_mark} ms"
elif [ "$case" = pxe6 ]; then
	t_mark=$(wait_log "$NB_BOOT_MARKER|returning to the" 240) || fail "no kernel marker"
	bootrig_clean_log "$work/serial.log" | grep -a -q "$NB_BOOT_MARKER" || fail "no kernel marker"
	wait "$qpid"; qpid=
	log=$(bootrig_clean_log "$work/serial.log")
	[ -n "${NB_E2E_SHOW:-}" ] && grep -a -v '^$' <<<"$log"
	grep -a -q 'Start PXE over IPv6' <<<"$log" || fail "the firmware did not PXE-boot over IPv6"
	grep -a -q 'Start PXE over IPv4' <<<"$log" && fail "the firmware tried PXE over IPv4 (IPv4PXESupport=n ignored?)"
	grep -a -q -E '^net: .* \(firmware DHCPv6 lease adopted, no DHCPv6 sent\)' <<<"$log" ||
		fail "the loader did not adopt the firmware's DHCPv6 lease"
	grep -a -q "sent $work/tftp/$name" "$work/dnsmasq.log" || fail "dnsmasq did not send the loader by TFTP"
	# nginx logs the client's address first: the guest's DHCPv6 one.
	for f in vmlinuz initrd.gz; do
		grep -q -E "^fd90::[0-9a-f:]+ .*\"GET /$f HTTP/1.1\" 20[06] .*libnetboot-chainloader" "$work/nginx/access.log" ||
			fail "nginx did not serve /$f to our loader over IPv6"
	done
	grep -q -E '^10\.90\.' "$work/nginx/access.log" && fail "nginx served something over IPv4"
	# The firmware's DHCPv6 ends before it fetches the loader; DHCPv6
	# from the guest after the last TFTP packet is ours, but for one
	# Release: PXE Base Code's Stop releases its lease when our
	# exclusive SNP open unbinds it, before our layer's first packet
	# (its Router Solicitation).
	last_tftp=$(tshark -r "$work/guest.pcap" -Y 'tftp' -T fields -e frame.number 2>/dev/null | tail -1)
	[ -n "$last_tftp" ] || fail "no TFTP in the capture"
	d6="udp.srcport == 546 && udp.dstport == 547"
	early=$(tshark -r "$work/guest.pcap" -Y "$d6 && frame.number < $last_tftp" 2>/dev/null | wc -l)
	rs=$(tshark -r "$work/guest.pcap" -Y "icmpv6.type == 133 && frame.number > $last_tftp" \
		-T fields -e frame.number 2>/dev/null | head -1)
	[ -n "$rs" ] || fail "no Router Solicitation from the loader's IPv6 layer"
	late=$(tshark -r "$work/guest.pcap" -Y "$d6 && frame.number > $last_tftp && !(dhcpv6.msgtype == 8 && frame.number < $rs)" 2>/dev/null | wc -l)
	rel=$(tshark -r "$work/guest.pcap" -Y "$d6 && frame.number > $last_tftp && dhcpv6.msgtype == 8 && frame.number < $rs" 2>/dev/null | wc -l)
	v4=$(tshark -r "$work/guest.pcap" -Y "udp.srcport == 68 && frame.number > $last_tftp" 2>/dev/null | wc -l)
	[ "$early" -gt 0 ] || fail "capture shows no firmware DHCPv6 at all (capture broken?)"
	[ "$late" = 0 ] || fail "$late DHCPv6 packets left the guest after the loader was fetched"
	[ "$rel" -le 1 ] || fail "$rel DHCPv6 Releases at the firmware's unbind (want at most its one)"
	[ "$v4" = 0 ] || fail "$v4 DHCPv4 packets left the guest after the loader was fetched"
	rate=$(grep -a -A1 'fetching .*vmlinuz' <<<"$log" | tail -1 | grep -a -o '[0-9.]* MB/s' | tail -1)
	echo "ok: efi PXEv6 boot: loader at ${t_start} ms, $(grep -a -o -m1 '^net: .*' <<<"$log");" \
		"marker at ${t_mark} ms after QEMU start (loader to marker $((t_mark - t_start)) ms);" \
		"firmware DHCPv6 packets $early (+$rel Release at its unbind), ours 0; kernel rate ${rate:-?} over IPv6"
elif [ "$case" = http ] || [ "$case" = http-inform ]; then
	t_mark=$(wait_log "$NB_BOOT_MARKER" 150) || fail "no kernel marker"
	wait "$qpid"; qpid=
	log=$(bootrig_clean_log "$work/serial.log")
	[ -n "${NB_E2E_SHOW:-}" ] && grep -a -v '^$' <<<"$log"
	grep -a -q 'Start HTTP Boot over IPv4' <<<"$log" || fail "the firmware did not HTTP-boot"
	from=$(grep -a -o 'HTTP Boot: lease from .*' <<<"$log" | head -1)
	[ -n "$from" ] || fail "the loader did not adopt the firmware's lease"
	# The lease rebuilt from the device path has no server options: one
	# DHCPINFORM asks for them (http: the server has no 210, so the
	# default from the boot URL; http-inform: the server's 210).
	grep -a -q '(firmware lease adopted, options by DHCPINFORM)' <<<"$log" ||
		fail "the loader did not adopt the lease and get its options by DHCPINFORM"
	grep -q "GET /boot/$name HTTP/1.1\" 200 .*UefiHttpBoot" "$work/nginx/access.log" ||
		fail "the firmware did not fetch the loader by HTTP"
	for f in vmlinuz initrd.gz; do
		grep -q "GET /$http_dir/$f HTTP/1.1\" 20[06] .*libnetboot-chainloader" "$work/nginx/access.log" ||
			fail "nginx did not serve /$http_dir/$f (the 210 $([ "$case" = http ] && echo default || echo of the INFORM)) to our loader"
	done
	# The firmware's DHCP ends before its HTTP request for the loader;
	# any DHCP from the guest after that first SYN came from us: exactly
	# one DHCPINFORM, answered by one DHCPACK, and no DISCOVER/REQUEST.
	syn=$(tshark -r "$work/guest.pcap" -Y 'tcp.flags.syn == 1 && tcp.flags.ack == 0' \
		-T fields -e frame.number 2>/dev/null | head -1)
	[ -n "$syn" ] || fail "no TCP connection in the capture"
	early=$(tshark -r "$work/guest.pcap" -Y "udp.srcport == 68 && frame.number < $syn" 2>/dev/null | wc -l)
	late=$(tshark -r "$work/guest.pcap" -Y "udp.srcport == 68 && frame.number > $syn" 2>/dev/null | wc -l)
	informs=$(tshark -r "$work/guest.pcap" -Y "udp.srcport == 68 && dhcp.option.dhcp == 8 && frame.number > $syn" 2>/dev/null | wc -l)
	acks=$(tshark -r "$work/guest.pcap" -Y "udp.dstport == 68 && dhcp.option.dhcp == 5 && frame.number > $syn" 2>/dev/null | wc -l)
	[ "$early" -gt 0 ] || fail "capture shows no firmware DHCP at all (capture broken?)"
	[ "$late" = 1 ] && [ "$informs" = 1 ] ||
		fail "after the firmware fetched the loader: $late DHCP packets from the guest, $informs DHCPINFORM (want exactly one, nothing else)"
	[ "$acks" = 1 ] || fail "$acks DHCPACKs answered the DHCPINFORM (want one)"
	grep -a -q 'HTTPClient:Arch:00016' "$work/dnsmasq.log" ||
		grep -q 'vendor class: HTTPClient' "$work/dnsmasq.log" || fail "dnsmasq saw no HTTPClient"
	grep -q 'DHCPINFORM' "$work/dnsmasq.log" || fail "dnsmasq logged no DHCPINFORM"
	echo "ok: efi HTTP Boot$([ "$case" = http-inform ] && echo ' with the server'"'"'s 210 by DHCPINFORM'): loader at ${t_start} ms, $from," \
		"firmware DHCP packets $early, ours 1 (DHCPINFORM, one ACK); kernel from /$http_dir/; marker at ${t_mark} ms"
elif [ "$case" = ok ] || [ "$case" = sb-ok ] || [ "$case" = https ] || [ "$case" = https-fwca ]; then
	t_mark=$(wait_log "$NB_BOOT_MARKER|returning to the" $((150 * tmul))) || fail "no kernel marker"
	bootrig_clean_log "$work/serial.log" | grep -a -q "$NB_BOOT_MARKER" || fail "no kernel marker"
	wait "$qpid"; qpid=
	alog=$work/nginx/access.log
	[ -n "$tls" ] && alog=$work/nginx/access-tls.log
	grep -q 'GET /vmlinuz HTTP/1.1" 20[06] .*libnetboot-chainloader' "$alog" ||
		fail "nginx did not serve the kernel to our loader"
	grep -q 'GET /initrd.gz HTTP/1.1" 20[06] .*libnetboot-chainloader' "$alog" ||
		fail "nginx did not serve the initrd to our loader"
	# The firmware's DHCP ends before it fetches the loader by TFTP; any
	# DHCP from the guest after the first TFTP request came from us.
	first_tftp=$(tshark -r "$work/guest.pcap" -Y 'udp.dstport == 69' -T fields -e frame.number 2>/dev/null | head -1)
	[ -n "$first_tftp" ] || fail "no TFTP request in the capture"
	late=$(tshark -r "$work/guest.pcap" -Y "udp.srcport == 68 && frame.number > $first_tftp" 2>/dev/null | wc -l)
	early=$(tshark -r "$work/guest.pcap" -Y "udp.srcport == 68 && frame.number < $first_tftp" 2>/dev/null | wc -l)
	[ "$early" -gt 0 ] || fail "capture shows no firmware DHCP at all (capture broken?)"
	[ "$late" = 0 ] || fail "$late DHCP packets left the guest after the loader was fetched"
	# The kernel's final progress figure: the line after "fetching .../vmlinuz".
	rate=$(bootrig_clean_log "$work/serial.log" | grep -a -A1 'fetching .*vmlinuz' |
		tail -1 | grep -a -o '[0-9.]* MB/s' | tail -1)
	[ -n "${NB_E2E_SHOW:-}" ] && bootrig_clean_log "$work/serial.log" | grep -a -v '^$'
	rtt_note=
	if [ -n "${RIG_DELAY_MS:-}" ]; then
		# The delay line must really be in the path: the handshake of
		# the kernel's connection, seen at the guest, takes a round trip.
		hs=$(tshark -r "$work/guest.pcap" -Y 'tcp.flags.syn == 1 && tcp.flags.ack == 1' \
			-T fields -e tcp.analysis.ack_rtt 2>/dev/null | head -1)
		want=$(( 2 * RIG_DELAY_MS ))
		awk -v h="${hs:-0}" -v w="$want" 'BEGIN { exit !(h * 1000 >= w * 0.9) }' ||
			fail "the handshake took ${hs:-?} s, not the emulated ${want} ms round trip"
		# One connection below a 40 ms round trip unless a script
		# asks for parts (`set parallel N`): the kernel whole, the
		# initrd reusing it.  The first SYN waits a round trip for
		# ARP here, which must not count as the server's (40 ms).
		parts=$(grep -c 'GET /vmlinuz HTTP/1.1" 206 .*libnetboot-chainloader' "$alog")
		streams=$(tshark -r "$work/guest.pcap" -Y 'tcp.port == 80' -T fields -e tcp.stream 2>/dev/null |
			sort -u | wc -l)
		# (From 40 ms the UEFI loader asks for parts: not checked here.)
		if [ "$want" -lt 40 ]; then
			[ "$parts" = 0 ] || fail "the kernel took $parts ranged answers (206): at ${want} ms the loader asks on one connection"
			[ "$streams" = 1 ] || fail "$streams HTTP connections: at ${want} ms the loader asks on one, the initrd reusing it"
		fi
		rtt_note=" across a ${want} ms round trip (handshake ${hs} s; kernel in $parts ranged answers, $streams connections)"
	fi
	[ "$case" = https-fwca ] && { bootrig_clean_log "$work/serial.log" |
		grep -a -q "tls: .* trust anchor(s) from the firmware's TlsCaCertificate" ||
		fail "the anchors did not come from TlsCaCertificate"; }
	[ "$case" = sb-ok ] && rtt_note="$rtt_note with Secure Boot on (loader and kernel signed by the snakeoil key)"
	[ -n "$tls" ] && rtt_note="$rtt_note by https:// (TLS 1.2, $(bootrig_clean_log "$work/serial.log" |
		grep -a -o -m1 'tls: .* trust anchor.*' | sed 's/^tls: //'))"
	echo "ok: $mode$arch_note boot$rtt_note: loader at ${t_start} ms, marker at ${t_mark} ms after QEMU start" \
		"(loader to marker $((t_mark - t_start)) ms);" \
		"firmware DHCP packets $early, ours 0; kernel rate ${rate:-?}"
else
	if [ "$case" = https-wrongca ]; then
		wait_log 'fetch failed: https://.*/vmlinuz: untrusted certificate' 90 >/dev/null ||
			fail "no clear untrusted-certificate message on the console"
	else
		wait_log 'fetch failed: .*missing/vmlinuz: not found' 60 >/dev/null ||
			fail "no clear 404 message on the console"
	fi
	if [ "$mode" = efi ]; then back='returning to the firmware'; after='BdsDxe: failed to start Boot|Start PXE over IPv6'
	else back='returning to the ROM'; after='No more network devices'; fi
	wait_log "$back" 30 >/dev/null || fail "the loader did not say it returns to the firmware"
	if [ "$mode" = bios ] && [ "$case" = missing ]; then
		# Drain the monitor's replies so it never blocks writing them.
		timeout 10 cat "$work/mon.out" >/dev/null 2>&1 </dev/null &
		timeout 5 bash -c "echo 'pmemsave 0xb8000 4000 \"$work/vga.bin\"' >'$work/mon.in'"
		for ((i = 0; i < 50; i++)); do [ -s "$work/vga.bin" ] && break; sleep 0.1; done
		# Text mode: a character byte, then an attribute byte.
		screen=$(od -An -v -tu1 -w2 "$work/vga.bin" 2>/dev/null | awk '{ printf "%c", ($1 >= 32 && $1 < 127) ? $1 : 32 }')
		grep -q 'fetch failed: .*missing/vmlinuz: not found' <<<"$screen" ||
			fail "the 404 is not on the screen"
	fi
	t_back=$(wait_log "$after" $((60 * tmul))) || fail "the firmware did not take control back"
	if [ "$case" = https-wrongca ]; then
		grep -a -q "$NB_BOOT_MARKER" <(bootrig_clean_log "$work/serial.log") && fail "the kernel ran"
		echo "ok: $mode https with a CA that did not sign the server: $(bootrig_clean_log "$work/serial.log" |
			grep -a -o -m1 'fetch failed: .*untrusted certificate.*'); firmware resumed at ${t_back} ms"
	else
		echo "ok: $mode$arch_note missing URL: error shown, firmware resumed at ${t_back} ms"
	fi
fi
