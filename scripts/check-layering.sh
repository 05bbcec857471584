#!/bin/sh
# The layering contract, checked on the #include lines of the tree:
#   1. no folder includes another folder's *_int.h (lib/, tools/, examples/,
#      bench/; tests may reach into internals on purpose);
#   2. public headers (include/netboot) include only other public headers
#      and angle-bracket system headers, never an internal one;
#   3. lib/ never includes examples/ or tools/: every quoted include of
#      lib/ resolves inside lib/ or include/;
#   4. lib/ except lib/tap includes no hosted header: only the C11
#      freestanding ones (<stdint.h> <stddef.h> <stdbool.h> <stdarg.h>
#      <limits.h> <stdalign.h> <stdnoreturn.h> <float.h> <iso646.h>);
#   5. tunables (#ifndef NB_X / #define NB_X) live only in
#      include/netboot/config.h.in, where the build's overrides reach them.
# (A header meson generates from include/<name>.in counts as in include/.)
# Prints what it checked and every offending line; exits 1 on any.
#   scripts/check-layering.sh [TOP]
set -u
top=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$top" || exit 1
bad=$(mktemp)
trap 'rm -f "$bad"' EXIT

# file:line:#include ... for every C source and header under the given dirs.
includes() {
	find "$@" -type f \( -name '*.c' -o -name '*.h' \) 2>/dev/null | sort |
		xargs grep -Hn '^[[:space:]]*#[[:space:]]*include' 2>/dev/null
}
# The file or header named by an include line ("x/y.h" or <x/y.h>).
target() { sed -E 's/.*include[[:space:]]*["<]([^">]*)[">].*/\1/'; }

n1=0
for d in lib tools examples bench; do
	[ -d "$d" ] || continue
	includes "$d" | while IFS= read -r l; do
		f=${l%%:*}
		t=$(printf '%s\n' "$l" | target)
		case $t in *_int.h) ;; *) continue ;; esac
		dir=$(dirname "$f")
		case $t in
		*/*)	# "mod/x_int.h": must be this file's own folder.
			[ "$(basename "$dir")/$(basename "$t")" = "$t" ] && continue ;;
		*)	[ -f "$dir/$t" ] && continue ;;
		esac
		echo "another folder's internal header: $l" >>"$bad"
	done
	n1=$((n1 + $(includes "$d" | wc -l)))
done
echo "check-layering: $n1 include lines of lib/ tools/ examples/ bench/: no other folder's *_int.h"

n2=$(includes include/netboot | wc -l)
includes include/netboot | while IFS= read -r l; do
	case $(printf '%s\n' "$l" | sed -E 's/^[^:]*:[0-9]+://') in
	*'"netboot/'*'"'*|*'<'*'>'*) ;;
	*) echo "public header includes an internal one: $l" >>"$bad" ;;
	esac
done
echo "check-layering: $n2 include lines of include/netboot: public headers only"

n3=$(includes lib | wc -l)
includes lib | grep '"' | while IFS= read -r l; do
	f=${l%%:*}
	t=$(printf '%s\n' "$l" | target)
	case $t in *examples/*|*tools/*)
		echo "lib/ includes examples/ or tools/: $l" >>"$bad"; continue ;;
	esac
	[ -f "$(dirname "$f")/$t" ] || [ -f "lib/$t" ] || [ -f "include/$t" ] ||
		[ -f "include/$t.in" ] ||
		echo "lib/ include resolves outside lib/ and include/: $l" >>"$bad"
done
echo "check-layering: $n3 include lines of lib/: all resolve inside lib/ or include/"

free='stdint.h stddef.h stdbool.h stdarg.h limits.h stdalign.h stdnoreturn.h float.h iso646.h'
n4=0
for d in lib/*/; do
	[ "$d" = lib/tap/ ] && continue
	n4=$((n4 + $(includes "$d" | wc -l)))
	includes "$d" | grep '<' | while IFS= read -r l; do
		t=$(printf '%s\n' "$l" | target)
		case " $free " in *" $t "*) continue ;; esac
		echo "hosted header in freestanding lib/: $l" >>"$bad"
	done
done
echo "check-layering: $n4 include lines of lib/ (lib/tap excepted): freestanding headers only"

n5=$(find include/netboot -name '*.h' | wc -l)
# A tunable is "#ifndef NB_X" directly followed by "#define NB_X value".
awk '/^[ \t]*#[ \t]*ifndef[ \t]+NB_/ { name = $2; line = $0; n = FNR; next }
	name != "" && $1 == "#define" && $2 == name && NF > 2 {
		printf "tunable outside include/netboot/config.h.in: %s:%d:%s\n", FILENAME, n, line }
	{ name = "" }' include/netboot/*.h >>"$bad"
echo "check-layering: $n5 public headers: no tunable outside config.h.in"

if [ -s "$bad" ]; then
	cat "$bad"
	echo "check-layering: FAILED ($(wc -l <"$bad") offending lines)"
	exit 1
fi
echo "check-layering: OK"
