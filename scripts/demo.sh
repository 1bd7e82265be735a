#!/usr/bin/env bash
# First command of the README: installs what is missing (apt), builds, and runs `ipt demo`
# end to end on embedded defaults. Everything the demo writes goes to ./ipt-demo.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh -DIPT_BUILD_TESTS=OFF -DIPT_BUILD_BENCH=OFF
exec build/app/ipt demo --out ipt-demo "$@"
