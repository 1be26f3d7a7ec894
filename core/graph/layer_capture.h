#pragma once
// One layer of a model, run on real inputs, as the figure and animation commands need it: the
// layer itself, the tensor it reads and the tensor it writes (the model is run as `run` runs it).

#include "core/exec_context.h"
#include "core/graph/graph.h"

#include <memory>
#include <string>
#include <vector>

namespace layerscope {

struct LayerCapture {
    size_t node = 0;                       // in the graph
    std::string name;                      // the node's name ("conv2d", "conv2d#1")
    std::shared_ptr<const Layer> layer;
    std::shared_ptr<const Tensor> input;   // the layer's (single) input
    std::shared_ptr<const Tensor> output;
};

// The node named `name` (a layer name, or a node name such as "conv2d#1" for a later call) of
// `graph`, run on `inputs`. Throws Error naming the layers there are when no node has that name,
// when the node is an input or an unsupported layer, when it reads several tensors (a merge), and
// the layer's own error when the run fails.
LayerCapture captureLayer(const ModelGraph& graph, const std::vector<std::shared_ptr<const Tensor>>& inputs,
                          const std::string& name, const ExecContext& context);

} // namespace layerscope
