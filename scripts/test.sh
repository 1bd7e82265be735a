#!/usr/bin/env bash
# Second command of the README (and what CI runs): installs what is missing, builds
# everything with warnings as errors, and runs the whole test suite with CTest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh -DIPT_BUILD_TESTS=ON -DIPT_BUILD_BENCH=ON
cd "${IPT_BUILD_DIR:-build}"
# Tests start their own loopback services; a per-test timeout keeps a hung one from
# holding the suite.
exec ctest --output-on-failure -j "${IPT_JOBS:-$(nproc)}" --timeout 300 "$@"
