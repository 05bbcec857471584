#!/usr/bin/env bash
# Provisioning servers' iPXE scripts run by nbchain-hosted (the loader's
# script interpreter over a tap) against nginx and dnsmasq in namespaces
# this test creates (tests/lib/netns.sh).  One case per server style:
#   permac:  chain /boot?mac=${net0/mac:hexhyp}&uuid=${uuid}&arch=${buildarch};
#            nginx answers with the per-MAC script file, which boots.
#   retry:   installer style: :retry_boot, imgfree, kernel --timeout,
#            || goto retry_boot; nginx answers 404 then 503, then the file.
#   nicloop: set idx:int32 0 / isset ${net${idx}/mac} || goto done / inc idx.
#   menu:    a menu with a default and a timeout (no key: the default
#            boots after the timeout), then the same with a key choosing.
#   params:  params/param then chain URL##params: a POST nginx logs.
#   mirror:  an image's first URLs dead (nothing listens), the next serves:
#            the "mirrors" setting's bases and URLs after the first on a
#            line; two initrds reach the kernel joined, each padded to 4.
#   retryafter: nginx answers 503 + Retry-After: 2 first; the loader's own
#            retry (no "|| goto") fetches the image, not before 2 s.
#   script_flows.sh CASE NBCHAIN_HOSTED   (NBEMU in the environment)
set -uo pipefail
case=${1:?case} nbchain=${2:?nbchain-hosted}
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../lib/netns.sh"
trap nbns_down EXIT
fail() {
	echo "FAIL: $*" >&2
	echo "--- loader output"; cat "$d/out.log" 2>/dev/null
	echo "--- nginx access log"; cat "$d/access.log" 2>/dev/null
	exit 1
}
nbns_up || fail "netns"
d=$NBNS_DIR
S=$NBNS_SERVER_IP
mkdir -p "$d/http/by-mac" "$d/tmp" "$d/out"
chmod -R a+rwx "$d"
head -c 300000 /dev/urandom >"$d/http/vmlinuz"
head -c 100000 /dev/urandom >"$d/http/initrd"
head -c 200000 /dev/urandom >"$d/http/rescue"
sum() { sha256sum "$1" | cut -d' ' -f1; }

