#pragma once
// A Keras model as a graph of layer calls (Keras 3 models/functional.py, ops/node.py;
// SEMANTICS_MORE.md §24): the engine's form of a Functional model, of a Sequential one (a linear
// graph) and of LayerScope's pipeline file.
//
// - A GraphLayer is one Keras layer: its name, class and the engine's Layer (null for an
//   InputLayer and for a layer the engine cannot run, which is kept as an UnsupportedLayer with
//   its class, Keras object and the reason).
// - A GraphNode is one call of a layer (Keras's node): a layer called k times has k nodes and one
//   set of weights (shared layers). Its inputs are other nodes' outputs, in call order. Nodes are
//   named as Keras names tensors: (layer name, call index); every layer here has one output.
// - `nodes` is in topological order: a node's inputs come before it. That index is the "NN" of
//   the CLI's files and the index every per-node vector (shapes, outputs) is addressed by.
// - Model inputs are the nodes of InputLayers, model outputs any nodes (several of each).
// Nested Sequential / Functional models are inlined when parsed (graph_json.h): their layers
// become layers of the graph, their calls nodes.

#include "core/layer.h"

#include <nlohmann/json.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace layerscope {

struct UnsupportedLayer {
    std::string className;
    nlohmann::json object; // the Keras layer object as found in the file
    std::string reason;    // e.g. "no layer class 'Dense' in this build of LayerScope"
};

struct GraphLayer {
    std::string name;
    std::string className;
    std::shared_ptr<const Layer> layer;     // null for an InputLayer or an unsupported layer
    std::optional<UnsupportedLayer> unsupported;
    Shape declaredShape;                    // InputLayer: batch_shape, -1 for None (empty: unknown)
    bool isInput() const { return className == "InputLayer"; }
    bool supported() const { return isInput() || layer != nullptr; }
};

struct GraphNode {
    size_t layer = 0;                 // index into ModelGraph::layers
    int call = 0;                     // which call of the layer this is (Keras node index)
    std::vector<size_t> inputs;       // producing nodes, in call order
    nlohmann::json kwargs = nlohmann::json::object(); // non-tensor call arguments, verbatim
    // Passes its (one) input through unchanged instead of calling the layer: the graph window's
    // bypass (graph_edit.h). Never set by a file.
    bool bypassed = false;
    bool operator==(const GraphNode&) const = default;
};

struct ModelGraph {
    std::string name = "model";
    std::vector<GraphLayer> layers;
    std::vector<GraphNode> nodes;           // topological order
    std::vector<size_t> inputs;             // InputLayer nodes, in the model's input order
    std::vector<size_t> outputs;            // output nodes, in the model's output order
    std::vector<std::string> outputNames;   // a dict of outputs: their keys (else empty)
    // Keras checks a Functional model's inputs against the InputLayers' batch_shape (SEMANTICS_MORE
    // §24.3) and so does inferGraphShapes when this is set (parsed from a Functional model). A
    // Sequential model or pipeline file keeps LayerScope's rule: the declared shape is
    // informational and the actual input defines the shapes.
    bool checkDeclaredInputs = false;

    const GraphLayer& layerOf(size_t node) const { return layers.at(nodes.at(node).layer); }
    // "conv2d", or "conv2d#1" for a later call of a layer called several times.
    std::string nodeName(size_t node) const;
    std::optional<size_t> findLayer(const std::string& name) const;
    // The nodes calling layer `layer`, in call order.
    std::vector<size_t> nodesOfLayer(size_t layer) const;
    // consumers()[n]: the nodes that read node n's output.
    std::vector<std::vector<size_t>> consumers() const;
    // True for every node that depends on one of `changed` (the changed nodes included).
    std::vector<bool> downstreamOf(const std::vector<size_t>& changed) const;
    // Every node whose layer is `layer` (a shared layer changes all its calls) and their downstream.
    std::vector<bool> downstreamOfLayer(size_t layer) const;
    // A name not used by any layer yet, Keras style: stem, stem_1, stem_2, ...
    std::string uniqueLayerName(const std::string& stem) const;
    // Same model: layers (matched by name: class, config, weights, declared shape), nodes (matched
    // by name: inputs, kwargs), inputs and outputs; the order of the lists may differ.
    bool operator==(const ModelGraph& other) const;
};

// The linear graph of a pipeline: one InputLayer (the declared input shape, "input_layer") and a
// node per layer; the output is the last node.
ModelGraph graphFromPipeline(const struct Pipeline& pipeline);

// The pipeline of a linear graph (one input, each node reading the previous one, every layer
// supported and called once, one output: the last node); nullopt otherwise. For the app, which
// still edits pipelines.
std::optional<struct Pipeline> pipelineFromGraph(const ModelGraph& graph);

} // namespace layerscope
