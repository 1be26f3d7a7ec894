#!/usr/bin/env bash
# The venv bench/peers.py runs in: Debian's PyTorch (python3-torch, seen through
# --system-site-packages) and ONNX Runtime from PyPI, pinned.
#   bash bench/peers-venv.sh [DIR]   (default build/peers-venv); then DIR/bin/python bench/peers.py
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build/peers-venv}
if ! dpkg-query -W -f='${Status}' python3-torch 2>/dev/null | grep -q "install ok installed"; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends python3-torch python3-venv
fi
if [ ! -x "$dir/bin/python" ]; then
  # Debian's interpreter: python3-torch lives in its dist-packages (a pyenv or other python3 on the
  # PATH would not see it).
  /usr/bin/python3 -m venv --system-site-packages "$dir"
fi
"$dir/bin/python" -m pip install -q "onnxruntime==1.20.1"
"$dir/bin/python" -c "import torch, onnxruntime; print('[peers-venv] torch', torch.__version__, 'onnxruntime', onnxruntime.__version__)"
