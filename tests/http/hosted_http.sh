#!/usr/bin/env bash
# HTTP downloads by our stack (nbget on tap0) from real nginx and lighttpd,
# a DNS name served by dnsmasq, and a hostile test server, all inside the
# namespaces tests/lib/netns.sh creates (removed on exit).  Every download
# is checked byte-exact with SHA-256; every hostile case must end with its
# specific error, quickly, without a crash.
#
# usage: hosted_http.sh NBGET NBEMU HOSTILE_SERVER_PY   (needs root)
set -euo pipefail
NBGET=${1:?usage: $0 NBGET NBEMU HOSTILE_PY}
export NBEMU=${2:?}
HOSTILE=${3:?}
here=$(cd "$(dirname "$0")" && pwd)
. "${NBNS_LIB:-$here/../lib/netns.sh}"
lib=$(dirname "${NBNS_LIB:-$here/../lib/netns.sh}")
. "$lib/websrv.sh"
. "$lib/getcheck.sh"

fail() { echo "FAIL: $*" >&2; exit 1; }
websrv_need nginx lighttpd dnsmasq python3 ss sha256sum bc || exit 1

trap websrv_down EXIT
nbns_up
websrv_init zero=0 one=1 1m=$((1 << 20)) 10m=$((10 << 20)) 100m=$((100 << 20)) ||
	fail "document root"
mkdir -p "$D/out"

websrv_nginx_conf "$D/ngx" "server {
		listen $S:8080;
		root $W;
		location = /r1 { return 302 /r2; }
		location = /r2 { return 307 http://www.boot.test:8080/r3; }
		location = /r3 { return 301 /1m; }
	}"
cat >"$D/lighttpd.conf" <<LTD
server.document-root = "$W"
server.bind = "$S"
server.port = 8081
server.pid-file = "$D/lighttpd.pid"
server.errorlog = "$D/lighttpd.log"
server.max-keep-alive-requests = 1000
mimetype.assign = ( "" => "application/octet-stream" )
LTD

websrv_nginx_start "$D/ngx" || fail "nginx did not start: $(cat "$D/ngx/error.log")"
nbns_exec_server timeout 900 "$LIGHTTPD" -D -f "$D/lighttpd.conf" &
WEBSRV_PIDS+=($!)
nbns_exec_server timeout 900 "$DNSMASQ" -k --conf-file=/dev/null --no-resolv \
	--no-hosts --bind-interfaces --listen-address="$S" --port=53 \
	--local=/boot.test/ --address=/www.boot.test/"$S" \
	--cname=alias.boot.test,www.boot.test \
	--pid-file="$D/dnsmasq.pid" --log-facility="$D/dnsmasq.log" &
WEBSRV_PIDS+=($!)
HOSTILE_LIFETIME=900 nbns_exec_server timeout 900 python3 "$HOSTILE" "$S" 8082 "$D" &
WEBSRV_PIDS+=($!)
websrv_listening 8081 8082 || fail "servers did not start"

GET_ARGS=(--tap "$NBNS_TAP" --ip "$NBNS_STACK_IP/$NBNS_PREFIX_LEN" --dns "$S" --timeout 240)
GET_OUT=$D/out
GET_SUMMARY='requests=.*'

