#!/usr/bin/env bash
# Configures and builds IPT Dossiers in ./build (or $IPT_BUILD_DIR) with warnings as errors.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${IPT_BUILD_DIR:-build}
jobs=${IPT_JOBS:-$(nproc)}
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DIPT_WERROR=ON "$@" >/dev/null
cmake --build "$build_dir" -j "$jobs"
