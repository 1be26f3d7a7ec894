#pragma once
// Running a model graph: every node in topological order, keeping every node's output as an
// immutable shared tensor (the app's views and the CLI's files read them), with progress,
// cancellation and the memory budget as runLayers does (pipeline_run.h).
//
// A failing node does not stop the run: it gets its error, the nodes downstream of it are not
// computed, and the other branches go on (so every path runs up to its first unsupported or
// failing node). Cancellation ends the run.
//
// Re-running after a change: give the previous run's outputs and the changed nodes (a changed
// shared layer: all its nodes, ModelGraph::downstreamOfLayer; a new model input: its input node);
// only the changed nodes and what lies downstream of them are computed, every other node keeps
// its previous output pointer (the very same tensor).
//
// The memory budget covers what the run keeps: each node may allocate the budget minus the bytes
// of the outputs held so far (reused, inputs and computed), because the caller keeps them all.

#include "core/exec_context.h"
#include "core/graph/graph.h"

#include <chrono>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace layerscope {

using TensorPtr = std::shared_ptr<const Tensor>;

struct GraphRunRequest {
    const ModelGraph* graph = nullptr;
    std::vector<TensorPtr> inputs;   // one per model input (graph->inputs order)
    // A previous run's outputs (one per node, null where not computed) and the nodes that changed
    // since; empty `previous`: compute everything.
    std::vector<TensorPtr> previous;
    std::vector<size_t> changed;
};

// Where a run is: `done` of the `total` nodes this run computes, `fraction` 0..1 of node `node`.
struct GraphRunProgress {
    size_t node = 0, done = 0, total = 0;
    double fraction = 0.0;
    double overall() const { return total ? (static_cast<double>(done) + fraction) / static_cast<double>(total) : 1.0; }
};

struct GraphRunCallbacks {
    std::function<void(size_t node)> nodeStarted;
    // Called for computed nodes only (not for reused ones).
    std::function<void(size_t node, const TensorPtr& output, double milliseconds)> nodeDone;
    std::function<void(const GraphRunProgress&)> progress; // at most once per progressInterval
    std::chrono::milliseconds progressInterval{50};
};

struct GraphRunResult {
    std::vector<TensorPtr> outputs;   // one per node; null where not computed
    std::vector<std::string> errors;  // one per node: the layer's error, the unsupported reason,
                                      // or "not computed: X failed"; "" when computed
    std::vector<bool> computed;       // computed by this run (false: reused or not computed)
    std::vector<double> milliseconds; // per computed node
    bool cancelled = false;
    std::optional<size_t> firstFailed; // the first node (topological order) with its own error
    std::exception_ptr firstException; // that node's exception (LayerError, MemoryBudgetError, ...)
    bool ok() const;                   // not cancelled and every node has an output
    // The model outputs (graph.outputs order), null where not computed.
    std::vector<TensorPtr> modelOutputs(const ModelGraph& graph) const;
};

// Never throws for a layer's error or a cancellation (they are reported in the result); an
// exception from a callback other than CancelledError propagates. Throws std::invalid_argument
// for a request that does not fit the graph (input count, previous size).
GraphRunResult runGraph(const GraphRunRequest& request, const ExecContext& context,
                        const GraphRunCallbacks& callbacks = {});

// runGraph with `previous` and `changed` set: only `changedNode` and its downstream recompute.
GraphRunResult rerunDownstream(const ModelGraph& graph, const std::vector<TensorPtr>& inputs,
                               const std::vector<TensorPtr>& previous, size_t changedNode,
                               const ExecContext& context, const GraphRunCallbacks& callbacks = {});

} // namespace layerscope
