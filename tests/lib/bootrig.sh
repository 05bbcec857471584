#!/usr/bin/env bash
# A boot rig in a throw-away network namespace: one tap device whose
# kernel side (10.90.0.1) runs dnsmasq (DHCP + TFTP) and nginx, and a QEMU
# guest on the tap.  Source it, then:
#   bootrig_up WORKDIR          namespace, tap, nginx serving WORKDIR/http
#   bootrig_dnsmasq ARGS...     start dnsmasq with extra options
#   bootrig_qemu_efi LOG SECS [qemu args]  OVMF PXE boot, serial to LOG
#                               (RIG_ARCH=aarch64: AAVMF on QEMU's virt)
#   bootrig_dnsmasq_http URL ARGS...  dnsmasq answering UEFI HTTP Boot
#                               clients (vendor class HTTPClient) with URL
#   bootrig_qemu_bios LOG SECS [qemu args] SeaBIOS + NIC PXE ROM
#   bootrig_down                (also run on EXIT by the caller's trap)
# Traffic stays in the namespace.  dnsmasq runs with no-ping (else each
# lease costs 3 s) and enable-ra with an IPv6 range (else the iPXE ROM
# waits ~13 s for IPv6); OVMF gets an empty NIC romfile so its own PXE
# stack, not iPXE's EFI ROM, boots the loader.
#
# RIG_OVMF picks another Debian OVMF build for bootrig_qemu_efi: e.g.
# snakeoil (Secure Boot on, db = /usr/share/ovmf/PkKek-1-snakeoil.pem) or
# ms (Microsoft's keys).  Those builds need SMM and a secure flash.
#
# RIG_BOOT=http boots OVMF by UEFI HTTP Boot instead of PXE: its PXEv4 and
# PXEv6 options are switched off (fw_cfg opt/org.tianocore/IPv4PXESupport
# and IPv6PXESupport = n), else each waits ~60 s for an offer first.
#
# RIG_BOOT=pxe6 switches only PXEv4 off: OVMF's "UEFI PXEv6" option
# boots first.
#
# RIG_HTTP6=1: nginx also listens on [fd90::1]:80 and dnsmasq leases
# IPv6 addresses by DHCPv6 (stateful, fd90::100-1ff) instead of RA only,
# for UEFI HTTP Boot over IPv6.
#
# With RIG_TLS_CERT and RIG_TLS_KEY set (PEM files: the chain as servers
# send it, its key), nginx also serves the same root by https:// on 443,
# TLS 1.2 only, logging to nginx/access-tls.log.
#
# With RIG_DELAY_MS set (one-way delay; NBEMU = the nbemu binary), the
# server sits on a veth pair instead (rs, peer rm) and nbemu carries every
# frame between tap0 and rm after that delay: the guest sees an RTT of
# twice it, as on a real network, and so do its TFTP and TCP.
# RIG_TCP_CC sets the server's congestion control (a new namespace
# starts with the host's default, which may be bbr or cubic).
# RIG_EMU_ARGS adds nbemu options (split on blanks; later ones win, e.g.
# "--rt 0" or "--quantum 250").
RIG_NS=nbrig$$
RIG_SERVER=10.90.0.1
RIG_SERVER6=fd90::1
RIG_IF=tap0
RIG_PIDS=()

rig() { ip netns exec "$RIG_NS" "$@"; }

