#!/usr/bin/env bash
# Installs the Debian 12 packages LayerScope needs to build, test and run (skipped when present).
set -euo pipefail
packages=(
  build-essential cmake ninja-build pkg-config
  qt6-base-dev qt6-base-dev-tools libgl1-mesa-dev
  # Figures and animations: SVG (QSvgGenerator), GIF (giflib); the tests read PDF text with pdftotext
  qt6-svg-dev libgif-dev poppler-utils
  libeigen3-dev libopencv-dev nlohmann-json3-dev
  # Model files: HDF5 (.h5, model.weights.h5) and zip (.keras)
  libhdf5-dev libzip-dev
  # Graph view layout (Graphviz dot through libgvc/cgraph)
  libgraphviz-dev
  xvfb xauth python3
  # The Keras venv of the differential tests (scripts/keras-venv.sh)
  python3-venv
  # Hardening (README): clang for libFuzzer and the ThreadSanitizer build, its sanitizer runtimes,
  # and LLVM's OpenMP runtime (with clang, OpenMP is libomp; its Archer tool serves TSan).
  clang libclang-rt-14-dev libomp-14-dev
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "[layerscope] build dependencies already installed"
  exit 0
fi
echo "[layerscope] installing: ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "error: need root (or sudo) to apt-get install ${missing[*]}" >&2; exit 1; }
  SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
