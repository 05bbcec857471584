#!/usr/bin/env bash
# Boot fixtures, built from Debian packages on first use and cached, never
# committed:  nbfx_kernel DIR [ARCH] -> DIR/vmlinuz  (Debian cloud kernel)
#             nbfx_initrd DIR [ARCH] -> DIR/initrd.gz (busybox /init that
#                                  prints NB_BOOT_MARKER and powers off)
#             nbfx_efistub DIR [ARCH] -> systemd-boot's Linux EFI stub (the
#                                  installed one for the host, else unpacked)
# ARCH is Debian's name (amd64, the default, or arm64: that architecture
# must be added to dpkg, as scripts/deps-unpack.sh does); give each
# architecture its own DIR.  Source this file; functions print the path
# they produced.
NB_BOOT_MARKER=${NB_BOOT_MARKER:-NETBOOT-E2E-MARKER-OK}

nbfx_kernel() {
	local dir=$1 arch=${2:-amd64} pkg deb
	mkdir -p "$dir"
	[ -s "$dir/vmlinuz" ] && { echo "$dir/vmlinuz"; return 0; }
	# The metapackage names the versioned image package.
	pkg=$(apt-cache depends "linux-image-cloud-$arch:$arch" 2>/dev/null |
		awk '/Depends: linux-image-[0-9]/{print $2; exit}')
	[ -n "$pkg" ] || { echo "fixtures: cannot resolve linux-image-cloud-$arch" >&2; return 1; }
	(cd "$dir" && rm -f ./*.deb && apt-get download "${pkg%:*}:$arch" >/dev/null) || return 1
	deb=$(ls "$dir"/*.deb | head -1)
	(cd "$dir" && dpkg-deb --fsys-tarfile "$deb" | tar -x --wildcards './boot/vmlinuz-*') || return 1
	mv "$dir"/boot/vmlinuz-* "$dir/vmlinuz" && rm -rf "$dir/boot" "$deb"
	echo "$dir/vmlinuz"
}

nbfx_initrd() {
	local dir=$1 arch=${2:-amd64} root
	mkdir -p "$dir"
	[ -s "$dir/initrd.gz" ] && { echo "$dir/initrd.gz"; return 0; }
	[ -x /bin/busybox ] || { echo "fixtures: busybox-static is not installed" >&2; return 1; }
	root=$(mktemp -d)
	mkdir -p "$root/bin" "$root/dev" "$root/proc"
	if [ "$arch" = "$(dpkg --print-architecture)" ]; then
		cp /bin/busybox "$root/bin/busybox"
	else
		# The target's own busybox, unpacked from its package.
		(cd "$root" && apt-get download "busybox-static:$arch" >/dev/null &&
			dpkg-deb --fsys-tarfile busybox-static_*.deb | tar -xO ./bin/busybox >bin/busybox &&
			rm -f busybox-static_*.deb && chmod +x bin/busybox) ||
			{ echo "fixtures: cannot get busybox-static:$arch" >&2; rm -rf "$root"; return 1; }
	fi
	for a in sh echo poweroff mount sleep cat; do ln -s busybox "$root/bin/$a"; done
	cat >"$root/init" <<INIT
#!/bin/sh
mount -t proc proc /proc 2>/dev/null
echo "$NB_BOOT_MARKER"
poweroff -f
INIT
	chmod +x "$root/init"
	(cd "$root" && find . | busybox cpio -o -H newc 2>/dev/null | gzip -9) >"$dir/initrd.gz"
	rm -rf "$root"
	echo "$dir/initrd.gz"
}

# nbfx_shim DIR -> DIR/shimx64.efi (Debian's shim as shipped: signed by
# Microsoft, trusting Debian's Secure Boot CA), extracted, not installed.
nbfx_shim() {
	local dir=$1 deb
	mkdir -p "$dir"
	[ -s "$dir/shimx64.efi" ] && { echo "$dir/shimx64.efi"; return 0; }
	(cd "$dir" && rm -f ./shim-signed_*.deb && apt-get download shim-signed >/dev/null 2>&1) || return 1
	deb=$(cd "$dir" && ls "$PWD"/shim-signed_*.deb | head -1)
	(cd "$dir" && dpkg-deb --fsys-tarfile "$deb" | tar -x ./usr/lib/shim/shimx64.efi.signed) || return 1
	mv "$dir/usr/lib/shim/shimx64.efi.signed" "$dir/shimx64.efi" && rm -rf "$dir/usr" "$deb"
	echo "$dir/shimx64.efi"
}

# nbfx_efistub DIR [ARCH] -> systemd-boot's EFI stub for a UKI: the
# installed systemd-boot-efi's on the host's architecture, else that
# architecture's package unpacked into DIR.
nbfx_efistub() {
	local dir=$1 arch=${2:-amd64} name tmp
	case $arch in
	amd64) name=linuxx64.efi.stub ;;
	arm64) name=linuxaa64.efi.stub ;;
	*) echo "fixtures: no EFI stub name for $arch" >&2; return 1 ;;
	esac
	if [ "$arch" = "$(dpkg --print-architecture)" ]; then
		echo "/usr/lib/systemd/boot/efi/$name"; return 0
	fi
	mkdir -p "$dir"
	[ -s "$dir/$name" ] && { echo "$dir/$name"; return 0; }
	tmp=$(mktemp -d)
	(cd "$tmp" && apt-get download "systemd-boot-efi:$arch" >/dev/null 2>&1 &&
		dpkg-deb --fsys-tarfile systemd-boot-efi_*.deb |
		tar -xO "./usr/lib/systemd/boot/efi/$name" >"$dir/$name") ||
		{ rm -rf "$tmp" "$dir/$name"; echo "fixtures: cannot get systemd-boot-efi:$arch" >&2; return 1; }
	rm -rf "$tmp"
	echo "$dir/$name"
}
