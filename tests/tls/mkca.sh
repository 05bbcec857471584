#!/usr/bin/env bash
# Make a private CA in DIR: a root (RSA-2048), an intermediate (ECDSA
# P-256) and leaves for NAME (and IP): rsa (RSA-2048), ec (ECDSA P-256),
# expired (RSA, validity over), wrongname (for another name); a second,
# unrelated root (other-root.pem) for the wrong-CA case.  Each leaf's
# *.chain.pem holds leaf + intermediate, as servers send it.  With
# --ip-leaves also: ip-only (only an iPAddress SAN of IP) and dns-ip (only
# a DNS SAN holding IP's dotted text, which must not pass for an IP URL).
#   mkca.sh DIR NAME IP [--ip-leaves]
set -euo pipefail
d=$1 name=$2 ip=$3 ipleaves=${4:-}
cd "$d"
ossl() { openssl "$@" 2>/dev/null; }
ossl req -x509 -newkey rsa:2048 -nodes -keyout root.key -out root.pem \
	-days 30 -subj "/CN=netboot test root" \
	-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign
ossl req -x509 -newkey rsa:2048 -nodes -keyout other-root.key -out other-root.pem \
	-days 30 -subj "/CN=unrelated root" \
	-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign
ossl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout inter.key \
	-out inter.csr -subj "/CN=netboot test intermediate"
printf 'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n' >inter.ext
ossl x509 -req -in inter.csr -CA root.pem -CAkey root.key -CAcreateserial \
	-days 30 -sha256 -extfile inter.ext -out inter.pem
leaf() { # NAME-OF-FILE KEYARGS SAN DAYS
	local f=$1 k=$2 san=$3 days=$4
	# shellcheck disable=SC2086
	ossl req -newkey $k -nodes -keyout "$f.key" -out "$f.csr" -subj "/CN=$f"
	printf 'subjectAltName=%s\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' "$san" >"$f.ext"
	ossl x509 -req -in "$f.csr" -CA inter.pem -CAkey inter.key -CAcreateserial \
		-days "$days" -sha256 -extfile "$f.ext" -out "$f.pem"
	cat "$f.pem" inter.pem >"$f.chain.pem"
}
leaf rsa "rsa:2048" "DNS:$name,DNS:$ip,IP:$ip" 30
leaf ec "ec -pkeyopt ec_paramgen_curve:P-256" "DNS:$name,DNS:$ip,IP:$ip" 30
leaf wrongname "rsa:2048" "DNS:other.example" 30
# Not valid any more: notAfter one day before notBefore's today.
leaf expired "rsa:2048" "DNS:$name,DNS:$ip,IP:$ip" -1
if [ "$ipleaves" = --ip-leaves ]; then
	leaf ip-only "ec -pkeyopt ec_paramgen_curve:P-256" "IP:$ip" 30
	leaf dns-ip "ec -pkeyopt ec_paramgen_curve:P-256" "DNS:$ip" 30
fi
openssl x509 -in root.pem -outform der -out root.der
