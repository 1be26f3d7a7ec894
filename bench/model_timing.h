#pragma once
// LayerScope's side of the whole-model benchmark (bench_models.cpp): one model file loaded as the
// CLI loads it, run whole with runGraph (every node's output kept, as the app and `run` keep
// them) on a deterministic input, timed, with where the time went per node.

#include "core/exec_context.h"
#include "core/tensor.h"

#include <filesystem>
#include <string>
#include <vector>

namespace layerscope::bench {

struct ModelToTime {
    std::string name;                 // what the table calls it
    std::filesystem::path model;      // a model file, or a JSON architecture when `weights` is set
    std::filesystem::path weights;    // empty: none
};

struct NodeTime {
    std::string node, className;
    double medianMs = 0;
};

struct ModelTiming {
    std::vector<Shape> inputShapes;
    double medianMs = 0;
    std::vector<NodeTime> nodes;      // per computed node, median over the timed runs
    std::string error;                // non-empty: loading or running failed (no time)
};

// x[i] = sin(i * 0.001) * 0.5 + 0.5 over the flattened NHWC tensor: non-zero, smooth, in [0, 1];
// bench/tf_models.py computes the same values when it has no input.npy of ours.
Tensor deterministicInput(const Shape& shape);

// Loads `model`, runs it once as a warm-up and `repeat` more times, and writes into `outDir`
// input_<k>.npy (the model inputs) and layerscope_output_<k>.npy (the model outputs, for
// tf_models.py to compare). Never throws: a failure is `error`.
ModelTiming timeModel(const ModelToTime& model, const ExecContext& context, int repeat,
                      const std::filesystem::path& outDir);

} // namespace layerscope::bench