cat >"$d/nginx.conf" <<CONF
daemon on;
pid $d/nginx.pid;
error_log $d/error.log;
events { worker_connections 64; }
http {
	log_format t '\$status \$request_method \$request_uri body=[\$request_body]';
	log_format ts '\$msec \$status \$request_uri';
	access_log $d/access.log t;
	client_body_temp_path $d/tmp; proxy_temp_path $d/tmp;
	fastcgi_temp_path $d/tmp; uwsgi_temp_path $d/tmp; scgi_temp_path $d/tmp;
	default_type text/plain;
	server {
		listen $S:80;
		root $d/http;
		# The per-machine redirect: the script generated for this MAC.
		location = /boot { try_files /by-mac/\$arg_mac.ipxe =404; }
		# Two injected failures before the file is served.
		location = /flaky/vmlinuz {
			if (\$arg_try = 1) { return 404; }
			if (\$arg_try = 2) { return 503; }
			alias $d/http/vmlinuz;
		}
		# Busy while the flag exists: 503 with a time to come back.
		location = /busy/vmlinuz {
			access_log $d/busy.log ts;
			if (-f $d/busy.flag) {
				add_header Retry-After 2 always;
				return 503;
			}
			alias $d/http/vmlinuz;
		}
		# The body is read (and so logged) when nginx proxies it.
		location = /post { proxy_pass http://127.0.0.1:8081/answer; }
	}
	server {
		listen 127.0.0.1:8081;
		location = /answer { return 200 "#!ipxe\nkernel http://$S/vmlinuz posted\nboot\n"; }
	}
}
CONF
nbns_exec_server nginx -c "$d/nginx.conf" || fail "nginx"
nbns_exec_server timeout 120 dnsmasq --no-daemon --port=0 --interface=s0 \
	--bind-interfaces --dhcp-range=10.77.0.10,10.77.0.10,255.255.255.0 \
	--dhcp-leasefile="$d/leases" --dhcp-option=option:router,$S \
	>"$d/dnsmasq.log" 2>&1 &

# A machine's SMBIOS: type 1 (system) with its strings and UUID, end.
printf '\x01\x1b\x00\x01\x01\x02\x00\x03\x33\x22\x11\x00\x55\x44\x77\x66\x88\x99\xaa\xbb\xcc\xdd\xee\xff\x06\x00\x00ACME\0Box 9\0SN-42\0\0\x7f\x04\xff\xff\0\0' >"$d/smbios"
uuid=00112233-4455-6677-8899-aabbccddeeff
MAC=52:54:00:a1:b2:c3

run() { # SCRIPT-BODY [loader args...]
	printf '#!ipxe\n%s\n' "$1" >"$d/embedded.ipxe"
	shift
	local t0=$(date +%s%N)
	nbns_exec_client timeout 60 "$nbchain" --tap "$NBNS_TAP" --script "$d/embedded.ipxe" \
		--out "$d/out" --smbios "$d/smbios" --mac "$MAC" "$@" >"$d/out.log" 2>&1
	local rc=$?
	elapsed_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	cat "$d/out.log"
	return $rc
}
booted() { # FILE: the loader "booted" exactly that kernel
	grep -q "BOOT kernel .* sha256 $(sum "$1")" "$d/out.log" || fail "did not boot $1"
}

case $case in
permac)
	cat >"$d/http/by-mac/52-54-00-a1-b2-c3.ipxe" <<'S'
#!ipxe
echo per-machine script for ${net0/mac} serial ${serial} on ${platform}/${buildarch}
iseq ${buildarch} x86_64 && set kern vmlinuz || set kern rescue
kernel http://${gateway}/${kern} console=ttyS0 host=${manufacturer}-${product}
initrd http://10.77.0.1/initrd
boot
S
	mac=52-54-00-a1-b2-c3
	run "dhcp
chain http://$S/boot?mac=\${net0/mac:hexhyp}&uuid=\${uuid}&arch=\${buildarch} || echo chain failed
echo back after chain" || fail "loader failed"
	grep -q "GET /boot?mac=$mac&uuid=$uuid&arch=x86_64 " "$d/access.log" || fail "per-MAC request not as expected"
	grep -q "serial SN-42 on linux/x86_64" "$d/out.log" || fail "settings in the per-MAC script"
	grep -q "BOOT args console=ttyS0 host=ACME-Box 9" "$d/out.log" || fail "kernel args"
	booted "$d/http/vmlinuz"
	;;
retry)
	run "dhcp
set try:int32 0
:retry_boot
imgfree
inc try
iseq \${try} 6 && exit 1 || echo attempt \${try}
kernel --timeout 10000 http://$S/flaky/vmlinuz?try=\${try} quiet || goto retry_boot
initrd --timeout 10000 http://$S/initrd || goto retry_boot
boot" || fail "loader failed"
	grep -q '^404 GET /flaky/vmlinuz?try=1' "$d/access.log" || fail "no 404"
	grep -q '^503 GET /flaky/vmlinuz?try=2' "$d/access.log" || fail "no 503"
	grep -q 'attempt 3' "$d/out.log" || fail "third attempt"
	booted "$d/http/vmlinuz"
	;;
nicloop)
	run "dhcp
set idx:int32 0
:loop
isset \${net\${idx}/mac} || goto done
echo nic net\${idx} \${net\${idx}/mac:hexhyp} ip \${net\${idx}/ip}
inc idx
goto loop
:done
echo found \${idx} nics
kernel http://$S/vmlinuz
boot" || fail "loader failed"
	grep -q '^nic net0 52-54-00-a1-b2-c3 ip 10.77.0.10$' "$d/out.log" || fail "NIC 0"
	grep -q '^found 1 nics$' "$d/out.log" || fail "loop end"
	booted "$d/http/vmlinuz"
	;;
