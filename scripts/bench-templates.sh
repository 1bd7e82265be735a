#!/usr/bin/env bash
# The templates' benchmark and the crypto floor it is compared with, in the same run
# (docs/BENCHMARKS.md).   scripts/bench-templates.sh [BUILD_DIR]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$root/build}"
cmake --build "$build" --target ipt_templates_bench -j2
echo "== machine"; nproc; grep -m1 "model name" /proc/cpuinfo || true; openssl version
echo "== crypto floor: openssl speed -seconds 1 sha256 rsa2048 ecdsap256"
openssl speed -seconds 1 sha256 rsa2048 ecdsap256 2>/dev/null | grep -E "^(type|sha256|rsa|  *256|  *sign)"
echo "== ipt_templates_bench (median of 5, one core)"
taskset -c 0 "$build/bench/ipt_templates_bench" --benchmark_repetitions=5 --benchmark_report_aggregates_only=true \
  --benchmark_min_time=0.5 2>/dev/null | grep -E "median|Benchmark|----"
