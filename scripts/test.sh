#!/usr/bin/env bash
# Everything CI runs: installs its Debian packages, then builds and runs
# unit tests (plain and ASan+UBSan), hosted tests against real servers in
# throw-away network namespaces (ASan+UBSan build), the freestanding
# contract check, the footprint budgets, the layering rules, an outside
# program linking the installed library, Doxygen with warnings as errors,
# the library on aarch64/riscv64/s390x (unit tests under qemu-user), and
# each fuzz harness briefly on its seed corpus.  Needs root (namespaces, taps).
#   scripts/test.sh                 everything
#   scripts/test.sh unit            only the named stages
# Stages: unit asan freestanding size layering embed doxygen cross fuzz
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
out=${NB_TEST_OUT:-$top/build-test}
stages=${*:-unit asan freestanding size layering embed doxygen cross fuzz}
fuzz_secs=${NB_FUZZ_SECONDS:-20}

[ "$(id -u)" = 0 ] || { echo "test.sh: run as root (namespaces, tap devices, apt)" >&2; exit 1; }
"$top/scripts/deps.sh" || { echo "test.sh: installing packages failed" >&2; exit 1; }

passed=0 failed=0 failures=()
record() { # name status
	if [ "$2" = 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); failures+=("$1"); fi
}
# Adds meson's own per-test counts so the closing line counts tests.
meson_counts() { # logfile stage
	local ok fail
	ok=$(awk '/^Ok:/{print $2}' "$1" | tail -1)
	fail=$(awk '/^Fail:/{print $2}' "$1" | tail -1)
	to=$(awk '/^Timeout:/{print $2}' "$1" | tail -1)
	passed=$((passed + ${ok:-0})); failed=$((failed + ${fail:-0} + ${to:-0}))
	[ "${fail:-0}${to:-0}" = 00 ] || failures+=("$2")
	[ -n "$ok" ] || { failed=$((failed + 1)); failures+=("$2 (no tests ran)"); }
}
# NB_MESON_ARGS: extra meson options for local runs (e.g. -Dskip=...).
read -r -a extra <<<"${NB_MESON_ARGS:-}"
setup() { # dir [meson args...]
	local d=$1; shift
	set -- "$@" "${extra[@]}"
	if [ -f "$d/build.ninja" ]; then meson setup --reconfigure "$d" "$@" >/dev/null
	else meson setup "$d" "$@" >/dev/null; fi
}
mkdir -p "$out"

for st in $stages; do
	echo "=== stage: $st"
	case $st in
	unit)
		setup "$out/plain" && ninja -C "$out/plain" || { record "build" 1; continue; }
		meson test -C "$out/plain" --suite unit --print-errorlogs 2>&1 | tee "$out/unit.log"
		meson_counts "$out/unit.log" unit ;;
	asan)
		setup "$out/asan" -Db_sanitize=address,undefined -Db_lundef=false \
			-Dc_args=-fno-sanitize-recover=all && ninja -C "$out/asan" ||
			{ record "asan build" 1; continue; }
		# Hosted tests run here too: real servers, sanitizers watching.
		ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
			meson test -C "$out/asan" --print-errorlogs --timeout-multiplier 2 2>&1 |
			tee "$out/asan.log"
		meson_counts "$out/asan.log" asan ;;
	freestanding)
		"$top/scripts/check-freestanding.sh" "$out/free"; record freestanding $? ;;
	size)
		# Footprint budgets of the images and the library (after unit
		# and freestanding, whose builds it measures).
		"$top/scripts/check-size.sh" "$out/plain" "$out/free"; record size $? ;;
	layering)
		"$top/scripts/check-layering.sh" "$top"; record layering $? ;;
	embed)
		# The library installed and linked by an outside program.
		"$top/scripts/check-embed.sh" "$out/embed" "$out/plain"; record embed $? ;;
	cross)
		# Freestanding aarch64/riscv64/s390x; unit tests under qemu-user.
		"$top/scripts/test-cross.sh" "$out/cross"; record cross $? ;;
	doxygen)
		# Any warning fails the run (WARN_AS_ERROR in Doxyfile).
		{ cat Doxyfile; echo "OUTPUT_DIRECTORY = $out/doc"; } | doxygen -
		record doxygen $? ;;
	fuzz)
		CC=clang setup "$out/fuzz" -Dfuzz=true -Db_sanitize=address,undefined \
			-Db_lundef=false -Dc_args=-fsanitize=fuzzer-no-link &&
			ninja -C "$out/fuzz" || { record "fuzz build" 1; continue; }
		for h in "$out"/fuzz/fuzz/fuzz-*; do
			[ -f "$h" ] && [ -x "$h" ] || continue
			name=${h##*/fuzz-}
			work=$(mktemp -d)
			cp -r "fuzz/$name/corpus/." "$work/" 2>/dev/null
			echo "fuzz $name: ${fuzz_secs}s"
			"$h" -max_total_time="$fuzz_secs" -timeout=5 -rss_limit_mb=2048 \
				-print_final_stats=1 "$work" >"$out/fuzz-$name.log" 2>&1
			rc=$?
			tail -3 "$out/fuzz-$name.log"
			[ $rc = 0 ] || tail -40 "$out/fuzz-$name.log"
			record "fuzz-$name" $rc
			rm -rf "$work"
		done ;;
	*) echo "unknown stage $st"; record "$st" 1 ;;
	esac
done

echo
[ $failed = 0 ] || echo "failures: ${failures[*]}"
echo "$passed passed, $failed failed"
[ $failed = 0 ]
