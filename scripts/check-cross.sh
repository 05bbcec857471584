#!/usr/bin/env bash
# The freestanding contract (scripts/check-freestanding.sh) on the targets
# embedded loaders run on beyond x86: aarch64, riscv64 and big-endian s390x,
# built with Debian's cross gcc (scripts/deps.d/cross.txt).
#   check-cross.sh [OUT]   (default build-free-cross: kept apart from
# build-free, whose frames scripts/check-size.sh reads as the x86 figures)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
exec "$top/scripts/check-freestanding.sh" "${1:-$top/build-free-cross}" aarch64 riscv64 s390x
