#pragma once
// Edits of a model graph, as the graph window offers them: a branch from a node, a merge of
// picked nodes, reconnecting an input, deleting a node with the branch it leaves dangling,
// bypassing a node, and new parameters for a layer. Each returns the edited copy (the app keeps
// every version, so undo is swapping graphs back) and every result is a valid graph: topological
// order, no cycle, every layer called, at least one output. A refused edit throws GraphEditError
// saying why in the words of the app.
//
// After an edit, carryOutputs tells a re-run what it can keep: a node that computes what it
// computed before (same name, same layer with the same parameters and weights, same inputs all the
// way up, same bypass) keeps its output; only the others and their downstream are computed.

#include "core/graph/graph.h"
#include "core/tensor.h"

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace layerscope {

class GraphEditError : public std::invalid_argument {
public:
    using std::invalid_argument::invalid_argument;
};

// A new node of `layer` (a new layer of the graph, named by it) reading node `from`; it becomes
// a model output, so its branch is computed.
ModelGraph addBranch(const ModelGraph& graph, size_t from, std::shared_ptr<const Layer> layer);

// A new node of the merge `layer` reading `inputs` in that order (checked against the layer's
// arity); it becomes a model output, and every input that was a model output stops being one.
ModelGraph addMerge(const ModelGraph& graph, const std::vector<size_t>& inputs, std::shared_ptr<const Layer> layer);

// Input `slot` of `node` reads `source` instead. Refused when `source` depends on `node` (a cycle)
// or `node` is a model input.
ModelGraph reconnectInput(const ModelGraph& graph, size_t node, size_t slot, size_t source);

// Removes `node` and what it leaves dangling: a consumer with one input left without it goes
// too (and so on downstream); a merge keeping enough inputs just loses that one. Layers left
// without a call are dropped, outputs that went are no longer outputs, and when none is left the
// nodes that lost a consumer become the outputs. `removed` receives the removed nodes' names.
// Refused for the model's last input.
ModelGraph deleteNodeAndDanglingBranch(const ModelGraph& graph, size_t node, std::vector<std::string>* removed = nullptr);

// A bypassed node passes its input through unchanged (runGraph, inferGraphShapes); only a node
// with exactly one input can be bypassed. Saving writes the model without it (effectiveGraph).
ModelGraph setBypassed(const ModelGraph& graph, size_t node, bool bypassed);

// Layer `layer` (every call of it, if shared) gets `replacement` (same class; its name is kept).
ModelGraph replaceLayer(const ModelGraph& graph, size_t layer, std::shared_ptr<const Layer> replacement);

// The graph without its bypassed nodes: their consumers read their input instead. What is saved
// and what Keras code is generated for.
ModelGraph effectiveGraph(const ModelGraph& graph);

// For a re-run of `after` (runGraph's previous / changed): the outputs of `before` that still hold.
struct CarriedOutputs {
    std::vector<std::shared_ptr<const Tensor>> previous; // one per node of `after`
    std::vector<size_t> changed;                         // the nodes of `after` to compute
};
CarriedOutputs carryOutputs(const ModelGraph& before, const std::vector<std::shared_ptr<const Tensor>>& outputs,
                            const ModelGraph& after);

} // namespace layerscope
