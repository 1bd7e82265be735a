#!/usr/bin/env bash
# The CPU of whole `ipt sign` processes (B-B, Annexe 4, ECDSA key) for two builds, run in
# turn so that both see the same machine: perf stat -r 20 a round, the median of the rounds.
#   scripts/compare-ipt-sign.sh BEFORE_IPT AFTER_IPT [ROUNDS]     (docs/BENCHMARKS.md)
# The inputs (the form, the test PKI's key and its password) are made by ipt_signing_bench.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
before="$1" after="$2" rounds="${3:-9}"
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
IPT_BENCH_DIR="$dir" "$root/build/bench/ipt_signing_bench" --benchmark_filter='BM_IptVersionProcess' >/dev/null 2>&1
args=(sign "$dir/annexe-4.pdf" -o "$dir/signe.pdf" --field sig_pole --p12 "$dir/ecole-ordinaire.p12"
      --password-file "$dir/mot-de-passe.txt")
for _ in $(seq "$rounds"); do
  for b in "$before" "$after"; do
    printf '%s %s\n' "$b" "$(perf stat -r 20 -e task-clock -x, "$b" "${args[@]}" 2>&1 >/dev/null | grep task-clock | cut -d, -f1)"
  done
done | python3 -c '
import collections, statistics, sys
times = collections.defaultdict(list)
for line in sys.stdin:
    binary, ms = line.rsplit(" ", 1)
    times[binary].append(float(ms))
for binary, v in times.items():
    print(f"{binary}: median {statistics.median(v):.2f} ms of CPU (fastest {min(v):.2f}, slowest {max(v):.2f}; {len(v)} rounds of 20)")
'
