#!/usr/bin/env bash
# HTTPS downloads by our stack (nbget on tap0) inside the namespaces
# tests/lib/netns.sh creates (removed on exit): a private CA made here
# (tests/tls/mkca.sh), nginx with TLS 1.2 and one port per cipher suite,
# curl with the same CA as a cross-check, openssl s_server -WWW and
# lighttpd (mod_openssl) as other implementations, IP URLs matched against
# iPAddress names only, session resumption counted, and hostile servers
# (hostile_tls.py) that must each end with a clear error, quickly.
#
# usage: hosted_tls.sh NBGET NBEMU   (needs root)
set -euo pipefail
NBGET=${1:?usage: $0 NBGET NBEMU}
export NBEMU=${2:?}
here=$(cd "$(dirname "$0")" && pwd)
. "${NBNS_LIB:-$here/../lib/netns.sh}"
lib=$(dirname "${NBNS_LIB:-$here/../lib/netns.sh}")
. "$lib/websrv.sh"
. "$lib/getcheck.sh"

fail() { echo "FAIL: $*" >&2; exit 1; }
websrv_need nginx dnsmasq lighttpd openssl curl python3 ss sha256sum bc || exit 1
[ -f /usr/lib/lighttpd/mod_openssl.so ] || fail "missing: lighttpd-mod-openssl"

trap websrv_down EXIT
nbns_up
websrv_init 64m=$((64 << 20)) 1m=$((1 << 20)) || fail "document root"
C=$D/ca
N=www.boot.test
mkdir -p "$D/out" "$C"
"$here/mkca.sh" "$C" "$N" "$S" --ip-leaves

# One server block per (certificate, suite): 84xy, x = key, y = suite.
suites=(ECDHE-RSA-AES128-GCM-SHA256 ECDHE-RSA-AES256-GCM-SHA384
	ECDHE-RSA-CHACHA20-POLY1305 ECDHE-ECDSA-AES128-GCM-SHA256
	ECDHE-ECDSA-AES256-GCM-SHA384 ECDHE-ECDSA-CHACHA20-POLY1305)
blocks=
srv() { # PORT CERT CIPHERS
	blocks+="server { listen $S:$1 ssl; root $W;
		ssl_certificate $C/$2.chain.pem; ssl_certificate_key $C/$2.key;
		ssl_protocols TLSv1.2; ssl_ciphers $3; ssl_prefer_server_ciphers on;
		ssl_session_cache shared:nb:1m; ssl_session_tickets off;
		location = /redir { return 302 http://$N:8080/1m; } }
"
}
for i in "${!suites[@]}"; do
	k=rsa; case ${suites[$i]} in *ECDSA*) k=ec ;; esac
	srv $((8440 + i)) $k "${suites[$i]}"
