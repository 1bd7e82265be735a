#!/usr/bin/env bash
# A whole school year at once (docs/BENCHMARKS.md, "Issue 13"): the crypto floor, then
# generated dossiers through import, render, every signature, verification and archive on 1,
# 2 and 3 worker processes, then the crypto floor again (the machine is shared: both are
# printed).   scripts/bench-year.sh [BUILD_DIR] [BENCHMARK_FILTER]
# The default filter leaves out the 10,000-dossier run (about 8 minutes on three workers); pass
# 'BM_WholeYear/10000/3' (ipt batch's default on 2 cores) to run it.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$root/build}"
filter="${2:-BM_WholeYear/(100|1000)/}"
cmake --build "$build" --target ipt_pipeline_bench -j1 >/dev/null

floor() {
  openssl speed -seconds 2 -mr sha256 rsa2048 ecdsap256 2>/dev/null | awk -F: '
    /^\+F:.*:sha256:/ { printf "  SHA-256, 16 KiB blocks: %.2f GB/s\n", $NF / 1e9 }
    /^\+F2:/          { printf "  RSA-2048 sign: %.3f ms (%.0f /s)\n", 1e3 / $4, $4 }
    /^\+F4:/          { printf "  ECDSA P-256 sign: %.4f ms (%.0f /s)\n", 1e3 / $4, $4 }'
}
echo "== machine"
nproc; grep -m1 "model name" /proc/cpuinfo || true; openssl version; uptime
echo "== crypto floor (openssl speed -seconds 2), before"
floor
echo "== ipt_pipeline_bench --benchmark_filter='$filter'"
"$build/bench/ipt_pipeline_bench" --benchmark_filter="$filter" 2>/dev/null | grep -E "^BM|^-|Benchmark"
echo "== crypto floor, after"
floor
