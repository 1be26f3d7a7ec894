#!/usr/bin/env bash
# Builds and runs the test suite under a sanitizer (README "Hardening"):
#
#   bash scripts/sanitize.sh asan    # AddressSanitizer + UndefinedBehaviorSanitizer, whole suite
#                                    # (core and, when Qt Widgets is installed, GUI) in build-asan/
#   bash scripts/sanitize.sh tsan    # ThreadSanitizer, clang + libomp, in build-tsan/: the core
#                                    # tests and the app's runner (gui.test_runner_threads)
#
# Extra arguments go to ctest (e.g. -R core.test_pipeline). Exit status is ctest's; its summary
# line ("100% tests passed, 0 tests failed out of N") is the last line ctest prints.
# Environment: LAYERSCOPE_ASAN_BUILD_DIR / LAYERSCOPE_TSAN_BUILD_DIR, JOBS (default: cores),
# LAYERSCOPE_BUILD_GUI (default ON; OFF leaves the GUI tests out), LAYERSCOPE_KERAS_PYTHON
# (the Keras venv's python for the differential tests; default: build/keras-venv, set up here with
# scripts/keras-venv.sh when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
mode=${1:-asan}
shift || true
jobs=${JOBS:-$(nproc)}
if [ -z "${LAYERSCOPE_KERAS_PYTHON:-}" ]; then
  LAYERSCOPE_KERAS_PYTHON=$root/build/keras-venv/bin/python
  bash "$root/scripts/keras-venv.sh" "$root/build/keras-venv" \
    || echo "warning: scripts/keras-venv.sh failed; the Keras differential tests will fail" >&2
fi

case "$mode" in
asan)
  build=${LAYERSCOPE_ASAN_BUILD_DIR:-$root/build-asan}
  gui=${LAYERSCOPE_BUILD_GUI:-ON}
  # RelWithDebInfo: optimised (the goldens and GUI tests stay fast) with line numbers in reports.
  # -g1: line tables for the reports' stacks without full debug info (a third of the build time).
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLAYERSCOPE_SANITIZE=ON \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG" \
    -DLAYERSCOPE_BUILD_GUI="$gui" -DLAYERSCOPE_BUILD_BENCH=OFF \
    -DLAYERSCOPE_KERAS_PYTHON="$LAYERSCOPE_KERAS_PYTHON" >/dev/null
  cmake --build "$build" -j"$jobs"
  # Leaks are errors too; the suppressions cover third-party libraries only (see the file).
  export ASAN_OPTIONS=${ASAN_OPTIONS:-"detect_leaks=1:strict_string_checks=1:check_initialization_order=1"}
  export LSAN_OPTIONS=${LSAN_OPTIONS:-"suppressions=$root/scripts/sanitizers/lsan.supp:print_suppressions=0"}
  export UBSAN_OPTIONS=${UBSAN_OPTIONS:-"print_stacktrace=1:halt_on_error=1"}
  ;;
tsan)
  build=${LAYERSCOPE_TSAN_BUILD_DIR:-$root/build-tsan}
  command -v clang++ >/dev/null || { echo "error: clang++ not found (bash scripts/install-deps.sh)" >&2; exit 1; }
  # clang, so that OpenMP is LLVM's libomp: GCC's libgomp is not TSan-instrumented and every
  # OpenMP barrier would be reported as a race.
  gui=${LAYERSCOPE_BUILD_GUI:-ON}
  CC=clang CXX=clang++ cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -gline-tables-only -DNDEBUG" \
    -DLAYERSCOPE_TSAN=ON -DLAYERSCOPE_BUILD_GUI="$gui" -DLAYERSCOPE_BUILD_BENCH=OFF \
    -DLAYERSCOPE_KERAS_PYTHON="$LAYERSCOPE_KERAS_PYTHON" >/dev/null
  cmake --build "$build" -j"$jobs"
  # Archer (LLVM's OpenMP tool for TSan) makes libomp's barriers, locks and tasks visible to TSan.
  archer=$(ls /usr/lib/llvm-*/lib/libarcher.so 2>/dev/null | sort -V | tail -1 || true)
  if [ -n "$archer" ]; then
    export OMP_TOOL_LIBRARIES=${OMP_TOOL_LIBRARIES:-$archer}
  else
    echo "warning: libarcher.so not found (libomp-dev); OpenMP synchronisation may be reported" >&2
  fi
  export TSAN_OPTIONS=${TSAN_OPTIONS:-"halt_on_error=1:second_deadlock_stack=1:suppressions=$root/scripts/sanitizers/tsan.supp"}
  # Two threads exercise every parallel path; more only slow TSan down on a small machine.
  export OMP_NUM_THREADS=${OMP_NUM_THREADS:-2}
  ;;
*)
  echo "usage: bash scripts/sanitize.sh asan|tsan [ctest arguments]" >&2
  exit 2
  ;;
esac

cd "$build"
labels=()
[ "$mode" = tsan ] && labels=(-L 'core|tsan-gui')
QT_QPA_PLATFORM=offscreen ctest --output-on-failure --timeout 900 "${labels[@]}" "$@"
