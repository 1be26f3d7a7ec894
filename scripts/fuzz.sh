#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, -fsanitize=fuzzer,address,undefined) and runs each for
# SECONDS_PER_TARGET seconds (default 15) on a scratch copy of its seed corpus in fuzz/corpus/, so
# the repository's corpus never grows. Fails on any crash, leak, timeout (10 s per input),
# out-of-memory (2 GiB RSS) or sanitizer report; the offending input is copied to
# <build dir>/fuzz-artifacts/ and the command to reproduce it is printed.
#
#   bash scripts/fuzz.sh            # 15 s per target (the CI smoke run: 60 s in all)
#   bash scripts/fuzz.sh 3600       # the long runs (README "Hardening")
#   bash scripts/fuzz.sh 60 fuzz_npy fuzz_image    # some targets only
#
# Environment: LAYERSCOPE_FUZZ_BUILD_DIR (default ./build-fuzz), JOBS (build parallelism,
# default: number of cores), FUZZ_ARGS (extra libFuzzer flags, e.g. "-runs=1000000"; for long
# fuzz_image runs "-detect_leaks=0" makes it ~15x faster: OpenCV keeps per-call allocations alive,
# so libFuzzer runs a full LeakSanitizer scan after every input; LSan still checks at exit).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

seconds=${1:-15}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(fuzz_pipeline_json fuzz_model_json fuzz_npy fuzz_image fuzz_execute fuzz_keras_file)
build=${LAYERSCOPE_FUZZ_BUILD_DIR:-$root/build-fuzz}
jobs=${JOBS:-$(nproc)}

command -v clang++ >/dev/null || { echo "error: clang++ not found (bash scripts/install-deps.sh)" >&2; exit 1; }

echo "[fuzz] configuring $build (clang, LAYERSCOPE_FUZZ=ON)"
# Line tables only: enough for the crash stacks, a fraction of full debug info's build time.
CC=clang CXX=clang++ cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -gline-tables-only -DNDEBUG" \
  -DLAYERSCOPE_FUZZ=ON -DLAYERSCOPE_BUILD_GUI=OFF -DLAYERSCOPE_BUILD_TESTS=OFF \
  -DLAYERSCOPE_BUILD_BENCH=OFF >/dev/null
cmake --build "$build" -j"$jobs" --target "${targets[@]}"

scratch=$(mktemp -d /tmp/layerscope-fuzz.XXXXXX)
trap 'rm -rf "$scratch"' EXIT
artifacts="$build/fuzz-artifacts"
mkdir -p "$artifacts"

# Leaks are reported per input by libFuzzer (-detect_leaks=1, the default with ASan).
export ASAN_OPTIONS=${ASAN_OPTIONS:-"detect_leaks=1"}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-"print_stacktrace=1:halt_on_error=1"}
# One OpenMP thread: the targets run single-threaded (ExecContext::threads = 1) anyway.
export OMP_NUM_THREADS=1
# OpenCV's own decompression-bomb limit, lowered from 2^30 to 2^24 pixels for fuzzing: an image
# just under LayerScope's 2^28-pixel limit legitimately needs up to 4 GiB as float32 RGBA, more
# than -rss_limit_mb. Claims above 2^28 still meet LayerScope's header check first.
export OPENCV_IO_MAX_IMAGE_PIXELS=${OPENCV_IO_MAX_IMAGE_PIXELS:-16777216}

failed=0
summary=()
for target in "${targets[@]}"; do
  corpus="$scratch/$target"
  cp -r "fuzz/corpus/$target" "$corpus"
  # The model-file target also starts from the small real files of ../shared/real_models (kept
  # outside the repository; those under 160 KB: .keras zips and legacy .h5 of several writers).
  shared_models="${LAYERSCOPE_SHARED_DIR:-$root/../shared}/real_models"
  if [ "$target" = fuzz_keras_file ] && [ -d "$shared_models" ]; then
    find "$shared_models" -maxdepth 1 -type f \( -name '*.keras' -o -name '*.h5' -o -name '*.hdf5' \) \
      -size -160k -exec cp {} "$corpus/" \;
  fi
  log="$build/$target.log"
  dict=()
  [ -f "fuzz/dicts/$target.dict" ] && dict=(-dict="fuzz/dicts/$target.dict")
  echo "[fuzz] $target: ${seconds}s on $(ls "$corpus" | wc -l) seeds (log: $log)"
  set +e
  # shellcheck disable=SC2086
  "$build/bin/$target" "$corpus" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
    -max_len=8192 -print_final_stats=1 -artifact_prefix="$artifacts/$target-" "${dict[@]}" \
    ${FUZZ_ARGS:-} >"$log" 2>&1
  rc=$?
  set -e
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -1)
  line="$target: ${runs:-?} executions, ${speed:-?} exec/s, ${cov:-no coverage line}"
  if [ $rc -ne 0 ] || grep -qE '^(==[0-9]+==ERROR|SUMMARY: )' "$log"; then
    failed=$((failed + 1))
    line="$line — FAILED (exit $rc)"
    echo "[fuzz] $target FAILED; end of its log:" >&2
    tail -n 60 "$log" >&2
    for a in "$artifacts/$target-"*; do
      [ -e "$a" ] && echo "[fuzz] reproduce: $build/bin/$target $a" >&2
    done
  fi
  summary+=("$line")
  rm -rf "$corpus"
done

echo "[fuzz] summary (${seconds}s per target):"
printf '  %s\n' "${summary[@]}"
if [ $failed -ne 0 ]; then
  echo "[fuzz] $failed of ${#targets[@]} targets failed" >&2
  exit 1
fi
echo "[fuzz] ${#targets[@]} passed, 0 failed"
