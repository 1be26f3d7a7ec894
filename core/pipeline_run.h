#pragma once
// One runner for every caller that computes a pipeline: the app's worker (gui/engine/
// pipeline_runner.h), the Compare window and the CLI. A run is a value: the pipeline, which layers
// are enabled (a disabled, "bypassed", layer passes its input through), the first layer to
// compute and the tensor it starts from (a cached earlier output). Run options (threads, stop
// token, memory budget) come in an ExecContext as everywhere in the engine.
//
// Callbacks are called on the thread that called runLayers, never concurrently: the kernels'
// OpenMP threads only store the progress fraction (parallel.h reports from the calling thread).
// The memory budget covers what the run keeps: each layer may allocate the budget minus the
// bytes of the start tensor and the outputs computed so far, because the callers keep them all.

#include "exec_context.h"
#include "pipeline.h"

#include <chrono>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace layerscope {

struct RunRequest {
    const Pipeline* pipeline = nullptr;
    std::vector<bool> enabled;              // one per layer; empty: every layer enabled
    size_t first = 0;                       // the first layer to compute
    std::shared_ptr<const Tensor> start;    // the input of layer `first`
    int64_t heldBytes = -1;                 // bytes the caller already keeps; -1: start's size
    bool keepsOutputs = true;               // the caller keeps every output (else only the last)
};

// Where a run is: layer `layer` of `layerCount`, `fraction` 0..1 of it done. overall() counts the
// layers this run computes (from `first`), so 50% means half of the work asked for.
struct RunProgress {
    size_t layer = 0, first = 0, layerCount = 0;
    double fraction = 0.0;
    double overall() const;
};

struct RunCallbacks {
    std::function<void(size_t layer)> layerStarted;
    // `output` is the layer's input itself for a disabled layer (`milliseconds` 0).
    std::function<void(size_t layer, const std::shared_ptr<const Tensor>& output, double milliseconds)> layerDone;
    std::function<void(const RunProgress&)> progress; // at most once per progressInterval
    std::chrono::milliseconds progressInterval{50};
};

struct RunResult {
    bool cancelled = false;
    std::optional<size_t> failedLayer; // the layer whose error ended the run
    std::string error;                 // its message (LayerError::what())
    std::exception_ptr exception;      // the error itself, for callers that rethrow it
    bool ok() const { return !cancelled && !failedLayer; }
};

// Never throws for a layer's error or a cancellation: they end the run and are reported in the
// result. An exception from a callback other than CancelledError propagates.
RunResult runLayers(const RunRequest& request, const ExecContext& context, const RunCallbacks& callbacks = {});

// The CLI's form: checks the whole chain's shapes first (throws the first LayerError before
// computing anything), runs every layer, returns every output; rethrows a layer's error and
// throws CancelledError when cancelled. `layerDone` is called after each layer.
std::vector<std::shared_ptr<const Tensor>> runWholePipeline(const Pipeline& pipeline,
                                                            std::shared_ptr<const Tensor> input,
                                                            const ExecContext& context,
                                                            const decltype(RunCallbacks::layerDone)& layerDone = {});

// The pipeline with disabled layers left out (what actually computes, for code generation and
// shape questions).
Pipeline effectivePipeline(const Pipeline& pipeline, const std::vector<bool>& enabled);

} // namespace layerscope
