#!/usr/bin/env bash
# Sets up the Python virtual environment in which real Keras judges LayerScope (README
# "Correctness"; tests/keras/): Debian's python3 + python3-venv, pinned versions from PyPI.
#
#   bash scripts/keras-venv.sh [DIR]      # default: build/keras-venv
#
# Idempotent: DIR/layerscope-pins.txt records the pinned versions once they installed, and a
# re-run with the same pins returns at once. CMake finds the interpreter as the cache variable
# LAYERSCOPE_KERAS_PYTHON (default <build>/keras-venv/bin/python).
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${1:-build/keras-venv}
pins=(tensorflow-cpu==2.21.0 keras==3.15.1 numpy h5py)
stamp="$venv/layerscope-pins.txt"
wanted=$(printf '%s\n' "${pins[@]}")

if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ] && [ -x "$venv/bin/python" ]; then
  echo "[keras-venv] $venv is up to date (${pins[*]})"
  exit 0
fi
# Debian's interpreter, not whatever python3 comes first on PATH (pyenv and the like).
python=${LAYERSCOPE_VENV_BASE_PYTHON:-/usr/bin/python3}
[ -x "$python" ] || { echo "error: $python is missing (bash scripts/install-deps.sh)" >&2; exit 1; }
"$python" -c 'import ensurepip' 2>/dev/null \
  || { echo "error: python3-venv is missing (bash scripts/install-deps.sh)" >&2; exit 1; }

started=$(date +%s)
echo "[keras-venv] creating $venv with ${pins[*]}"
rm -f "$stamp"
"$python" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "${pins[@]}"
# The check that the judge is the pinned one (and imports): generate.py relies on it.
TF_CPP_MIN_LOG_LEVEL=3 "$venv/bin/python" -c '
import keras, tensorflow as tf
assert keras.__version__ == "3.15.1", keras.__version__
assert tf.__version__ == "2.21.0", tf.__version__
print("[keras-venv] keras", keras.__version__, "tensorflow", tf.__version__, "backend", keras.backend.backend())
'
printf '%s\n' "$wanted" > "$stamp"
echo "[keras-venv] ready in $(( $(date +%s) - started )) s: $venv/bin/python"
