#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine and runs every test: installs packages, builds (core, CLI,
# app, tests) in build/, and runs CTest. Exit status is CTest's.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DLAYERSCOPE_BUILD_BENCH=OFF
cmake --build build -j"$(nproc)"
cd build
QT_QPA_PLATFORM=offscreen ctest --output-on-failure --timeout 300
