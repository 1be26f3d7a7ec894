#pragma once
// Shape inference over a model graph, node by node in topological order, with each layer's
// explanation of every output axis. Never throws for a layer's error: a failing node gets the
// error, an unsupported node its reason, and every node downstream of either has no shape and
// names the node that blocked it. Other branches are inferred as usual.

#include "core/graph/graph.h"

#include <optional>
#include <string>
#include <vector>

namespace layerscope {

enum class NodeStatus {
    Ok,          // shape inferred
    Failed,      // the layer's own error (LayerError message in `error`)
    Unsupported, // the layer cannot run (`error` is the reason)
    Blocked,     // an input has no shape (`blockedBy` is the first failing or unsupported node upstream)
};

struct NodeShape {
    NodeStatus status = NodeStatus::Blocked;
    std::optional<LayerShape> shape; // Ok only; an input node's axes are empty
    std::string error;
    std::optional<size_t> blockedBy;
};

struct GraphShapes {
    std::vector<Shape> inputs;    // one per model input
    std::vector<NodeShape> nodes; // one per node
    bool ok() const;
    // The input shapes of node `node` (its producers' outputs); empty when one is unknown.
    std::vector<Shape> inputShapes(const ModelGraph& graph, size_t node) const;
};

// Keras's check of a tensor of `actual` shape fed to input node `node` (when the graph checks
// declared inputs, ModelGraph::checkDeclaredInputs): "" when accepted, else Keras's message
// ("Input 0 with name 'img' of layer 'model' is incompatible with the layer: expected
// shape=(None, 6, 6, 3), found shape=(1, 8, 8, 3)").
std::string modelInputProblem(const ModelGraph& graph, size_t node, const Shape& actual);

// `inputs`: one shape per model input (graph.inputs order). A missing one falls back to the
// InputLayer's declared batch_shape with a None batch as 1; a node without either fails.
GraphShapes inferGraphShapes(const ModelGraph& graph, const std::vector<Shape>& inputs);

} // namespace layerscope
