#!/usr/bin/env bash
# Hosted: tshark must read, without complaint, a capture our pcap writer
# made of two stacks pinging and exchanging UDP over an impaired memlink.
set -euo pipefail
gen=$1
command -v tshark >/dev/null || { echo "FAIL: tshark not installed (scripts/deps.d/link.txt)"; exit 1; }
tmp=$(mktemp -d /tmp/nb-pcap.$$.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
out=$(timeout 60 "$gen" "$tmp/cap.pcap")
echo "$out"
records=$(echo "$out" | awk '{print $2}')
# tshark writes its own config under $HOME; keep that out of the user's.
export HOME=$tmp
count() { timeout 60 tshark -r "$tmp/cap.pcap" -Y "$1" 2>"$tmp/err" | wc -l; }
all=$(count 'frame')
# Anything on stderr but tshark's root warning means it disliked the file.
if grep -v 'Running as user' "$tmp/err" | grep -q .; then
	cat "$tmp/err"; echo "FAIL: tshark complained"; exit 1
fi
replies=$(count 'icmp.type == 0')
requests=$(count 'icmp.type == 8')
udp=$(count 'udp.port == 7')
arp=$(count 'arp')
bad=$(count '_ws.malformed || _ws.expert.severity >= error')
echo "tshark: frames $all (writer: $records), echo requests $requests, replies $replies, udp $udp, arp $arp, malformed $bad"
[ "$all" -eq "$records" ] || { echo "FAIL: frame count differs"; exit 1; }
[ "$replies" -ge 20 ] || { echo "FAIL: too few echo replies"; exit 1; }
[ "$udp" -ge 100 ] || { echo "FAIL: too few UDP datagrams"; exit 1; }
[ "$arp" -ge 2 ] || { echo "FAIL: no ARP exchange"; exit 1; }
[ "$bad" -eq 0 ] || { echo "FAIL: malformed frames"; exit 1; }
echo PASS