bootrig_up() {
	RIG_DIR=$1
	mkdir -p "$RIG_DIR/tftp" "$RIG_DIR/http" "$RIG_DIR/nginx"
	# dnsmasq and nginx workers drop root: they must be able to read here.
	chmod a+rx "$RIG_DIR" "$RIG_DIR/tftp" "$RIG_DIR/http"
	ip netns add "$RIG_NS"
	rig ip link set lo up
	rig sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
	rig ip tuntap add dev tap0 mode tap
	rig ip link set tap0 up
	if [ -n "${RIG_DELAY_MS:-}" ]; then
		RIG_IF=rs
		# Only rs may answer ARP for the server: a reply from tap0
		# would route the guest around nbemu.
		rig sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.tap0.arp_ignore=1
		rig ip link add rs type veth peer name rm
		rig ip link set rm up
		rig ip link set rs up
		rm -f "$RIG_DIR/emu.ready"
		# shellcheck disable=SC2086  # RIG_EMU_ARGS splits on blanks
		rig timeout 3600 "${NBEMU:?NBEMU: the nbemu binary}" --a rm --b tap0 \
			--delay "$RIG_DELAY_MS" --ready "$RIG_DIR/emu.ready" --rt 10 \
			${RIG_EMU_ARGS:-} 2>"$RIG_DIR/nbemu.log" &
		RIG_PIDS+=($!)
		local i
		for ((i = 0; i < 100; i++)); do [ -s "$RIG_DIR/emu.ready" ] && break; sleep 0.05; done
		[ -s "$RIG_DIR/emu.ready" ] || { cat "$RIG_DIR/nbemu.log" >&2; return 1; }
	fi
	rig ip addr add $RIG_SERVER/24 dev $RIG_IF
	rig ip addr add fd90::1/64 dev $RIG_IF nodad
	# A namespace may only pick the host's allowed algorithms by sysctl
	# (often reno and the default); a route's congctl may name any.
	if [ -n "${RIG_TCP_CC:-}" ]; then
		rig ip route replace 10.90.0.0/24 dev $RIG_IF proto kernel scope link src $RIG_SERVER \
			congctl "$RIG_TCP_CC" || return 1
	fi
	cat >"$RIG_DIR/nginx/nginx.conf" <<CONF
worker_processes 1;
pid $RIG_DIR/nginx/nginx.pid;
error_log $RIG_DIR/nginx/error.log;
events { worker_connections 64; }
http {
	access_log $RIG_DIR/nginx/access.log;
	client_body_temp_path $RIG_DIR/nginx/tmp;
	proxy_temp_path $RIG_DIR/nginx/tmp;
	fastcgi_temp_path $RIG_DIR/nginx/tmp;
	uwsgi_temp_path $RIG_DIR/nginx/tmp;
	scgi_temp_path $RIG_DIR/nginx/tmp;
	sendfile on;
	server {
		listen $RIG_SERVER:80;
$([ -n "${RIG_HTTP6:-}" ] && printf '\t\tlisten [%s]:80;\n' "$RIG_SERVER6")
		root $RIG_DIR/http;
	}
$(bootrig_tls_server)
}
CONF
	mkdir -p "$RIG_DIR/nginx/tmp"
	rig nginx -c "$RIG_DIR/nginx/nginx.conf" || return 1
}

bootrig_tls_server() {
	[ -n "${RIG_TLS_CERT:-}" ] || return 0
	cat <<CONF
	server {
		listen $RIG_SERVER:443 ssl;
		ssl_certificate ${RIG_TLS_CERT:?};
		ssl_certificate_key ${RIG_TLS_KEY:?};
		ssl_protocols TLSv1.2;
		access_log $RIG_DIR/nginx/access-tls.log;
		root $RIG_DIR/http;
	}
CONF
}

bootrig_dnsmasq() {
	local range6=fd90::,ra-only
	[ -n "${RIG_HTTP6:-}" ] && range6=fd90::100,fd90::1ff,64,1h
	rig dnsmasq --keep-in-foreground --conf-file=/dev/null --user=root \
		--interface=$RIG_IF --bind-interfaces --no-ping --no-resolv \
		--dhcp-range=10.90.0.100,10.90.0.150,1h \
		--dhcp-range=$range6 --enable-ra \
		--enable-tftp --tftp-root="$RIG_DIR/tftp" \
		--pid-file="$RIG_DIR/dnsmasq.pid" --log-dhcp \
		--dhcp-leasefile="$RIG_DIR/dnsmasq.leases" \
		--log-facility="$RIG_DIR/dnsmasq.log" "$@" &
	RIG_PIDS+=($!)
	sleep 0.3
}

# OVMF's HTTP Boot sends vendor class HTTPClient:Arch:00016:UNDI:003000
# and wants option 60 HTTPClient back with an http:// boot file.
bootrig_dnsmasq_http() {
	local url=$1
	shift
	bootrig_dnsmasq --dhcp-vendorclass=set:http,HTTPClient \
		--dhcp-option-force=tag:http,60,HTTPClient --dhcp-boot=tag:http,"$url" "$@"
}

# Serial output with escape codes and CRs removed, for matching.
bootrig_clean_log() { sed 's/\x1b\[[0-9;?]*[a-zA-Z]//g' "$1" | tr -d '\r'; }

