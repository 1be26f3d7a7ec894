#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine and runs every test:
#   1. installs packages; sets up the Keras venv (build/keras-venv: tensorflow-cpu 2.21.0 +
#      keras 3.15.1, scripts/keras-venv.sh; cached, instant once set up) that judges the Keras
#      differential tests; builds (core, CLI, app, tests) in build/ (Release) and runs CTest;
#   2. the whole suite again under AddressSanitizer + UndefinedBehaviorSanitizer (build-asan/,
#      scripts/sanitize.sh asan);
#   3. a fuzz smoke run: each libFuzzer target for 15 s on its seed corpus (build-fuzz/,
#      scripts/fuzz.sh 15).
# Every stage runs even when an earlier one fails; the last line is the total over all of them,
# "N passed, M failed" (CTest tests of both builds plus the fuzz targets), and the exit status is
# non-zero when anything failed. Set LAYERSCOPE_TEST_QUICK=1 to run stage 1 only.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
jobs=$(nproc)
# One venv serves every build directory that runs the suite (build/ here, build-asan/ through
# scripts/sanitize.sh). A failed setup is not fatal here: the differential tests then fail, naming
# scripts/keras-venv.sh, and every other test still runs.
keras_venv=$(pwd)/build/keras-venv
export LAYERSCOPE_KERAS_PYTHON=$keras_venv/bin/python
bash scripts/keras-venv.sh "$keras_venv" || echo "[test] warning: scripts/keras-venv.sh failed; the Keras differential tests will fail" >&2

passed=0
failed=0
summaries=()

# Runs ctest in $1 with the remaining arguments, echoing its output; adds its counts to the totals.
count_ctest() {
  local log=$1
  local line
  line=$(grep -E '^[0-9]+% tests passed, [0-9]+ tests? failed out of [0-9]+' "$log" | tail -1 || true)
  if [ -z "$line" ]; then
    failed=$((failed + 1)) # ctest did not even finish
    summaries+=("$2: no CTest summary (build or CTest failed)")
    return
  fi
  local bad total
  bad=$(sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\1/' <<<"$line")
  total=$(sed -E 's/.* failed out of ([0-9]+).*/\1/' <<<"$line")
  passed=$((passed + total - bad))
  failed=$((failed + bad))
  summaries+=("$2: $line")
}

# ---- 1. Release build and CTest ----------------------------------------------------------------
log_release=$(mktemp)
log_asan=$(mktemp)
log_fuzz=$(mktemp)
trap 'rm -f "$log_release" "$log_asan" "$log_fuzz"' EXIT

echo "[test] 1/3 Release build and CTest (build/)"
set +e
(
  set -e
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DLAYERSCOPE_BUILD_BENCH=OFF \
    -DLAYERSCOPE_KERAS_PYTHON="$LAYERSCOPE_KERAS_PYTHON"
  cmake --build build -j"$jobs"
  cd build
  QT_QPA_PLATFORM=offscreen ctest --output-on-failure --timeout 300
) 2>&1 | tee "$log_release"
set -e
count_ctest "$log_release" "Release"

if [ "${LAYERSCOPE_TEST_QUICK:-0}" != 1 ]; then
  # ---- 2. ASan + UBSan -------------------------------------------------------------------------
  echo "[test] 2/3 AddressSanitizer + UndefinedBehaviorSanitizer build and CTest (build-asan/)"
  set +e
  bash scripts/sanitize.sh asan 2>&1 | tee "$log_asan"
  set -e
  count_ctest "$log_asan" "ASan+UBSan"

  # ---- 3. Fuzz smoke run -----------------------------------------------------------------------
  echo "[test] 3/3 fuzz smoke run, 15 s per target (build-fuzz/)"
  set +e
  bash scripts/fuzz.sh 15 2>&1 | tee "$log_fuzz"
  fuzz_status=${PIPESTATUS[0]}
  set -e
  fuzz_ok=$(grep -cE '^  fuzz_[a-z_]+: .* exec/s' "$log_fuzz" || true)
  fuzz_bad=$(grep -cE '^  fuzz_[a-z_]+: .*FAILED' "$log_fuzz" || true)
  if [ "$fuzz_ok" -eq 0 ] && [ "$fuzz_status" -ne 0 ]; then
    fuzz_bad=1 # the fuzz build itself failed
  fi
  passed=$((passed + fuzz_ok - fuzz_bad))
  failed=$((failed + fuzz_bad))
  summaries+=("Fuzz smoke: $((fuzz_ok - fuzz_bad)) of $fuzz_ok targets clean (exit $fuzz_status)")
fi

echo "[test] summary:"
printf '[test]   %s\n' "${summaries[@]}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