menu)
	m="dhcp
menu Boot menu for \${serial}
item --gap Installers:
item --key i install Install (default)
item --key r rescue Rescue
choose --default install --timeout 3000 target || goto cancelled
goto \${target}
:install
kernel http://$S/vmlinuz
boot
:rescue
kernel http://$S/rescue
boot
:cancelled
exit 1"
	run "$m" || fail "loader failed (timeout)"
	grep -q "\[r\] Rescue" "$d/out.log" || fail "menu not shown"
	booted "$d/http/vmlinuz"
	[ "$elapsed_ms" -ge 3000 ] || fail "the default came before the timeout ($elapsed_ms ms)"
	echo "default after $elapsed_ms ms"
	run "$m" --keys r || fail "loader failed (key)"
	grep -q -- "-> rescue" "$d/out.log" || fail "key choice"
	booted "$d/http/rescue"
	;;
params)
	run "dhcp
params
param mac \${net0/mac}
param uuid \${uuid}
param note hello world&more
chain http://$S/post##params" || fail "loader failed"
	mac=52%3A54%3A00%3Aa1%3Ab2%3Ac3
	grep -qi "POST /post body=\[mac=$mac&uuid=$uuid&note=hello%20world%26more\]" "$d/access.log" ||
		fail "POST body not as expected"
	booted "$d/http/vmlinuz"
	grep -q "BOOT args posted" "$d/out.log" || fail "posted script"
	;;
mirror)
	head -c 4099 /dev/urandom >"$d/http/initrd2"
	# Nothing listens on ports 81 and 82: refused at once.
	run "dhcp
set mirrors http://$S:81/ http://$S/
kernel http://$S:82/vmlinuz quiet
initrd http://$S:82/initrd http://$S/initrd
initrd http://$S/initrd2
boot" || fail "loader failed"
	grep -q '^20[06] GET /vmlinuz ' "$d/access.log" || fail "kernel not from the second mirror"
	grep -q '^20[06] GET /initrd ' "$d/access.log" || fail "initrd not from its mirror"
	booted "$d/http/vmlinuz"
	# 100000 bytes (a multiple of 4), then 4099 padded to 4100.
	{ cat "$d/http/initrd" "$d/http/initrd2"; head -c 1 /dev/zero; } >"$d/joined"
	grep -q "BOOT initrd .* sha256 $(sum "$d/joined")" "$d/out.log" ||
		fail "the initrds were not joined as expected"
	grep -q "BOOT args quiet" "$d/out.log" || fail "kernel args"
	;;
retryafter)
	touch "$d/busy.flag"
	# Free the server once it has said 503 (bounded: 60 s).
	( for _ in $(seq 600); do
		grep -q ' 503 ' "$d/busy.log" 2>/dev/null && break
		sleep 0.1
	done; rm -f "$d/busy.flag" ) &
	run "dhcp
kernel http://$S/busy/vmlinuz
boot" || fail "loader failed"
	booted "$d/http/vmlinuz"
	t503=$(awk '$2 == 503 {print $1; exit}' "$d/busy.log")
	t200=$(awk '$2 == 200 || $2 == 206 {print $1; exit}' "$d/busy.log")
	[ -n "$t503" ] && [ -n "$t200" ] || fail "busy log: $(cat "$d/busy.log")"
	awk -v a="$t503" -v b="$t200" 'BEGIN { exit !(b - a >= 2.0) }' ||
		fail "retried $t503 -> $t200: sooner than Retry-After: 2"
	echo "503 at $t503, 200 at $t200"
	;;
*) fail "unknown case $case" ;;
esac
echo "PASS: $case"