for srv in nginx:8080 lighttpd:8081; do
	n=${srv%%:*} p=${srv##*:}
	echo "--- $n: sizes"
	for f in zero one 1m 100m; do ok "$n-$f" "http://$S:$p/$f" "$W/$f"; done
	echo "--- $n: range, parallel, keep-alive, 404"
	head -c 99000 "$W/1m" | tail -c 98000 >"$D/slice"
	ok "$n-range" "http://$S:$p/1m" "$D/slice" --range 1000-98999
	ok "$n-parallel4" "http://$S:$p/100m" "$W/100m" --parallel 4
	grep -q "parts=4" <<<"$LAST_ERR" || fail "$n: expected 4 parts: $LAST_ERR"
	grep -q "reused=1" <<<"$LAST_ERR" || fail "$n: HEAD connection not reused: $LAST_ERR"
	ok "$n-parallel3-range" "http://$S:$p/1m" "$D/slice" --range 1000-98999 --parallel 3
	bad "$n-404" "http://$S:$p/missing" "not found"
done

echo "--- redirects and DNS (dnsmasq)"
ok redirect-chain "http://$S:8080/r1" "$W/1m"
grep -q "redirects=3" <<<"$LAST_ERR" || fail "expected 3 redirects: $LAST_ERR"
ok dns-name "http://www.boot.test:8080/10m" "$W/10m"
ok dns-cname "http://alias.boot.test:8081/1m" "$W/1m"
bad dns-nxdomain "http://nosuch.boot.test:8080/1m" "not found"

echo "--- resume after the connection is killed (ss -K)"
# A rate limit keeps the transfer running long enough to be killed: at
# full speed 100 MiB can be done (0.5 s) before the kill lands.
nbns_emu_restart --delay 2 --rate 200mbit
out=$D/out/resume-ssk
( get "http://$S:8080/100m" "$out" --sha256 "$(sha "$W/100m")" >"$D/ssk.log" 2>&1; echo $? >"$D/ssk.rc" ) &
dl=$!
killed=0
for i in $(seq 100); do
	sleep 0.05
	if nbns_exec_server ss -tn state established "( sport = :8080 )" | grep -q "$NBNS_STACK_IP"; then
		sleep 0.3
		nbns_exec_server ss -K -tn "( sport = :8080 )" dst "$NBNS_STACK_IP" >/dev/null 2>&1 && killed=1
		break
	fi
done
wait $dl || true
[ "$(cat "$D/ssk.rc")" = 0 ] || fail "resume-ssk: $(cat "$D/ssk.log")"
[ "$(sha "$out")" = "$(sha "$W/100m")" ] || fail "resume-ssk: content differs"
grep -q "resumes=[1-9]" "$D/ssk.log" || [ $killed = 0 ] || fail "resume-ssk: no resume: $(cat "$D/ssk.log")"
echo "ok   resume-ssk (killed=$killed) $(grep -o 'requests=.*' "$D/ssk.log")"
[ $killed = 1 ] || fail "ss -K could not kill the connection (kernel without INET_DIAG_DESTROY?)"

echo "--- resume across a server restart"
out=$D/out/resume-restart
( get "http://$S:8080/100m" "$out" --sha256 "$(sha "$W/100m")" >"$D/rs.log" 2>&1; echo $? >"$D/rs.rc" ) &
dl=$!
# Stopped once 8 MiB arrived (bounded wait): after a fixed 1 s a loaded
# machine had not always started the transfer.
wait_bytes "$out" $((8 << 20)) 60 || fail "resume-restart: 8 MiB did not arrive in 60 s: $(cat "$D/rs.log")"
websrv_nginx_stop "$D/ngx" || fail "resume-restart: nginx did not stop"
websrv_nginx_start "$D/ngx" || fail "resume-restart: nginx did not start again"
wait $dl || true
[ "$(cat "$D/rs.rc")" = 0 ] || fail "resume-restart: $(cat "$D/rs.log")"
[ "$(sha "$out")" = "$(sha "$W/100m")" ] || fail "resume-restart: content differs"
grep -q "resumes=[1-9]\|restarts=[1-9]" "$D/rs.log" ||
	fail "resume-restart: the download did not resume: $(cat "$D/rs.log")"
echo "ok   resume-restart $(grep -o 'requests=.*' "$D/rs.log")"

for loss in 1 5; do
	echo "--- ${loss}% loss with 1% reordering, 2 ms delay"
	nbns_emu_restart --delay 2 --loss "$loss" --reorder 1
	ok "loss$loss-nginx-1m" "http://$S:8080/1m" "$W/1m"
	ok "loss$loss-lighttpd-10m" "http://$S:8081/10m" "$W/10m"
	ok "loss$loss-parallel" "http://$S:8080/10m" "$W/10m" --parallel 4
done

# Each nbget is a new stack: its first SYN waits a round trip for ARP,
# which the timing must leave out (20 ms would count as 40, far).  20,
# not 30: a loaded host's polls must not carry a near server past 40.
echo "--- --parallel auto: ranged parts only from a 40 ms round trip"
nbns_emu_restart --delay 10
ok auto-20ms "http://$S:8080/10m" "$W/10m" --parallel auto
grep -q "parts=1 " <<<"$LAST_ERR" || fail "auto-20ms: expected one connection: $LAST_ERR"
nbns_emu_restart --delay 40
ok auto-80ms "http://$S:8080/10m" "$W/10m" --parallel auto
grep -q "parts=4 " <<<"$LAST_ERR" || fail "auto-80ms: expected 4 parts: $LAST_ERR"
nbns_emu_restart

echo "--- hostile server"
H=http://$S:8082
ok chunked "$H/chunked" "$D/chunked.expect"
ok http10-until-close "$H/http10" "$D/http10.expect"
bad chunked-bad "$H/chunked-bad" "protocol error"
bad chunked-huge "$H/chunked-huge" "protocol error"
bad chunked-tiny "$H/chunked-tiny" "protocol error"
bad endless-headers "$H/endless-headers" "message too long"
bad garbage "$H/garbage" "protocol error"
bad cl-conflict "$H/cl-conflict" "protocol error"
bad badrange "$H/badrange" "protocol error" --range 0-4
bad redirect-loop "$H/loop" "too many redirects"
bad redirect-noloc "$H/noloc" "protocol error"
bad auth "$H/auth" "authentication required"
bad forbidden "$H/forbidden" "access denied"
bad server-error "$H/error" "server error"
bad teapot "$H/teapot" "unexpected HTTP status"
bad short-body "$H/short" "connection closed" --retries 2
bad stall "$H/stall" "timed out" --timeout 6
bad stall-body "$H/stall-body" "timed out" --timeout 6
# https without trust anchors: nbget refuses before any connection and
# says what it needs (tests/tls covers https itself).
bad https "https://$S/" "https:// needs --ca FILE"
echo "PASS"