bootrig_qemu_efi() {
	local log=$1 secs=$2 fw=/usr/share/OVMF/OVMF_CODE_4M.fd
	local vars=/usr/share/OVMF/OVMF_VARS_4M.fd fwopt=()
	local machine=(qemu-system-x86_64 -accel tcg -M q35 -m 512)
	shift 2
	if [ "${RIG_ARCH:-x86_64}" = aarch64 ]; then
		# cortex-a57, not max: max's pointer authentication is slow
		# under TCG.  AAVMF's flash images are 64 MiB each.
		fw=/usr/share/AAVMF/AAVMF_CODE.fd vars=/usr/share/AAVMF/AAVMF_VARS.fd
		machine=(qemu-system-aarch64 -accel tcg -M virt -cpu cortex-a57 -m 1024)
	elif [ -n "${RIG_OVMF:-}" ]; then
		fw=/usr/share/OVMF/OVMF_CODE_4M.$RIG_OVMF.fd
		vars=/usr/share/OVMF/OVMF_VARS_4M.$RIG_OVMF.fd
		machine=(qemu-system-x86_64 -accel tcg -M q35,smm=on -m 512
			-global driver=cfi.pflash01,property=secure,value=on)
	fi
	[ "${RIG_BOOT:-}" = http ] && fwopt+=(-fw_cfg name=opt/org.tianocore/IPv4PXESupport,string=n
		-fw_cfg name=opt/org.tianocore/IPv6PXESupport,string=n)
	[ "${RIG_BOOT:-}" = pxe6 ] && fwopt+=(-fw_cfg name=opt/org.tianocore/IPv4PXESupport,string=n)
	cp "$vars" "$RIG_DIR/vars.fd" || return 1
	rig timeout "$secs" "${machine[@]}" "${fwopt[@]}" \
		-nodefaults -nographic -serial stdio -no-reboot -pidfile "$RIG_DIR/qemu.pid" \
		-drive if=pflash,format=raw,unit=0,readonly=on,file="$fw" \
		-drive if=pflash,format=raw,unit=1,file="$RIG_DIR/vars.fd" \
		-netdev tap,id=n0,ifname=tap0,script=no,downscript=no,vnet_hdr=off \
		-device virtio-net-pci,netdev=n0,romfile=,mac=52:54:00:90:00:42 \
		-object filter-dump,id=f0,netdev=n0,file="$RIG_DIR/guest.pcap" \
		"$@" >"$log" 2>&1 </dev/null
}

bootrig_qemu_bios() {
	local log=$1 secs=$2; shift 2
	rig timeout "$secs" qemu-system-x86_64 -accel tcg -M pc -m 256 \
		-nodefaults -nographic -serial stdio -no-reboot -boot n -pidfile "$RIG_DIR/qemu.pid" \
		-netdev tap,id=n0,ifname=tap0,script=no,downscript=no,vnet_hdr=off \
		-device virtio-net-pci,netdev=n0,mac=52:54:00:90:00:43 \
		-object filter-dump,id=f0,netdev=n0,file="$RIG_DIR/guest.pcap" \
		"$@" >"$log" 2>&1 </dev/null
}

bootrig_down() {
	for p in "${RIG_PIDS[@]}"; do kill "$p" 2>/dev/null; done
	# A guest left in its firmware (the missing-URL cases) would run on
	# to its timeout: $! of a caller is a subshell, not QEMU.
	[ -n "${RIG_DIR:-}" ] && [ -s "$RIG_DIR/qemu.pid" ] &&
		kill "$(cat "$RIG_DIR/qemu.pid")" 2>/dev/null
	# $! above is the subshell of `rig`, not dnsmasq itself.
	[ -n "${RIG_DIR:-}" ] && [ -s "$RIG_DIR/dnsmasq.pid" ] &&
		kill "$(cat "$RIG_DIR/dnsmasq.pid")" 2>/dev/null
	[ -n "${RIG_DIR:-}" ] && [ -f "$RIG_DIR/nginx/nginx.pid" ] &&
		kill "$(cat "$RIG_DIR/nginx/nginx.pid")" 2>/dev/null
	[ -n "${RIG_DIR:-}" ] && [ -s "$RIG_DIR/emu.ready" ] &&
		kill "$(cat "$RIG_DIR/emu.ready")" 2>/dev/null
	ip netns del "$RIG_NS" 2>/dev/null
	return 0
}
