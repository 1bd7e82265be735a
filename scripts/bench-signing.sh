#!/usr/bin/env bash
# The signing benchmarks and the crypto floor they are compared with, in the same run
# (docs/BENCHMARKS.md, "Signing").   scripts/bench-signing.sh [BUILD_DIR]
#
# Prints: the machine and its load, the crypto floor (openssl speed), the medians of
# ipt_signing_bench (in process, and `ipt sign` processes by fork/exec with their peak RSS),
# hyperfine over the real `ipt sign` command, and /usr/bin/time -v on the 10 MB form.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$root/build}"
cmake --build "$build" --target ipt ipt_signing_bench -j1 >/dev/null

echo "== machine"
nproc; grep -m1 "model name" /proc/cpuinfo || true; openssl version; uptime

echo "== crypto floor: openssl speed -seconds 1 -mr sha256 rsa2048 ecdsap256"
openssl speed -seconds 1 -mr sha256 rsa2048 ecdsap256 2>/dev/null | awk -F: '
  /^\+F:.*:sha256:/ { printf "SHA-256, 16 KiB blocks: %.2f GB/s\n", $NF / 1e9 }
  /^\+F2:/          { printf "RSA-2048 sign: %.3f ms (%.0f /s)\n", 1e3 / $4, $4 }
  /^\+F4:/          { printf "ECDSA P-256 sign: %.3f ms (%.0f /s)\n", 1e3 / $4, $4 }'

dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
echo "== ipt_signing_bench (median of 5)"
IPT_BENCH_DIR="$dir" "$build/bench/ipt_signing_bench" --benchmark_repetitions=5 \
  --benchmark_report_aggregates_only=true --benchmark_min_time=0.5 2>/dev/null | grep -E "median|Benchmark|----"

sign() {  # sign INPUT KEY: the command measured below
  echo "$build/app/ipt sign $dir/$1 -o $dir/signe-$1 --field sig_pole --p12 $dir/$2.p12 --password-file $dir/mot-de-passe.txt"
}
echo "== hyperfine: the whole ipt sign process, B-B, Annexe 4"
hyperfine -N --warmup 5 --runs 50 --style basic -n rsa2048 "$(sign annexe-4.pdf pole)" \
  -n ecdsap256 "$(sign annexe-4.pdf ecole-ordinaire)" 2>&1 | grep -vE "^ *$"
echo "== hyperfine: the whole ipt sign process, B-B, 10 MB form"
hyperfine -N --warmup 2 --runs 10 --style basic -n rsa2048-10MB "$(sign annexe-4-10mo.pdf pole)" 2>&1 | grep -vE "^ *$"

echo "== /usr/bin/time -v: peak RSS of ipt sign"
for input in annexe-4.pdf annexe-4-10mo.pdf; do
  printf "%s (%s bytes): " "$input" "$(stat -c %s "$dir/$input")"
  # shellcheck disable=SC2046
  /usr/bin/time -v $(sign "$input" pole) 2>&1 >/dev/null | awk -F': ' '/Maximum resident/ { printf "%.1f MiB\n", $2 / 1024 }'
done
