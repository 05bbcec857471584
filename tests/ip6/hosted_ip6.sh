#!/usr/bin/env bash
# IPv6 end to end with our stack (nbget on tap0) inside the namespaces
# tests/lib/netns.sh creates (removed on exit): SLAAC from radvd (prefix,
# router, RDNSS), ping6 both ways, a static address, and nginx listening
# on v6 serving 64 MiB byte-exact, also with loss and reordering through
# the link emulator, and dnsmasq's TFTP on v6 (4 MiB byte-exact with the
# blksize and windowsize nbget offers, and with others given).
#
# usage: hosted_ip6.sh NBGET NBEMU   (needs root)
set -euo pipefail
NBGET=${1:?usage: $0 NBGET NBEMU}
export NBEMU=${2:?}
here=$(cd "$(dirname "$0")" && pwd)
. "${NBNS_LIB:-$here/../lib/netns.sh}"
. "$here/../lib/websrv.sh"

fail() { echo "FAIL: $*" >&2; exit 1; }
for t in nginx radvd ping sha256sum dnsmasq; do
	command -v "$t" >/dev/null || [ -x "/usr/sbin/$t" ] || fail "missing tool: $t"
done
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
RADVD=$(command -v radvd || echo /usr/sbin/radvd)

trap nbns_down EXIT
nbns_up
D=$NBNS_DIR
W=$D/www
S6=fd90::1
mkdir -p "$W" "$D/ngx"
chmod 755 "$D"
head -c $((64 << 20)) /dev/urandom >"$W/64m"
head -c $((1 << 20)) /dev/urandom >"$W/1m"
head -c $((4 << 20)) /dev/urandom >"$W/4m"
chmod -R a+rX "$W"
sha() { sha256sum "$1" | cut -d' ' -f1; }

# netns.sh keeps IPv6 off; the server side gets it back, with a ULA and
# forwarding on (radvd only advertises as a router).
nbns_exec_server sysctl -qw net.ipv6.conf.all.disable_ipv6=0 \
	net.ipv6.conf.default.disable_ipv6=0 net.ipv6.conf.s0.disable_ipv6=0 \
	net.ipv6.conf.all.forwarding=1
nbns_exec_server ip addr add "$S6/64" dev s0 nodad

cat >"$D/radvd.conf" <<RA
interface s0 {
	AdvSendAdvert on;
	MinRtrAdvInterval 3;
	MaxRtrAdvInterval 10;
	prefix fd90::/64 { AdvOnLink on; AdvAutonomous on; };
	RDNSS $S6 { };
};
RA
websrv_nginx_conf "$D/ngx" "server { listen [$S6]:8080; root $W; }" || fail "nginx.conf"
nbns_exec_server timeout 900 "$RADVD" -n -C "$D/radvd.conf" -p "$D/radvd.pid" -m stderr \
	2>"$D/radvd.log" &
websrv_nginx_start "$D/ngx" || fail "nginx did not start"
nbns_exec_server timeout 900 dnsmasq --no-daemon --port=0 --enable-tftp \
	--tftp-root="$W" --listen-address="$S6" --bind-interfaces --no-resolv \
	--no-hosts --user=nobody --pid-file="$D/dnsmasq.pid" \
	--log-facility="$D/dnsmasq.log" >"$D/dnsmasq.out" 2>&1 &
for _ in $(seq 50); do
	nbns_exec_server ss -ltn | grep -q ":8080" &&
		nbns_exec_server ss -lun | grep -q "\[$S6\]:69 " && break
	sleep 0.1
done

nb() { nbns_exec_client timeout 300 "$NBGET" --tap "$NBNS_TAP" --timeout 240 "$@"; }

echo "--- SLAAC from radvd, ping6 to the server"
nb --slaac ping "$S6" -c 3 -i 200 >"$D/p.out" 2>"$D/p.err" ||
	fail "slaac ping: $(cat "$D/p.out" "$D/p.err")"
grep -q "3 sent, [1-3] received" "$D/p.out" || fail "slaac ping: $(cat "$D/p.out")"
mine=$(sed -n 's|^nbget: ip6 \(fd90:[^/]*\)/64$|\1|p' "$D/p.err")
[ -n "$mine" ] || fail "no SLAAC address: $(cat "$D/p.err")"
grep -q "^nbget: gw6 fe80::" "$D/p.err" || fail "no router: $(cat "$D/p.err")"
echo "ok   slaac $mine, ping6 $(grep received "$D/p.out")"

echo "--- ping6 from the server to our SLAAC address"
nb --slaac serve --seconds 6 >"$D/s.out" 2>"$D/s.err" &
srv=$!
for _ in $(seq 100); do grep -q "ip6 fd90" "$D/s.err" 2>/dev/null && break; sleep 0.1; done
mine=$(sed -n 's|^nbget: ip6 \(fd90:[^/]*\)/64$|\1|p' "$D/s.err")
[ -n "$mine" ] || fail "serve: no SLAAC address: $(cat "$D/s.err")"
nbns_exec_server ping -6 -c 3 -i 0.2 -W 2 "$mine" >"$D/k.out" ||
	fail "ping6 from the server: $(cat "$D/k.out")"
echo "ok   ping6 to us: $(grep 'packets transmitted' "$D/k.out")"
wait "$srv" || fail "serve: $(cat "$D/s.err")"

get() { # NAME URL FILE [nbget args]
	local name=$1 url=$2 file=$3 out=$D/$1.bin
	shift 3
	rm -f "$out"
	nb "$@" get "$url" -o "$out" >"$D/$name.log" 2>&1 ||
		fail "$name: $(cat "$D/$name.log")"
	[ "$(sha "$out")" = "$(sha "$file")" ] || fail "$name: content differs"
	echo "ok   $name $(grep -o '[0-9.]* MB/s' "$D/$name.log" | head -1)"
}

echo "--- nginx over v6"
get slaac-1m "http://[$S6]:8080/1m" "$W/1m" --slaac
get static-64m "http://[$S6]:8080/64m" "$W/64m" --ip6 fd90::a/64
get static-p4-64m "http://[$S6]:8080/64m" "$W/64m" --ip6 fd90::a/64 --parallel 4
echo "--- TFTP from dnsmasq over v6"
get tftp-4m "tftp://[$S6]/4m" "$W/4m" --ip6 fd90::a/64
# nbget offers the largest block an Ethernet MTU carries over v6
# unfragmented (and NB_TFTP_WINDOW_DEFAULT, which dnsmasq's OACK leaves
# out: it runs lock-step).
grep -q "blksize 1448 windowsize" "$D/tftp-4m.log" || fail "tftp-4m: $(cat "$D/tftp-4m.log")"
get tftp-w8-4m "tftp://[$S6]/4m" "$W/4m" --ip6 fd90::a/64 --blksize 1024 --windowsize 8
grep -q "blksize 1024 windowsize" "$D/tftp-w8-4m.log" || fail "tftp-w8-4m: $(cat "$D/tftp-w8-4m.log")"
get tftp-slaac-1m "tftp://[$S6]/1m" "$W/1m" --slaac
for loss in 1 3; do
	echo "--- ${loss}% loss with 1% reordering, 2 ms delay"
	nbns_emu_restart --delay 2 --loss "$loss" --reorder 1
	get "loss$loss-64m" "http://[$S6]:8080/64m" "$W/64m" --ip6 fd90::a/64
done
echo "PASS"
