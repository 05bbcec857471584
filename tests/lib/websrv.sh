# shellcheck shell=bash
# tests/lib/websrv.sh — the web server side of the netns.sh network, as
# the hosted tests (tests/http, tests/tls, tests/storm) and the benchmarks
# (bench/http, bench/https, bench/storm) set it up.
#
# Source after tests/lib/netns.sh.  All functions return non-zero on
# failure (none calls exit):
#
#   websrv_need TOOL...       each must be on PATH, in /usr/sbin or (a
#                             path) executable; sets NGINX, LIGHTTPD and
#                             DNSMASQ to the paths of those named
#   websrv_init [NAME=BYTES...]
#                             after nbns_up: sets S (the server's address),
#                             D (NBNS_DIR) and W (D/www, the document
#                             root), and fills W with random files
#   websrv_nginx_conf [-w WORKERS] [-c CONNECTIONS] [-l LOG_FORMAT] DIR BODY
#                             DIR/nginx.conf: nginx with everything of its
#                             own in DIR (pid, logs, temp files), BODY in
#                             its http block; -l logs every request to
#                             DIR/access.log in that format, else none
#   websrv_nginx_start DIR [NETNS]
#                             start it in NETNS (default the server's);
#                             returns once it listens and its pid file is
#                             written (nginx opens its sockets, then forks)
#   websrv_nginx_stop DIR     stop it and wait (5 s at most) until it ended
#   websrv_listening PORT...  wait (10 s at most) until the server listens
#                             on every PORT (the servers that do not fork
#                             away once ready)
#   websrv_down               end the processes whose pids the caller added
#                             to WEBSRV_PIDS (servers in the background),
#                             then nbns_down: the EXIT trap
#
# nginx always runs as a daemon: it cannot hold a test runner's output pipe
# open, and nbns_down ends it with everything else in the namespaces.

WEBSRV_PIDS=()

websrv_need() {
	local t p
	for t in "$@"; do
		p=$(command -v "$t") || p=/usr/sbin/$t
		[ -x "$p" ] || { echo "FAIL: missing tool: $t" >&2; return 1; }
		case $t in
		nginx) NGINX=$p ;;
		lighttpd) LIGHTTPD=$p ;;
		dnsmasq) DNSMASQ=$p ;;
		esac
	done
}

websrv_init() {
	local f
	S=$NBNS_SERVER_IP D=$NBNS_DIR W=$NBNS_DIR/www
	mkdir -p "$W" || return 1
	# nginx's workers run as root here, lighttpd's and others may not.
	chmod 755 "$D" || return 1
	for f in "$@"; do
		head -c "${f#*=}" /dev/urandom >"$W/${f%%=*}" || return 1
	done
	chmod -R a+rX "$W"
}

websrv_nginx_conf() {
	local workers=1 conns=64 fmt= log='access_log off;' OPTIND=1 o
	while getopts w:c:l: o; do
		case $o in
		w) workers=$OPTARG ;;
		c) conns=$OPTARG ;;
		l) fmt=$OPTARG ;;
		*) return 1 ;;
		esac
	done
	shift $((OPTIND - 1))
	[ -z "$fmt" ] || log="log_format t '$fmt'; access_log $1/access.log t;"
	mkdir -p "$1" || return 1
	cat >"$1/nginx.conf" <<NGX
daemon on;
user root;
worker_processes $workers;
pid $1/nginx.pid;
error_log $1/error.log;
events { worker_connections $conns; }
http {
	$log
	default_type application/octet-stream;
	client_body_temp_path $1; proxy_temp_path $1;
	fastcgi_temp_path $1; uwsgi_temp_path $1; scgi_temp_path $1;
	keepalive_requests 1000;
	sendfile on;
	$2
}
NGX
}

websrv_nginx_start() {
	local i
	rm -f "$1/nginx.pid"
	ip netns exec "${2:-$NBNS_S}" "$NGINX" -c "$1/nginx.conf" -p "$1" || return 1
	for ((i = 0; i < 100; i++)); do
		[ -s "$1/nginx.pid" ] && return 0
		sleep 0.05
	done
	return 1
}

websrv_nginx_stop() {
	local pid i
	pid=$(cat "$1/nginx.pid" 2>/dev/null) || return 0
	kill "$pid" 2>/dev/null || return 0
	# The master removes its pid file last thing before it exits.
	for ((i = 0; i < 100; i++)); do
		[ -e "$1/nginx.pid" ] || return 0
		sleep 0.05
	done
	return 1
}

websrv_listening() {
	local i l p missing
	for ((i = 0; i < 100; i++)); do
		l=$(nbns_exec_server ss -Hltn)
		missing=
		for p in "$@"; do
			grep -q ":$p " <<<"$l" || missing=$p
		done
		[ -z "$missing" ] && return 0
		sleep 0.1
	done
	echo "FAIL: nothing listens on port $missing" >&2
	return 1
}

websrv_down() {
	local p
	for p in "${WEBSRV_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	nbns_down
}
