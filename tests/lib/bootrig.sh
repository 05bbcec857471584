#!/usr/bin/env bash
# A boot rig in a throw-away network namespace: one tap device whose
# kernel side (10.90.0.1) runs dnsmasq (DHCP + TFTP) and nginx, and a QEMU
# guest on the tap.  Source it, then:
#   bootrig_up WORKDIR          namespace, tap, nginx serving WORKDIR/http
#   bootrig_dnsmasq ARGS...     start dnsmasq with extra options
#   bootrig_qemu_efi LOG SECS [qemu args]  OVMF PXE boot, serial to LOG
#   bootrig_qemu_bios LOG SECS [qemu args] SeaBIOS + NIC PXE ROM
#   bootrig_down                (also run on EXIT by the caller's trap)
# Traffic stays in the namespace.  Facts used here are in
# shared/BOOT-RIG.md (no-ping, enable-ra, empty romfile for OVMF).
RIG_NS=nbrig$$
RIG_SERVER=10.90.0.1
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
	rig ip addr add $RIG_SERVER/24 dev tap0
	rig ip addr add fd90::1/64 dev tap0 nodad
	rig ip link set tap0 up
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
		root $RIG_DIR/http;
	}
}
CONF
	mkdir -p "$RIG_DIR/nginx/tmp"
	rig nginx -c "$RIG_DIR/nginx/nginx.conf" || return 1
}

bootrig_dnsmasq() {
	rig dnsmasq --keep-in-foreground --conf-file=/dev/null --user=root \
		--interface=tap0 --bind-interfaces --no-ping --no-resolv \
		--dhcp-range=10.90.0.100,10.90.0.150,1h \
		--dhcp-range=fd90::,ra-only --enable-ra \
		--enable-tftp --tftp-root="$RIG_DIR/tftp" \
		--pid-file="$RIG_DIR/dnsmasq.pid" --log-dhcp \
		--dhcp-leasefile="$RIG_DIR/dnsmasq.leases" \
		--log-facility="$RIG_DIR/dnsmasq.log" "$@" &
	RIG_PIDS+=($!)
	sleep 0.3
}

# Serial output with escape codes and CRs removed, for matching.
bootrig_clean_log() { sed 's/\x1b\[[0-9;?]*[a-zA-Z]//g' "$1" | tr -d '\r'; }

bootrig_qemu_efi() {
	local log=$1 secs=$2; shift 2
	cp /usr/share/OVMF/OVMF_VARS_4M.fd "$RIG_DIR/vars.fd"
	rig timeout "$secs" qemu-system-x86_64 -accel tcg -M q35 -m 512 \
		-nodefaults -nographic -serial stdio -no-reboot -pidfile "$RIG_DIR/qemu.pid" \
		-drive if=pflash,format=raw,unit=0,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd \
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
	ip netns del "$RIG_NS" 2>/dev/null
	return 0
}
