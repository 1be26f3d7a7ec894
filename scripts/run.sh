#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine and starts LayerScope on the bundled sample image.
# With a display, the app opens; without one (ssh, CI), it renders the demo to ./layerscope-demo.
# Extra arguments go to the app (e.g. an image or .npy and a pipeline .json).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DLAYERSCOPE_BUILD_BENCH=OFF >/dev/null
cmake --build build -j"$(nproc)" --target layerscope
exec ./build/bin/layerscope "$@"