done
srv 8450 wrongname ECDHE-RSA-AES128-GCM-SHA256
srv 8451 expired ECDHE-RSA-AES128-GCM-SHA256
srv 8452 rsa AES128-SHA    # RSA key exchange only: we offer none of it
srv 8453 ip-only ECDHE-ECDSA-AES128-GCM-SHA256
srv 8454 dns-ip ECDHE-ECDSA-AES128-GCM-SHA256
websrv_nginx_conf "$D/ngx" "server { listen $S:8080; root $W;
		location = /tohttps { return 302 https://$N:8440/1m; } }
	$blocks"
websrv_nginx_start "$D/ngx" || fail "nginx did not start: $(cat "$D/ngx/error.log")"
nbns_exec_server timeout 900 "$DNSMASQ" -k --conf-file=/dev/null --no-resolv \
	--no-hosts --bind-interfaces --listen-address="$S" --port=53 \
	--local=/boot.test/ --address=/$N/"$S" --address=/wrong.boot.test/"$S" \
	--pid-file="$D/dnsmasq.pid" --log-facility="$D/dnsmasq.log" &
WEBSRV_PIDS+=($!)
(cd "$W" && exec ip netns exec "$NBNS_S" timeout 900 openssl s_server \
	-quiet -accept "$S:8460" -cert "$C/ec.pem" -key "$C/ec.key" \
	-cert_chain "$C/inter.pem" -tls1_2 -WWW) >/dev/null 2>&1 &
WEBSRV_PIDS+=($!)
cat >"$D/lighttpd.conf" <<LTD
server.modules = ("mod_openssl")
server.document-root = "$W"
server.bind = "$S"
server.port = 8480
server.pid-file = "$D/lighttpd.pid"
server.errorlog = "$D/lighttpd.log"
mimetype.assign = ("" => "application/octet-stream")
ssl.engine = "enable"
ssl.pemfile = "$C/rsa.chain.pem"
ssl.privkey = "$C/rsa.key"
ssl.openssl.ssl-conf-cmd = ("MinProtocol" => "TLSv1.2", "MaxProtocol" => "TLSv1.2")
LTD
nbns_exec_server timeout 900 "$LIGHTTPD" -D -f "$D/lighttpd.conf" &
WEBSRV_PIDS+=($!)
HOSTILE_LIFETIME=900 nbns_exec_server timeout 900 python3 "$here/hostile_tls.py" \
	"$S" 8470 "$C/rsa.chain.pem" "$C/rsa.key" &
WEBSRV_PIDS+=($!)
websrv_listening 8460 8474 8480 || fail "servers did not start"

GET_ARGS=(--tap "$NBNS_TAP" --ip "$NBNS_STACK_IP/$NBNS_PREFIX_LEN" --dns "$S" --timeout 120)
GET_OUT=$D/out
GET_SUMMARY='full_handshakes=.*'
CA=(--ca "$C/root.pem")

echo "--- every suite, 64 MiB byte-exact (nbget, then curl with the same CA)"
for i in "${!suites[@]}"; do
	p=$((8440 + i))
	ok "${suites[$i]}" "https://$N:$p/64m" "$W/64m" "${CA[@]}"
	nbns_exec_kernel timeout 120 curl -sS --cacert "$C/root.pem" --tlsv1.2 \
		--tls-max 1.2 --resolve "$N:$p:$S" -o "$D/out/curl-$p" "https://$N:$p/64m" ||
		fail "curl ${suites[$i]}"
	[ "$(sha "$D/out/curl-$p")" = "$(sha "$W/64m")" ] || fail "curl ${suites[$i]}: differs"
done
echo "--- trust anchors: DER root"
ok der-anchor "https://$N:8440/1m" "$W/1m" --ca "$C/root.der"
echo "--- IP URLs: the address as an iPAddress name, never as a DNS name"
ok ip-url "https://$S:8443/1m" "$W/1m" "${CA[@]}"
ok ip-san-only "https://$S:8453/1m" "$W/1m" "${CA[@]}"
bad ip-as-dns-name "https://$S:8454/1m" "wrong certificate name" "${CA[@]}"
bad name-vs-ip-san "https://$N:8453/1m" "wrong certificate name" "${CA[@]}"
echo "--- other implementations: openssl s_server -WWW, lighttpd (mod_openssl)"
ok s_server "https://$N:8460/1m" "$W/1m" "${CA[@]}"
ok lighttpd "https://$N:8480/64m" "$W/64m" "${CA[@]}"
echo "--- session resumption: --parallel 4 does one full handshake"
ok parallel4 "https://$N:8440/64m" "$W/64m" "${CA[@]}" --parallel 4
grep -q "full_handshakes=1 resumed=[1-9]" <<<"$LAST_ERR" ||
	fail "parallel4: expected one full handshake: $LAST_ERR"
echo "--- redirects between http and https"
ok https-to-http "https://$N:8440/redir" "$W/1m" "${CA[@]}"
ok http-to-https "http://$N:8080/tohttps" "$W/1m" "${CA[@]}"
echo "--- certificate failures name their cause"
bad wrong-ca "https://$N:8440/1m" "certificate not trusted\|untrusted certificate" --ca "$C/other-root.pem"
bad wrong-name "https://$N:8450/1m" "wrong certificate name" "${CA[@]}"
bad wrong-name-dns "https://wrong.boot.test:8440/1m" "wrong certificate name" "${CA[@]}"
bad expired "https://$N:8451/1m" "certificate date invalid" "${CA[@]}"
bad no-ca "https://$N:8440/1m" "needs --ca"
bad alert "https://$N:8452/1m" "alert 40 (handshake failure)" "${CA[@]}"
echo "--- --insecure connects anyway, and says so"
ok insecure "https://$N:8450/1m" "$W/1m" --insecure
grep -q "WARNING: --insecure" <<<"$LAST_ERR" || fail "insecure: no warning"
echo "--- hostile servers"
bad garbage "https://$N:8470/1m" "TLS error" "${CA[@]}"
bad stall "https://$N:8471/1m" "TLS handshake timed out" "${CA[@]}" --timeout 15
# Retried like a dropped connection; two tries keep the backoff (full
# jitter, up to ~40 s for all eight) inside the timeout.
bad truncated "https://$N:8472/1m" "middle of a TLS record" "${CA[@]}" --timeout 30 --retries 2
bad oversized "https://$N:8473/1m" "TLS error" "${CA[@]}"
bad close-notify "https://$N:8474/1m" "closed early\\|connection reset" "${CA[@]}" --timeout 30 --retries 2
echo "--- kill mid-transfer: resumed by Range over a resumed session"
# 200 Mbit/s from the server (64 MiB in ~2.7 s): unthrottled, an idle
# machine finished the file in 0.25 s, before the kill could land.
nbns_server_rate 200mbit || fail "server rate"
get "https://$N:8440/64m" "$D/out/kill" "${CA[@]}" >"$D/kill.log" 2>&1 &
getpid=$!
wait_bytes "$D/out/kill" $((8 << 20)) 60 || fail "kill: 8 MiB did not arrive in 60 s: $(cat "$D/kill.log")"
# The worker only: the master starts a new one, and the shared session
# cache (in the master's shared memory) survives, so the resume can
# resume the TLS session too.
for w in $(pgrep -P "$(cat "$D/ngx/nginx.pid")"); do kill -9 "$w"; done
wait "$getpid" || fail "kill: nbget failed: $(cat "$D/kill.log")"
[ "$(sha "$D/out/kill")" = "$(sha "$W/64m")" ] || fail "kill: content differs"
grep -q "resumes=[1-9]" "$D/kill.log" || fail "kill: no resume: $(cat "$D/kill.log")"
grep -q "resumed=[1-9]" "$D/kill.log" || fail "kill: session not resumed: $(cat "$D/kill.log")"
echo "ok   kill-resume $(grep -o 'resumes=[0-9]*' "$D/kill.log") $(grep -o 'full_handshakes=.*' "$D/kill.log")"
echo "PASS"
