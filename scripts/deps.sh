#!/usr/bin/env bash
# Install the Debian packages listed in scripts/deps.d/*.txt that are
# missing, then unpack those of scripts/deps.d/unpack.list
# (scripts/deps-unpack.sh).  Safe to run repeatedly; needs root (CI and
# the README run it).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
mapfile -t want < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$here"/deps.d/*.txt | sort -u)
missing=()
for p in "${want[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	echo "deps: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	# tshark asks whether non-root users may capture; answer once, unattended.
	echo 'wireshark-common wireshark-common/install-setuid boolean false' | debconf-set-selections
	apt-get update -q
	apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
# BearSSL's source for the firmware images (Debian's source package,
# unpacked once into third_party/bearssl/debian-src).
"$here/bearssl-src.sh"
# Foreign-architecture packages that are unpacked, not installed.
"$here/deps-unpack.sh"
