#!/usr/bin/env bash
# Debian packages of another architecture that cannot be installed beside
# the host's own (gnu-efi:arm64 holds the same /usr/lib paths as
# gnu-efi:amd64): unpacked with dpkg -x under NB_UNPACK_ROOT instead.
# scripts/deps.d/unpack.list names them, "PKG:ARCH DIR" a line (DIR under
# NB_UNPACK_ROOT).  A stamp with the version keeps reruns free; a new
# version is unpacked afresh.  Adds the foreign architectures it needs
# (the arm64 boot fixtures are downloaded the same way).  Needs root.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=${NB_UNPACK_ROOT:-/opt/libnetboot-deps}
list=$here/deps.d/unpack.list
mapfile -t lines < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$list")
updated=0
for l in "${lines[@]}"; do
	read -r pkg dir <<<"$l"
	arch=${pkg#*:}
	if ! dpkg --print-foreign-architectures | grep -qx "$arch" &&
		[ "$(dpkg --print-architecture)" != "$arch" ]; then
		dpkg --add-architecture "$arch"
		apt-get update -q >/dev/null
		updated=1
	fi
	if [ $updated = 0 ] && ! apt-cache show "$pkg" >/dev/null 2>&1; then
		apt-get update -q >/dev/null
		updated=1
	fi
	ver=$(apt-cache policy "$pkg" | awk '/Candidate:/{print $2}')
	if [ -z "$ver" ] || [ "$ver" = "(none)" ]; then
		echo "deps-unpack: no $pkg in apt" >&2; exit 1
	fi
	dest=$root/$dir
	[ "$(cat "$dest/.version" 2>/dev/null)" = "$pkg=$ver" ] && continue
	echo "deps-unpack: $pkg=$ver into $dest"
	tmp=$(mktemp -d)
	(cd "$tmp" && apt-get download "$pkg=$ver" >/dev/null 2>&1) ||
		{ rm -rf "$tmp"; echo "deps-unpack: cannot download $pkg" >&2; exit 1; }
	rm -rf "$dest" && mkdir -p "$dest"
	dpkg -x "$tmp"/*.deb "$dest"
	rm -rf "$tmp"
	echo "$pkg=$ver" >"$dest/.version"
done
